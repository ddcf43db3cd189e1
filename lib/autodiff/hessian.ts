/**
 * Gradients, Hessian-vector products and full Hessians of a scalar function of one flat parameter vector,
 * by tfjs's reverse-mode autodiff.
 *
 *   ∇f(x),   H(x)·v = ∇ₓ (∇f(x) · v)  (double backprop),   H = [H e₁ … H eₙ]  (n HVPs)
 *
 * The second-order helpers need {@link enableSecondOrderGradients} (see second-order.ts for why) and throw
 * if it is not in effect, rather than return a silently wrong Hessian.
 *
 * All results are new tensors owned by the caller; intermediates are released with `tf.tidy`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assertSecondOrderGradients } from "./second-order.js";

/** A scalar function of a flat parameter vector, written with tfjs ops. */
export type ScalarFn = (x: tf.Tensor1D) => tf.Scalar;

/**
 * f(x) and ∇f(x). A function that does not depend on x gets a zero gradient (tf.grad would throw), so the
 * same code works for a linear f's Hessian, which is 0.
 */
export function valueAndGradient(f: ScalarFn, x: tf.Tensor1D): { value: tf.Scalar; grad: tf.Tensor1D } {
  const { value, grads } = tf.engine().gradients(() => f(x), [x], undefined, true);
  const g = grads[0];
  return { value, grad: (g ?? tf.zerosLike(x)) as tf.Tensor1D };
}

/** ∇f(x). */
export function gradient(f: ScalarFn, x: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => valueAndGradient(f, x).grad);
}

/** H(x)·v by double backprop: the gradient of g(x) = ∇f(x)·v. Costs about two gradient evaluations. */
export function hessianVectorProduct(f: ScalarFn, x: tf.Tensor1D, v: tf.Tensor1D): tf.Tensor1D {
  assertSecondOrderGradients();
  return tf.tidy(() => valueAndGradient((z) => tf.sum(tf.mul(valueAndGradient(f, z).grad, v)), x).grad);
}

/**
 * The full n×n Hessian from n HVPs with the unit vectors (column i = H eᵢ), symmetrised as (H + Hᵀ)/2 so
 * that float32 round-off cannot make it asymmetric. n backprops of n parameters: fine for tens or a few
 * hundred parameters; prefer a closed form where one exists (softmax-regression.ts).
 */
export function hessian(f: ScalarFn, x: tf.Tensor1D): tf.Tensor2D {
  const columns = hessianColumns(f, x);
  for (let r = columns.next(); ; r = columns.next()) if (r.done) return r.value;
}

/**
 * {@link hessian} one column at a time: yields after each HVP (so a caller can give other work a turn between
 * columns) and returns the symmetrised n×n Hessian. `hessian` is this generator run to the end.
 */
export function* hessianColumns(f: ScalarFn, x: tf.Tensor1D): Generator<number, tf.Tensor2D, void> {
  assertSecondOrderGradients();
  const n = x.shape[0];
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const e = new Float32Array(n);
    e[i] = 1;
    const column = tf.tidy(() => hessianVectorProduct(f, x, tf.tensor1d(e)));
    out.set(column.dataSync(), i * n);
    column.dispose();
    if (i < n - 1) yield i;
  }
  // `out` holds columns in rows, i.e. Hᵀ; symmetrising makes the difference moot.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (out[i * n + j] + out[j * n + i]);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return tf.tensor2d(out, [n, n]);
}
