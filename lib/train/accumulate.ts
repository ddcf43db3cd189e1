/**
 * Gradient accumulation: one optimizer step from k micro-batches, so a large effective batch fits in memory.
 *
 * Done right (`"correct"`), in torch terms:
 *
 *   optimizer.zero_grad()                       # once
 *   for x, y in micro_batches:                  # k of them, N samples in all
 *       (loss_fn(model(x), y) * len(x) / N).backward()   # gradients add up in .grad
 *   optimizer.step()
 *
 * Each micro-batch's mean loss is weighted by its share of the samples (1/k when they are the same size), so
 * the summed gradient is exactly the gradient of the mean loss over all N samples: one step of batch size N.
 *
 * The optimizers-lab notebook's exercise (`"broken"`) calls `optimizer.zero_grad()` inside the loop, before every micro-batch,
 * and does not scale the loss. Each zero_grad throws away what the previous backward added, so the step uses
 * only the last micro-batch's gradient: k× the forward/backward work for one ordinary step. Kept so a page
 * can show it next to the fix.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Batch } from "../data/batches.js";
import type { Parameters } from "./parameters.js";

/** The loss of one batch: x is [size, features] float32, y is [size] int32 class indices. */
export type BatchLoss = (x: tf.Tensor2D, y: tf.Tensor1D) => tf.Scalar;

export type AccumulateMode = "correct" | "broken";

/** The micro-batch fields accumulation reads. */
export type MicroBatch = Pick<Batch, "x" | "y" | "size" | "features">;

/**
 * Fills `params.grads` from `micro` (see the module comment for the two modes) and returns the mean loss over
 * the samples, i.e. Σ size_i·loss_i / N, as a scalar tensor that is not read back: the caller reads it when it
 * needs the number (asynchronously on the training path) and disposes it. Does not step. Creates no other
 * tensors that outlive the call besides the gradient buffers it replaces.
 */
export function accumulateLoss(params: Parameters, micro: readonly MicroBatch[], loss: BatchLoss, mode: AccumulateMode = "correct"): tf.Scalar {
  if (micro.length === 0) throw new Error("accumulate: no micro-batches");
  const total = micro.reduce((n, b) => n + b.size, 0);
  return mode === "correct" ? accumulateCorrect(params, micro, loss, total) : accumulateBroken(params, micro, loss, total);
}

/** `accumulateLoss` read back synchronously, for tests and CPU-side callers. */
export function accumulate(params: Parameters, micro: readonly MicroBatch[], loss: BatchLoss, mode: AccumulateMode = "correct"): number {
  const mean = accumulateLoss(params, micro, loss, mode);
  const v = mean.dataSync()[0];
  mean.dispose();
  return v;
}

/** Runs `f` on a micro-batch as tensors and frees them. */
function withTensors<R>(b: MicroBatch, f: (x: tf.Tensor2D, y: tf.Tensor1D) => R): R {
  const x = tf.tensor2d(b.x, [b.size, b.features]);
  const y = tf.tensor1d(b.y, "int32");
  try {
    return f(x, y);
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** a + b, disposing both (a may be undefined: the first term). */
function addInto(a: tf.Scalar | undefined, b: tf.Scalar): tf.Scalar {
  if (a === undefined) return b;
  const s = tf.add(a, b) as tf.Scalar;
  a.dispose();
  b.dispose();
  return s;
}

function accumulateCorrect(params: Parameters, micro: readonly MicroBatch[], loss: BatchLoss, total: number): tf.Scalar {
  let mean: tf.Scalar | undefined;
  // #region accumulate-correct
  params.zeroGrad(); // once per step: every micro-batch's gradient adds up in params.grads
  for (const b of micro) {
    const share = b.size / total; // weight of this micro-batch's mean loss in the step's mean loss
    mean = addInto(mean, withTensors(b, (x, y) => params.backwardLoss(() => tf.mul(loss(x, y), share) as tf.Scalar)));
  }
  // #endregion accumulate-correct
  return mean!;
}

function accumulateBroken(params: Parameters, micro: readonly MicroBatch[], loss: BatchLoss, total: number): tf.Scalar {
  let mean: tf.Scalar | undefined;
  // #region accumulate-broken
  for (const b of micro) {
    params.zeroGrad(); // the bug: zeroing here throws away the micro-batches before this one
    const l = withTensors(b, (x, y) => params.backwardLoss(() => loss(x, y)));
    mean = addInto(mean, tf.tidy(() => tf.mul(l, b.size / total) as tf.Scalar));
    l.dispose();
  }
  // #endregion accumulate-broken
  return mean!;
}
