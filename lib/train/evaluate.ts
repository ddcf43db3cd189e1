/** Loss and accuracy of a classifier over a whole dataset, in batches (no gradients, nothing kept). */
import * as tf from "@tensorflow/tfjs-core";
import { epochBatches, type Batch } from "../data/batches.js";
import type { Dataset, Normalization } from "../data/dataset.js";

export interface ClassifierScore {
  /** Mean cross-entropy over every sample (not the mean of batch means, which seed 004 prints). */
  loss: number;
  /** Fraction classified correctly. */
  accuracy: number;
}

/** What the training loop's `evaluate` callback returns, as seed 004 prints it. */
export interface Evaluation {
  trainLoss: number;
  testLoss: number;
  trainAcc: number;
  testAcc: number;
}

/** Summed cross-entropy and the count of correct arg-maxes over one batch. */
export function scoreBatch(logits: (x: tf.Tensor2D) => tf.Tensor2D, b: Batch): [loss: number, correct: number] {
  return tf.tidy(() => {
    const x = tf.tensor2d(b.x, [b.size, b.features]);
    const y = tf.tensor1d(b.y, "int32");
    const z = logits(x);
    const picked = tf.sum(tf.mul(tf.logSoftmax(z), tf.oneHot(y, z.shape[1])), 1);
    return [tf.neg(tf.sum(picked)).dataSync()[0], tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), y), "int32")).dataSync()[0]];
  });
}

export function evaluateClassifier(
  logits: (x: tf.Tensor2D) => tf.Tensor2D,
  ds: Dataset,
  { batchSize = 1000, normalize }: { batchSize?: number; normalize?: Normalization } = {},
): ClassifierScore {
  let lossSum = 0;
  let correct = 0;
  for (const b of epochBatches(ds, { batchSize, seed: 1, shuffle: false, normalize }, 0)) {
    const [l, c] = scoreBatch(logits, b);
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / ds.count, accuracy: correct / ds.count };
}
