/**
 * How long it takes to form a full Hessian, three ways, on softmax regression over the first `features`
 * columns of X (n = C·(features + 1) parameters): n Hessian-vector products by double backprop (the generic
 * way, any model), the Kronecker closed form (two matMuls, n²N multiply-adds) and the block closed form
 * (one matMul over the distinct entries). For the Newton page's "speed of the Hessian".
 */
import * as tf from "@tensorflow/tfjs-core";
import { hessianColumns, hessianVectorProduct, type ScalarFn } from "./hessian.js";
import { softmaxRegressionHessian, softmaxRegressionHessianKronecker, softmaxRegressionLoss, softmaxRegressionSize } from "./softmax-regression.js";

export type HessianMethod = "hvp" | "kronecker" | "blocks";

export interface HessianTiming {
  method: HessianMethod;
  features: number;
  classes: number;
  /** Parameter count n. */
  n: number;
  /** Median wall time of the timed runs, ms (the result read back to JS included). */
  ms: number;
  /** Every timed run, ms. */
  runs: number[];
  /** Memory the n×n float32 matrix takes, bytes (4n²). */
  bytes: number;
}

export interface HessianTimingOptions {
  features: number;
  classes: number;
  method: HessianMethod;
  /** Timed runs after one untimed warm-up (default 3; the HVP method does 1 run, warmed up by one HVP). */
  repeats?: number;
  /** Seed of the random θ ~ N(0, 0.1²) the Hessian is taken at (default 1; never 0). */
  seed?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Time one way of forming the Hessian of softmax regression (mean cross-entropy on X[:, :features], labels)
 * at a random θ. The "hvp" method needs enableSecondOrderGradients().
 */
export function timeSoftmaxRegressionHessian(X: tf.Tensor2D, labels: tf.Tensor1D, options: HessianTimingOptions): HessianTiming {
  const steps = hessianTiming(X, labels, options);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/**
 * {@link timeSoftmaxRegressionHessian} in slices: yields between Hessian-vector products and between timed
 * runs, so a caller (the page's worker) can answer messages during the seconds n HVPs take. Only the time
 * spent inside the generator counts: a run's time is the sum of its slices.
 */
export function* hessianTiming(X: tf.Tensor2D, labels: tf.Tensor1D, options: HessianTimingOptions): Generator<void, HessianTiming, void> {
  const { features, classes, method, seed = 1 } = options;
  const repeats = options.repeats ?? (method === "hvp" ? 1 : 3);
  const n = softmaxRegressionSize(features, classes);
  const Xs = features === X.shape[1] ? X : (tf.slice(X, [0, 0], [X.shape[0], features]) as tf.Tensor2D);
  const theta = tf.tidy(() => tf.randomNormal([n], 0, 0.1, "float32", seed) as tf.Tensor1D);
  const f: ScalarFn = (t) => softmaxRegressionLoss(t, Xs, labels, { classes });
  /** One Hessian, read back to JS; yields between its slices; returns the ms spent in it. */
  function* once(): Generator<void, number, void> {
    let ms = 0;
    let t0 = performance.now();
    let H: tf.Tensor2D;
    if (method === "hvp") {
      const columns = hessianColumns(f, theta);
      for (;;) {
        const r = columns.next();
        if (r.done) {
          H = r.value;
          break;
        }
        ms += performance.now() - t0;
        yield;
        t0 = performance.now();
      }
    } else {
      H = method === "kronecker" ? softmaxRegressionHessianKronecker(theta, Xs, { classes }) : softmaxRegressionHessian(theta, Xs, { classes });
    }
    H.dataSync();
    H.dispose();
    return ms + performance.now() - t0;
  }
  try {
    if (method === "hvp") {
      // Warm up the kernels with one product (a whole untimed Hessian would double the cost).
      const e = new Float32Array(n);
      e[0] = 1;
      tf.tidy(() => hessianVectorProduct(f, theta, tf.tensor1d(e)).dataSync());
    } else {
      yield* once();
    }
    const runs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      yield;
      runs.push(yield* once());
    }
    return { method, features, classes, n, ms: median(runs), runs, bytes: 4 * n * n };
  } finally {
    theta.dispose();
    if (Xs !== X) Xs.dispose();
  }
}
