/**
 * Helpers for racing Newton against first-order optimizers: compute time per iterate, a full-batch
 * first-order run as a generator of iterates, and the local quadratic model of a function (on which
 * gradient descent's stability limit η < 2/λ_max is exact).
 */
import * as tf from "@tensorflow/tfjs-core";
import { minimize, type Stepper } from "../train/minimize.js";
import { variable } from "../train/parameters.js";

/**
 * Wraps a generator so that every value it yields carries `elapsed`: the milliseconds spent inside the
 * generator so far (its own computation, not the time the consumer spends between iterates drawing charts
 * or waiting for the next frame). Returning the wrapper returns the inner generator, so its cleanup runs.
 */
export function* timed<T extends object, R>(inner: Generator<T, R, void>): Generator<T & { elapsed: number }, R, void> {
  let elapsed = 0;
  try {
    for (;;) {
      const t0 = performance.now();
      const r = inner.next();
      elapsed += performance.now() - t0;
      if (r.done) return r.value;
      yield { ...r.value, elapsed };
    }
  } finally {
    inner.return(undefined as R);
  }
}

export interface FullBatchOptions {
  /** The loss at θ (tfjs ops; θ is a variable of shape [n]). */
  loss: (theta: tf.Variable) => tf.Scalar;
  /** Starting point θ₀. */
  x0: ArrayLike<number>;
  /** A first-order optimizer (createOptimizer(adam, …)); the caller disposes it. */
  optimizer: Stepper;
  steps: number;
  signal?: AbortSignal;
}

export interface FullBatchIterate {
  /** k: the loss is L(θₖ), taken before the k+1-th update (0 = the starting point). */
  iteration: number;
  loss: number;
}

/**
 * A first-order optimizer on the whole data set each step (no mini-batches), yielding L(θₖ) for k = 0, 1, …
 * Throws DivergedError ("diverged at step k") when the loss stops being finite. θ is freed however it ends.
 */
export function* fullBatchIterates({ loss, x0, optimizer, steps, signal }: FullBatchOptions): Generator<FullBatchIterate, void, void> {
  const theta = variable(Float32Array.from(x0));
  try {
    for (const s of minimize({ params: [theta], loss: () => loss(theta), optimizer, steps, signal })) {
      yield { iteration: s.step - 1, loss: s.loss };
    }
  } finally {
    theta.dispose();
  }
}

export interface QuadraticModel {
  /** q(θ) = f₀ + gᵀθ + ½ θᵀHθ (θ measured from the expansion point). */
  loss(theta: tf.Tensor1D): tf.Scalar;
  dispose(): void;
}

/**
 * The second-order Taylor model of a function around a point x₀, in the displacement θ = x − x₀:
 * q(θ) = f₀ + gᵀθ + ½ θᵀHθ. Its Hessian is H everywhere, so gradient descent on it converges exactly when
 * η < 2/λ_max(H) (for PSD H) and otherwise grows like |1 − ηλ_max|ᵏ.
 * @param H row-major n×n (symmetric)
 */
export function quadraticModel(f0: number, g: ArrayLike<number>, H: ArrayLike<number>): QuadraticModel {
  const n = g.length;
  const Ht = tf.tensor2d(Float32Array.from(H), [n, n]);
  const gt = tf.tensor1d(Float32Array.from(g));
  return {
    loss: (theta) =>
      tf.tidy(() => {
        const Hθ = tf.reshape(tf.matMul(Ht, tf.reshape(theta, [n, 1])), [n]);
        return tf.add(tf.scalar(f0), tf.add(tf.sum(tf.mul(gt, theta)), tf.mul(tf.scalar(0.5), tf.sum(tf.mul(theta, Hθ))))) as tf.Scalar;
      }),
    dispose: () => tf.dispose([Ht, gt]),
  };
}
