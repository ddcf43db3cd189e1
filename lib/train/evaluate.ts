/**
 * Loss and accuracy of a classifier over a whole dataset, in batches (no gradients, nothing kept).
 *
 * The sums stay on the device across batches and are read once, asynchronously, at the end: a GPU backend is
 * never made to wait mid-evaluation, and WebGPU without canvas interop (where `dataSync` reads zeros) scores
 * correctly. Between batches the event loop gets a turn, so scoring 60,000 images does not freeze the page.
 */
import * as tf from "@tensorflow/tfjs-core";
import { epochBatches, type Batch } from "../data/batches.js";
import type { Dataset, Normalization } from "../data/dataset.js";
import { nextMacrotask } from "./macrotask.js";

export interface ClassifierScore {
  /** Mean cross-entropy over every sample (not the mean of batch means, which the gradient-descent tutorial prints). */
  loss: number;
  /** Fraction classified correctly. */
  accuracy: number;
}

/** What the training loop's `evaluate` callback returns, as the gradient-descent tutorial prints it. */
export interface Evaluation {
  trainLoss: number;
  testLoss: number;
  trainAcc: number;
  testAcc: number;
}

/**
 * Summed cross-entropy and the count of correct arg-maxes over one batch, as a two-element float32 tensor
 * (counts are exact in float32 up to 2²⁴). Not read back: the caller adds it up and reads it when done.
 */
export function scoreBatch(logits: (x: tf.Tensor2D) => tf.Tensor2D, b: Batch): tf.Tensor1D {
  return tf.tidy(() => {
    const x = tf.tensor2d(b.x, [b.size, b.features]);
    const y = tf.tensor1d(b.y, "int32");
    const z = logits(x);
    const picked = tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(y, z.shape[1])), 1);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y), "float32"));
    return tf.stack([tf.neg(tf.sum(picked)), correct]) as tf.Tensor1D;
  });
}

export interface EvaluateOptions {
  batchSize?: number;
  normalize?: Normalization;
  /** Stop early (the score then covers the batches done, over the whole count: pass no signal to get a full score). */
  signal?: AbortSignal;
}

export async function evaluateClassifier(
  logits: (x: tf.Tensor2D) => tf.Tensor2D,
  ds: Dataset,
  { batchSize = 1000, normalize, signal }: EvaluateOptions = {},
): Promise<ClassifierScore> {
  let sums: tf.Tensor1D | undefined;
  try {
    for (const b of epochBatches(ds, { batchSize, seed: 1, shuffle: false, normalize }, 0)) {
      if (signal?.aborted) break;
      const s = scoreBatch(logits, b);
      if (sums === undefined) sums = s;
      else {
        const t = tf.add(sums, s) as tf.Tensor1D;
        sums.dispose();
        s.dispose();
        sums = t;
      }
      await nextMacrotask();
    }
    const [lossSum, correct] = sums ? await sums.data() : [NaN, NaN];
    return { loss: lossSum / ds.count, accuracy: correct / ds.count };
  } finally {
    sums?.dispose();
  }
}
