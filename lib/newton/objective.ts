/**
 * What Newton's method needs from a problem, in float64 arrays: f, ∇f, and either the Hessian or
 * Hessian-vector products. {@link tfObjective} builds one from a tfjs scalar function by autodiff (float32
 * inside tfjs, converted at the boundary).
 */
import * as tf from "@tensorflow/tfjs-core";
import { hessian as autodiffHessian, hessianVectorProduct, valueAndGradient, type ScalarFn } from "../autodiff/hessian.js";
import type { Matrix, Vector } from "./linalg.js";

export interface Objective {
  /** Number of parameters n. */
  readonly dim: number;
  /**
   * Relative accuracy of value(): differences in f smaller than noise·|f| are round-off (default 0; float32
   * objectives ≈ 1e-6). The line search will not demand a decrease below this level.
   */
  readonly noise?: number;
  value(x: Vector): number;
  valueAndGradient(x: Vector): { value: number; gradient: Vector };
  /** ∇²f(x), row-major n×n. Needed by exact Newton. */
  hessian?(x: Vector): Matrix;
  /** ∇²f(x)·v. Needed by Newton-CG. */
  hvp?(x: Vector, v: Vector): Vector;
}

export interface TfObjectiveOptions {
  /** A closed-form Hessian to use instead of n autodiff HVPs (e.g. softmaxRegressionHessian). */
  hessian?: (x: tf.Tensor1D) => tf.Tensor2D;
}

function read(t: tf.Tensor): Vector {
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

/**
 * An {@link Objective} from a tfjs function of a flat parameter vector. The Hessian and HVPs come from
 * double backprop, so enableSecondOrderGradients() must be in effect (they throw otherwise).
 */
export function tfObjective(f: ScalarFn, dim: number, options: TfObjectiveOptions = {}): Objective {
  const withX = <R>(x: Vector, fn: (xt: tf.Tensor1D) => R): R => {
    if (x.length !== dim) throw new Error(`tfObjective: expected ${dim} parameters, got ${x.length}`);
    const xt = tf.tensor1d(Float32Array.from(x));
    try {
      return fn(xt);
    } finally {
      xt.dispose();
    }
  };
  return {
    dim,
    // float32 has 2⁻²³ ≈ 1.2e-7 relative precision; a sum of many terms loses a few bits more.
    noise: 1e-6,
    value: (x) => withX(x, (xt) => tf.tidy(() => f(xt).dataSync()[0])),
    valueAndGradient: (x) =>
      withX(x, (xt) => {
        const { value, grad } = tf.tidy(() => valueAndGradient(f, xt));
        return { value: read(value)[0], gradient: read(grad) };
      }),
    hessian: (x) => withX(x, (xt) => read(options.hessian ? tf.tidy(() => options.hessian!(xt)) : autodiffHessian(f, xt))),
    hvp: (x, v) => withX(x, (xt) => read(tf.tidy(() => hessianVectorProduct(f, xt, tf.tensor1d(Float32Array.from(v)))))),
  };
}
