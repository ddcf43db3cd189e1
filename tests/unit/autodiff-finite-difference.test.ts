/**
 * Every op our models use, checked to second order against central finite differences.
 *
 * For each op we build a small scalar f(x) around it (composed with a nonlinearity where the op itself is
 * linear, so its Hessian is not trivially 0) and compare, along a random direction v:
 *   1. ∇f·v   with (f(x + hv) − f(x − hv)) / 2h                      (first order, function values only)
 *   2. H·v    (double backprop) with (∇f(x + hv) − ∇f(x − hv)) / 2h  (second order)
 *   3. vᵀHv   with (f(x + hv) − 2f(x) + f(x − hv)) / h²                (second order, function values only)
 *
 * Tolerances. Everything runs in float32 (ε = 2⁻²³ ≈ 1.2e-7). A central difference has truncation error
 * ≈ h²/6·|f‴| (h²/12·|f⁗| for 3.) and round-off ≈ ε·|f|/h (ε·|f|/h² for 3.). With h = 1e-2 (near the
 * optimum (3ε)^{1/3} ≈ 7e-3 for 1. and 2.) both are ~1e-5 of the derivative scale for our O(1)
 * functions, so we allow 1e-3 · max(1, scale): a 50–100× margin. For 3. we use h = 3e-2: round-off
 * 1.2e-7/9e-4 ≈ 1.3e-4·|f|, truncation ≈ 7.5e-5·|f⁗|, so 3e-3 · max(1, scale). A missing second-order
 * term (the tfjs #3252 bug) is an O(1) relative error, far above either.
 */
import "../helpers/node-tfjs.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  enableSecondOrderGradients,
  gradient,
  hessian,
  hessianVectorProduct,
  logSoftmax,
  logSumExp,
  softmaxCrossEntropy,
  stopGradient,
  type ScalarFn,
} from "../../lib/autodiff/index.js";

await tf.setBackend("cpu");
enableSecondOrderGradients();

const H1 = 1e-2;
const H2 = 3e-2;

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}
const f0 = (f: ScalarFn, x: number[]) => tf.tidy(() => f(tf.tensor1d(x)).dataSync()[0]);
const along = (x: number[], v: number[], h: number) => x.map((xi, i) => xi + h * v[i]);
const scaleOf = (a: number[]) => Math.max(1, ...a.map(Math.abs));

/** Deterministic inputs: tfjs's seeded normal (JS alea; never seed 0). */
function randn(n: number, seed: number, scale = 1): number[] {
  return values(tf.randomNormal([n], 0, scale, "float32", seed));
}

function checkSecondOrder(name: string, f: ScalarFn, x: number[], v: number[]): void {
  const xt = tf.tensor1d(x);
  const vt = tf.tensor1d(v);
  const g = values(gradient(f, xt));
  const Hv = values(hessianVectorProduct(f, xt, vt));
  // 1. first order from values
  const gv = g.reduce((s, gi, i) => s + gi * v[i], 0);
  const gvFD = (f0(f, along(x, v, H1)) - f0(f, along(x, v, -H1))) / (2 * H1);
  assert.ok(Math.abs(gv - gvFD) <= 1e-3 * scaleOf([gv]), `${name}: ∇f·v ${gv} vs FD ${gvFD}`);
  // 2. HVP from gradients
  const gPlus = values(gradient(f, tf.tensor1d(along(x, v, H1))));
  const gMinus = values(gradient(f, tf.tensor1d(along(x, v, -H1))));
  const HvFD = gPlus.map((gp, i) => (gp - gMinus[i]) / (2 * H1));
  const tol = 1e-3 * scaleOf(HvFD);
  HvFD.forEach((e, i) => assert.ok(Math.abs(Hv[i] - e) <= tol, `${name}: (Hv)[${i}] = ${Hv[i]} vs FD ${e}`));
  // 3. curvature along v from values
  const vHv = Hv.reduce((s, hi, i) => s + hi * v[i], 0);
  const fx = f0(f, x);
  const vHvFD = (f0(f, along(x, v, H2)) - 2 * fx + f0(f, along(x, v, -H2))) / (H2 * H2);
  assert.ok(Math.abs(vHv - vHvFD) <= 3e-3 * scaleOf([vHv, fx]), `${name}: vᵀHv ${vHv} vs FD ${vHvFD}`);
  // The HVP should not be trivially zero: otherwise the test checks nothing.
  assert.ok(Math.max(...Hv.map(Math.abs)) > 1e-3, `${name}: Hv is ~0, pick a better test function`);
  tf.dispose([xt, vt]);
}

