/** Losses and metrics. Labels are integer class indices (int32). */
import * as tf from "@tensorflow/tfjs-core";

/** Mean cross-entropy of softmax(logits) against labels, like torch's F.cross_entropy. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, classes)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

/** Squared error, summed (the Understanding-Adam and PyTorch-optimizers notebooks) or averaged (torch's default). */
export function mse(pred: tf.Tensor, target: tf.Tensor, reduction: "sum" | "mean" = "mean"): tf.Scalar {
  return tf.tidy(() => {
    const sq = tf.square(tf.sub(pred, target));
    return (reduction === "sum" ? tf.sum(sq) : tf.mean(sq)) as tf.Scalar;
  });
}

/** Fraction of rows whose arg-max equals the label. */
export function accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32")).dataSync()[0]);
}
