/**
 * Softmax regression as an {@link Objective} for Newton's method, with everything in closed form: the loss,
 * its gradient, the full Hessian (block structure, one matMul) and Hessian-vector products (two thin
 * matMuls). No double backprop, so no enableSecondOrderGradients() needed, and each HVP costs about one
 * gradient — which is what lets Newton-CG finish the 650-parameter digits model in well under a second.
 *
 * The class probabilities at the last θ are kept, so the many HVPs Newton-CG takes at one iterate reuse
 * them. Call dispose() when done (it frees those and the Hessian's precomputed outer products).
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  SoftmaxRegressionHessian,
  softmaxRegressionGradient,
  softmaxRegressionHessianVectorProduct,
  softmaxRegressionLoss,
  softmaxRegressionProbabilities,
  softmaxRegressionSize,
  type SoftmaxRegressionOptions,
} from "../autodiff/softmax-regression.js";
import type { Matrix, Vector } from "./linalg.js";
import type { Objective } from "./objective.js";

export interface DisposableObjective extends Objective {
  dispose(): void;
}

const sameVector = (a: Vector, b: Vector) => {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * @param X features [N, D] (borrowed: keep it alive while the objective is used)
 * @param labels class indices [N] or one-hot [N, C] (borrowed)
 */
export function softmaxRegressionObjective(X: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D, options: SoftmaxRegressionOptions): DisposableObjective {
  const { classes, l2 = 0 } = options;
  const dim = softmaxRegressionSize(X.shape[1], classes);
  let plan: SoftmaxRegressionHessian | null = null; // built on the first Hessian: Newton-CG never needs it
  let cached: { x: Vector; theta: tf.Tensor1D; P: tf.Tensor2D } | null = null;
  const check = (x: Vector) => {
    if (x.length !== dim) throw new Error(`softmaxRegressionObjective: expected ${dim} parameters, got ${x.length}`);
  };
  const withX = <R>(x: Vector, fn: (theta: tf.Tensor1D) => R): R => {
    check(x);
    const theta = tf.tensor1d(Float32Array.from(x));
    try {
      return fn(theta);
    } finally {
      theta.dispose();
    }
  };
  const read = (t: tf.Tensor): Vector => {
    const out = Float64Array.from(t.dataSync());
    t.dispose();
    return out;
  };
  return {
    dim,
    noise: 1e-6,
    value: (x) => withX(x, (theta) => tf.tidy(() => softmaxRegressionLoss(theta, X, labels, options).dataSync()[0])),
    valueAndGradient: (x) =>
      withX(x, (theta) => ({
        value: tf.tidy(() => softmaxRegressionLoss(theta, X, labels, options).dataSync()[0]),
        gradient: read(softmaxRegressionGradient(theta, X, labels, options)),
      })),
    hessian: (x): Matrix =>
      withX(x, (theta) => {
        plan ??= new SoftmaxRegressionHessian(X, classes);
        return Float64Array.from(plan.compute(theta, l2));
      }),
    hvp: (x, v) => {
      check(x);
      if (cached == null || !sameVector(cached.x, x)) {
        if (cached) tf.dispose([cached.theta, cached.P]);
        const theta = tf.tensor1d(Float32Array.from(x));
        cached = { x: Float64Array.from(x), theta, P: softmaxRegressionProbabilities(theta, X, classes) };
      }
      const { theta, P } = cached;
      return read(tf.tidy(() => softmaxRegressionHessianVectorProduct(theta, X, tf.tensor1d(Float32Array.from(v)), { classes, l2, probabilities: P })));
    },
    dispose: () => {
      plan?.dispose();
      plan = null;
      if (cached) tf.dispose([cached.theta, cached.P]);
      cached = null;
    },
  };
}