const W = (seed: number, n: number) => tf.tensor1d(randn(n, seed));
const A = tf.tensor2d(randn(12, 11), [4, 3]); // fixed matrix for matMul cases
const w6 = W(12, 6);

/** op name → [f, n]; x ~ N(0, 0.8²), v ~ N(0, 1). */
const cases: Record<string, [ScalarFn, number]> = {
  "matMul (x as [2,3] times A ᵀ, both flags)": [
    (x) => {
      const M = tf.reshape(x, [2, 3]);
      const P = tf.matMul(M, A, false, true); // [2,4]
      const Q = tf.matMul(P, tf.reshape(x, [2, 3]), true, false); // [4,3]
      return tf.add(tf.sum(tf.sin(tf.mul(Q, tf.scalar(0.3)))), tf.mul(tf.square(tf.sum(P)), tf.scalar(0.05))) as tf.Scalar;
    },
    6,
  ],
  "add (broadcast)": [(x) => tf.sum(tf.sin(tf.mul(tf.add(tf.reshape(x, [2, 3]), tf.slice(x, [0], [3])), tf.reshape(x, [2, 3])))), 6],
  "sub, div, neg": [(x) => tf.sum(tf.neg(tf.div(tf.sub(x, w6), tf.add(tf.square(x), tf.scalar(1))))), 6],
  relu: [(x) => tf.sum(tf.mul(tf.square(tf.relu(x)), tf.add(x, tf.scalar(2)))), 6],
  exp: [(x) => tf.sum(tf.mul(tf.exp(x), w6)), 6],
  log: [(x) => tf.sum(tf.mul(tf.log(tf.add(tf.square(x), tf.scalar(0.5))), w6)), 6],
  tanh: [(x) => tf.sum(tf.mul(tf.tanh(x), w6)), 6],
  sigmoid: [(x) => tf.sum(tf.mul(tf.sigmoid(x), w6)), 6],
  "softmax (rows)": [(x) => tf.sum(tf.mul(tf.softmax(tf.reshape(x, [2, 3])), tf.reshape(w6, [2, 3]))), 6],
  "logSoftmax (ours)": [(x) => tf.sum(tf.mul(logSoftmax(tf.reshape(x, [2, 3])), tf.reshape(w6, [2, 3]))), 6],
  logSumExp: [(x) => tf.mul(logSumExp(x), logSumExp(tf.neg(x))) as tf.Scalar, 6],
  square: [(x) => tf.sum(tf.mul(tf.square(x), tf.square(tf.add(x, w6)))), 6],
  "pow (base and exponent)": [(x) => tf.sum(tf.pow(tf.add(tf.square(x), tf.scalar(1)), tf.mul(x, tf.scalar(0.5)))), 6],
  sqrt: [(x) => tf.sum(tf.mul(tf.sqrt(tf.add(tf.square(x), tf.scalar(1))), w6)), 6],
  "sum (axis, keepDims)": [(x) => tf.sum(tf.sin(tf.sum(tf.reshape(x, [2, 3]), 1, true))), 6],
  "mean (axis)": [(x) => tf.sum(tf.square(tf.sin(tf.mean(tf.reshape(x, [2, 3]), 0)))), 6],
  "max / min (reductions)": [(x) => tf.add(tf.square(tf.max(x)), tf.sum(tf.sin(tf.min(tf.reshape(x, [2, 3]), 1)))) as tf.Scalar, 6],
  "sin, cos": [(x) => tf.sum(tf.mul(tf.sin(x), tf.cos(tf.mul(x, w6)))), 6],
  "reshape, slice, concat, transpose": [
    (x) => {
      const a = tf.slice(x, [1], [4]);
      const c = tf.concat([a, tf.slice(x, [0], [2])]);
      return tf.sum(tf.sin(tf.mul(tf.transpose(tf.reshape(c, [2, 3])), tf.reshape(w6, [3, 2]))));
    },
    6,
  ],
  "softmaxCrossEntropy (indices)": [(x) => softmaxCrossEntropy(tf.reshape(x, [3, 3]) as tf.Tensor2D, tf.tensor1d([2, 0, 1], "int32")) as tf.Scalar, 9],
  "softmaxCrossEntropy (soft targets, sum)": [
    (x) => softmaxCrossEntropy(tf.reshape(x, [3, 3]) as tf.Tensor2D, tf.tensor2d([[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5]]), "sum") as tf.Scalar,
    9,
  ],
  "MLP: mean CE(relu(X W1 + b1) W2 + b2)": [
    (x) => {
      const X = tf.tensor2d([[0.5, -1.2], [1.0, 0.3], [-0.7, 0.8], [0.2, 0.9]]);
      const W1 = tf.reshape(tf.slice(x, [0], [6]), [2, 3]);
      const b1 = tf.slice(x, [6], [3]);
      const W2 = tf.reshape(tf.slice(x, [9], [6]), [3, 2]);
      const b2 = tf.slice(x, [15], [2]);
      const h = tf.relu(tf.add(tf.matMul(X, W1), b1));
      return softmaxCrossEntropy(tf.add(tf.matMul(h, W2), b2) as tf.Tensor2D, tf.tensor1d([0, 1, 1, 0], "int32")) as tf.Scalar;
    },
    17,
  ],
};

