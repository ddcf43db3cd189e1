/**
 * Gradients and Hessians against the float64 PyTorch fixtures in <fixtures>/hessian (shared/fixtures/README.md).
 * Tolerance (from the README): max |ours − ref| ≤ 1e-4 · max |ref| for float32 results.
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
  secondOrderGradientsEnabled,
  softmaxRegressionGradient,
  softmaxRegressionHessian,
  softmaxRegressionLoss,
  type ScalarFn,
} from "../../lib/autodiff/index.js";
import { readFixture } from "../helpers/fixtures.js";


interface HessianFixture {
  name: string;
  x: number[];
  grad: number[];
  hessian: number[][];
  X?: number[][];
  y?: number[];
}

const fixture = (name: string): HessianFixture => readFixture<HessianFixture>("hessian", name);

/** max |a − b| / max |b|, the README's relative error. */
function relErr(actual: ArrayLike<number>, expected: number[]): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

const TOL = 1e-4;

const sumSin: ScalarFn = (x) => tf.sum(tf.sin(x));
const rosenbrock: ScalarFn = (x) => {
  const x0 = tf.slice(x, [0], [1]);
  const x1 = tf.slice(x, [1], [1]);
  return tf.sum(tf.add(tf.square(tf.sub(tf.scalar(1), x0)), tf.mul(tf.scalar(100), tf.square(tf.sub(x1, tf.square(x0))))));
};

/** The explicit-transpose BatchMatMul gradient lib/engine installs for wasm (same math, plain matMuls). */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.transpose(x, perm);
}
const mm = (a: tf.Tensor, b: tf.Tensor, ta = false, tb = false) => tf.matMul(ta ? swapLast(a) : a, tb ? swapLast(b) : b);
const explicitTransposeMatMulGrad: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b], attrs) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const d = dy as tf.Tensor;
    if (!transposeA && !transposeB) return { a: () => mm(d, b, false, true), b: () => mm(a, d, true, false) };
    if (!transposeA && transposeB) return { a: () => mm(d, b), b: () => mm(d, a, true, false) };
    if (transposeA && !transposeB) return { a: () => mm(b, d, false, true), b: () => mm(a, d) };
    return { a: () => mm(b, d, true, true), b: () => mm(d, a, true, true) };
  },
};

test("hessianVectorProduct refuses to run before enableSecondOrderGradients()", async () => {
  await tf.setBackend("cpu");
  assert.equal(secondOrderGradientsEnabled(), false);
  assert.throws(() => hessianVectorProduct(sumSin, tf.tensor1d([1, 2]), tf.tensor1d([1, 0])), /enableSecondOrderGradients/);
  enableSecondOrderGradients();
  enableSecondOrderGradients(); // idempotent
  assert.equal(secondOrderGradientsEnabled(), true);
});

for (const [name, f] of [["sum-sin", sumSin], ["rosenbrock", rosenbrock]] as const) {
  test(`gradient and hessian(${name}) match the float64 fixture within 1e-4 of max|H|`, () => {
    enableSecondOrderGradients();
    const fx = fixture(name);
    const x = tf.tensor1d(fx.x);
    const g = gradient(f, x);
    const H = hessian(f, x);
    assert.ok(relErr(g.dataSync(), fx.grad) <= TOL, `grad error ${relErr(g.dataSync(), fx.grad)}`);
    const err = relErr(H.dataSync(), fx.hessian.flat());
    assert.ok(err <= TOL, `hessian error ${err}`);
    tf.dispose([x, g, H]);
  });
}

function softmaxProblem() {
  const fx = fixture("softmax-regression-3x8");
  const X = tf.tensor2d(fx.X!);
  const y = tf.tensor1d(fx.y!, "int32");
  const f: ScalarFn = (t) => softmaxRegressionLoss(t, X, y, { classes: 3 });
  return { fx, X, y, f, x: tf.tensor1d(fx.x) };
}

test("softmax-regression-3x8: double-backprop gradient and Hessian match the fixture", () => {
  enableSecondOrderGradients();
  const { fx, f, x } = softmaxProblem();
  const g = gradient(f, x);
  const before = tf.memory().numTensors;
  const H = hessian(f, x);
  // hessian() returns exactly one new tensor (H); every HVP's intermediates are released.
  assert.equal(tf.memory().numTensors, before + 1);
  assert.ok(relErr(g.dataSync(), fx.grad) <= TOL, `grad error ${relErr(g.dataSync(), fx.grad)}`);
  const err = relErr(H.dataSync(), fx.hessian.flat());
  assert.ok(err <= TOL, `hessian error ${err}`);
});

test("softmax-regression-3x8: closed-form gradient and Hessian (bias via augmented x̃ = [x, 1]) match the fixture", () => {
  enableSecondOrderGradients();
  const { fx, X, y, x } = softmaxProblem();
  const g = softmaxRegressionGradient(x, X, y, { classes: 3 });
  const H = softmaxRegressionHessian(x, X, { classes: 3 });
  assert.deepEqual(H.shape, [27, 27]);
  assert.ok(relErr(g.dataSync(), fx.grad) <= TOL, `grad error ${relErr(g.dataSync(), fx.grad)}`);
  const err = relErr(H.dataSync(), fx.hessian.flat());
  assert.ok(err <= TOL, `hessian error ${err}`);
  // One-hot labels give the same gradient as indices.
  const g1 = softmaxRegressionGradient(x, X, tf.oneHot(y, 3) as tf.Tensor2D, { classes: 3 });
  assert.ok(relErr(g1.dataSync(), Array.from(g.dataSync())) < 1e-6);
});

test("softmax regression with L2: closed form adds λI, autodiff agrees", () => {
  enableSecondOrderGradients();
  const { X, y, x } = softmaxProblem();
  const l2 = 0.1;
  const f: ScalarFn = (t) => softmaxRegressionLoss(t, X, y, { classes: 3, l2 });
  const Hc = Array.from(softmaxRegressionHessian(x, X, { classes: 3, l2 }).dataSync());
  assert.ok(relErr(hessian(f, x).dataSync(), Hc) <= TOL);
  assert.ok(relErr(gradient(f, x).dataSync(), Array.from(softmaxRegressionGradient(x, X, y, { classes: 3, l2 }).dataSync())) <= TOL);
});

test("the Hessian is right whichever BatchMatMul gradient is registered (ours or lib/engine's explicit-transpose one)", () => {
  enableSecondOrderGradients();
  const { fx, f, x } = softmaxProblem();
  const ours = tf.getGradient(tf.BatchMatMul);
  tf.registerGradient(explicitTransposeMatMulGrad);
  enableSecondOrderGradients();
  assert.equal(tf.getGradient(tf.BatchMatMul), explicitTransposeMatMulGrad, "enableSecondOrderGradients must not replace another BatchMatMul gradient");
  // All four transpose flags, with the parameter on both sides of the product: f = Σ sin(op(M)·op(M)).
  const flags: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];
  for (const [ta, tb] of flags) {
    const g: ScalarFn = (t) => {
      const M = tf.reshape(t, [2, 2]);
      return tf.sum(tf.sin(tf.matMul(M, tf.add(M, tf.scalar(0.5)), ta, tb)));
    };
    const t = tf.tensor1d([0.2, -0.5, 0.9, 0.4]);
    tf.registerGradient(explicitTransposeMatMulGrad);
    const h1 = Array.from(hessian(g, t).dataSync());
    tf.registerGradient(ours!);
    const h2 = hessian(g, t).dataSync();
    assert.ok(relErr(h2, h1) < 1e-5, `flags ${ta},${tb}`);
  }
  tf.registerGradient(ours!);
});
