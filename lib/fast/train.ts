/**
 * Training loops of the fast path: the Adam-on-digits notebook's `train_model` (per-sample steps, epochs over the rows in
 * order), as a generator that yields after every epoch so a page can draw and stay responsive.
 *
 * ```ts
 * const net = new DenseNet({ sizes: [64, 10], seed: 1 });
 * const optimizer = createFloatOptimizer(adam, { lr: 1e-3 });
 * for (const e of fitDense({ net, optimizer, x, y, epochs: 15 })) console.log(e.epoch, e.loss, e.ms);
 * net.evaluate(xTest, yTest);   // { loss, accuracy }
 * ```
 */
import { permutation, rng } from "../random.js";
import { optimizerStep } from "../train/minimize.js";
import { DenseNet, type DenseLoss } from "./dense.js";

import type { Stepper } from "../optimizers/choice.js";

export interface FitDenseOptions {
  net: DenseNet;
  /** lib/optimizers' `createFloatOptimizer(def, options)`, or anything with its `step` over Float32Arrays. */
  optimizer: Stepper<Float32Array, Float32Array>;
  /** Inputs, `net.inputs` values per row, row-major. */
  x: Float32Array;
  /** Class indices (cross-entropy) or `net.outputs` targets per row (mse). */
  y: ArrayLike<number>;
  loss?: DenseLoss;
  epochs: number;
  /** Samples per step, averaged; 1 (default) is the Adam-on-digits notebook's per-sample training. */
  batchSize?: number;
  /** Reshuffle the rows every epoch from this seed; by default the rows are visited in order, as in the Adam-on-digits notebook. */
  shuffleSeed?: number;
  /**
   * The network the optimizer was created for, if not `net` — the Adam-on-digits notebook's pitfall: `zero_grad()` and `step()`
   * act on the parameters the optimizer holds, while `backward()` fills the gradients of the model being
   * trained. With `stepped` ≠ `net`, `net` never changes and its gradients pile up unused.
   */
  stepped?: DenseNet;
  /**
   * Multiply every gradient by this constant (as if the loss were multiplied by it); the reported loss is
   * unscaled. 1 by default. Shows which optimizers care about the scale of the gradient itself.
   */
  gradScale?: number;
  signal?: AbortSignal;
}

export interface EpochReport {
  epoch: number;
  /** Optimizer steps so far. */
  steps: number;
  /** Mean per-sample training loss over the epoch, before each sample's step (what the Adam-on-digits notebook prints). */
  loss: number;
  /** Time this epoch's computation took, ms (not counting time the consumer spent between epochs). */
  ms: number;
  /** Computation time so far, ms. */
  totalMs: number;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Trains `net` for `epochs` epochs and yields a report after each. Throws `DivergedError` (before stepping)
 * when a step's loss is NaN or ±∞. Returns early, without an error, once `signal` is aborted.
 */
export function* fitDense(o: FitDenseOptions): Generator<EpochReport, void, unknown> {
  const { net, optimizer, x, y, epochs, loss = "cross-entropy", batchSize = 1, gradScale = 1, signal } = o;
  const stepped = o.stepped ?? net;
  const rows = x.length / net.inputs;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`fitDense: ${x.length} inputs is not a whole number of ${net.inputs}-value rows`);
  const expectY = loss === "cross-entropy" ? rows : rows * net.outputs;
  if (y.length !== expectY) throw new Error(`fitDense: ${y.length} targets for ${rows} rows (expected ${expectY})`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`fitDense: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isFinite(gradScale) && gradScale !== 0)) throw new Error(`fitDense: gradScale must be a finite non-zero number, got ${gradScale}`);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`fitDense: epochs must be a non-negative integer, got ${epochs}`);
  const targets = loss === "mse" ? Float32Array.from(y) : null;
  const random = o.shuffleSeed === undefined ? null : rng(o.shuffleSeed);
  let order: ArrayLike<number> = Uint32Array.from({ length: rows }, (_, i) => i);
  let steps = 0;
  let totalMs = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (signal?.aborted) return;
    const started = now();
    if (random) order = permutation(rows, random);
    let sum = 0;
    // #region seed-loop
    for (let start = 0; start < rows; start += batchSize) {
      const end = Math.min(rows, start + batchSize);
      const scale = gradScale / (end - start);
      let batchLoss = 0;
      const batch = {
        params: stepped.params, //              the parameters the optimizer holds,
        grads: stepped.grads, //                their gradients: optimizer.zero_grad() clears these
        zeroGrad: () => stepped.zeroGrad(),
        backward: () => { //                    forward + loss.backward() on `net`, the model being trained
          for (let i = start; i < end; i++) batchLoss += net.backward(x, order[i], targets ?? y[order[i]], loss, scale);
          return batchLoss / (end - start);
        },
      };
      optimizerStep(steps + 1, batch, optimizer); // zero_grad, backward, step (train/minimize.ts)
      sum += batchLoss;
      steps++;
    }
    // #endregion seed-loop
    const ms = now() - started;
    totalMs += ms;
    yield { epoch, steps, loss: sum / rows, ms, totalMs };
  }
}

/** Runs `fitDense` to the end and returns its last report (or null for 0 epochs). */
export function fitDenseSync(o: FitDenseOptions): EpochReport | null {
  let last: EpochReport | null = null;
  for (const r of fitDense(o)) last = r;
  return last;
}