let seed = 100;
for (const [name, [f, n]] of Object.entries(cases)) {
  test(`${name}: gradient, HVP and curvature agree with central differences`, () => {
    seed += 2;
    let x = randn(n, seed, 0.8);
    // Keep relu/max/min away from their kinks so a difference never straddles one (|step| ≤ 3·h·|v| ≲ 0.1).
    if (/relu|max|MLP/.test(name)) x = x.map((xi) => (Math.abs(xi) < 0.15 ? xi + 0.3 * Math.sign(xi || 1) : xi));
    checkSecondOrder(name, f, x, randn(n, seed + 1));
  });
}

test("full Hessian of the small MLP equals the finite-difference Hessian of its gradient", () => {
  const [f, n] = cases["MLP: mean CE(relu(X W1 + b1) W2 + b2)"];
  const x = randn(n, 77, 0.8).map((xi) => (Math.abs(xi) < 0.15 ? xi + 0.3 : xi));
  const H = values(hessian(f, tf.tensor1d(x)));
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const gp = values(gradient(f, tf.tensor1d(along(x, e, H1))));
    const gm = values(gradient(f, tf.tensor1d(along(x, e, -H1))));
    for (let i = 0; i < n; i++) {
      const fd = (gp[i] - gm[i]) / (2 * H1);
      // H is symmetrised; FD column j is (H e_j).
      assert.ok(Math.abs(H[i * n + j] - fd) <= 1e-3, `H[${i}][${j}] = ${H[i * n + j]} vs FD ${fd}`);
    }
  }
});

test("stopGradient(x) is a constant to backprop: ∇Σ x²·sg(x) = 2x·x, Hessian = diag(2x)", () => {
  const f: ScalarFn = (x) => tf.sum(tf.mul(tf.square(x), stopGradient(x)));
  const x = [0.5, -1, 2];
  assert.deepEqual(values(gradient(f, tf.tensor1d(x))), x.map((xi) => 2 * xi * xi));
  assert.deepEqual(values(hessian(f, tf.tensor1d(x))), [1, 0, 0, 0, -2, 0, 0, 0, 4]);
});

test("a function that ignores x has a zero gradient and Hessian (no throw)", () => {
  const f: ScalarFn = () => tf.scalar(3);
  assert.deepEqual(values(gradient(f, tf.tensor1d([1, 2]))), [0, 0]);
  assert.deepEqual(values(hessian(f, tf.tensor1d([1, 2]))), [0, 0, 0, 0]);
  const linear: ScalarFn = (x) => tf.sum(tf.mul(x, tf.tensor1d([2, 3])));
  assert.deepEqual(values(hessian(linear, tf.tensor1d([1, 2]))), [0, 0, 0, 0]);
});
