/**
 * Why lib/autodiff/second-order.ts re-registers gradients: tfjs's own gradients give wrong second
 * derivatives (tfjs issue #3252). Deterministic: this file runs in its own process and sets up the
 * registry in a fixed order before enabling the fix.
 *
 * tfjs-core alone registers no gradients (only the umbrella @tensorflow/tfjs imports
 * dist/register_all_gradients, and we may not deep-import dist/), so the stock Exp and Softmax configs
 * are reproduced here verbatim from tfjs-core 4.22 src/gradients/{Exp,Softmax}_grad.ts. The customGrad
 * ops (tf.logSoftmax, tf.losses.softmaxCrossEntropy) are tfjs's real code.
 */
import "../helpers/node-tfjs.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { enableSecondOrderGradients, logSoftmax, softmaxCrossEntropy, hessianVectorProduct, type ScalarFn } from "../../lib/autodiff/index.js";

await tf.setBackend("cpu");

/** tfjs-core 4.22 expGradConfig: reuses the saved output y. */
const stockExp: tf.GradConfig = {
  kernelName: tf.Exp,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved;
    return { x: () => tf.mul(dy as tf.Tensor, y) };
  },
};
/** tfjs-core 4.22 softmaxGradConfig. */
const stockSoftmax: tf.GradConfig = {
  kernelName: tf.Softmax,
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved;
    const { dim } = attrs as unknown as tf.SoftmaxAttrs;
    const dyTimesY = tf.mul(dy as tf.Tensor, y);
    return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y)) };
  },
};

/** Plain double backprop with tfjs's API (no checks), as anyone would write it. */
function rawHvp(f: ScalarFn, x: tf.Tensor1D, v: tf.Tensor1D): number[] {
  return Array.from(tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.grad(f as (z: tf.Tensor) => tf.Scalar)(z), v)) as tf.Scalar)(x)).dataSync());
}

/** The HVP, or "throws" when tfjs finds no path from x to the gradient (the dropped term was all of it). */
function tryHvp(f: ScalarFn): number[] | "throws" {
  try {
    return rawHvp(f, x, v);
  } catch (e) {
    assert.match((e as Error).message, /Cannot compute gradient/);
    return "throws";
  }
}

/** Wrong means: throws, or differs from the truth by more than `by`. */
function assertWrong(result: number[] | "throws", truth: number[], by: number, what: string): void {
  console.log(`# stock ${what}: ${result === "throws" ? "throws" : `H·v = [${result.map((r) => r.toFixed(4))}]`}, true [${truth.map((r) => r.toFixed(4))}]`);
  if (result === "throws") return;
  assert.ok(maxDiff(result, truth) > by, `${what}: stock HVP ${result} unexpectedly close to ${truth}`);
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((ai, i) => Math.abs(ai - b[i])));

const x = tf.tensor1d([0.3, -0.7, 1.1]);
const v = tf.tensor1d([0.5, 1.0, -0.25]);
const w = tf.tensor1d([1, 2, 3]);
/** Exact H·v for each function, worked by hand. */
const expHv = [0.3, -0.7, 1.1].map((xi, i) => Math.exp(xi) * [0.5, 1.0, -0.25][i]); // f = Σ exp(x): H = diag(exp x)
const xExpHv = [0.3, -0.7, 1.1].map((xi, i) => (xi + 2) * Math.exp(xi) * [0.5, 1.0, -0.25][i]); // f = Σ x·exp(x)

function softmaxHv(): number[] {
  // f = Σ w ⊙ softmax(x): Hessian by central differences of the analytic gradient in float64.
  const sm = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((zi) => Math.exp(zi - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((ei) => ei / s);
  };
  const grad = (z: number[]) => {
    const p = sm(z);
    const wp = p.reduce((s, pi, i) => s + pi * [1, 2, 3][i], 0);
    return p.map((pi, i) => pi * ([1, 2, 3][i] - wp));
  };
  const xs = [0.3, -0.7, 1.1];
  const vs = [0.5, 1.0, -0.25];
  const h = 1e-5;
  const gp = grad(xs.map((xi, i) => xi + h * vs[i]));
  const gm = grad(xs.map((xi, i) => xi - h * vs[i]));
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}

test("stock tfjs double backprop throws or is silently wrong for exp, softmax, tf.logSoftmax and tf.losses.softmaxCrossEntropy", () => {
  // Everything else first (tfjs-core alone has no gradients), then the stock configs on top.
  enableSecondOrderGradients();
  tf.registerGradient(stockExp);
  tf.registerGradient(stockSoftmax);

  const sumExp: ScalarFn = (z) => tf.sum(tf.exp(z));
  // Σ exp(x): the only path to x in the gradient runs through the saved output, which the tape filter
  // drops, so the gradient looks independent of x and the second backprop throws.
  assert.throws(() => rawHvp(sumExp, x, v), /Cannot compute gradient/);
  // Σ x·exp(x): part of the second-order term survives (through Multiply's saved x), part is dropped:
  // a plausible-looking, silently wrong H·v.
  const xExp: ScalarFn = (z) => tf.sum(tf.mul(z, tf.exp(z)));
  const stockXExpHv = rawHvp(xExp, x, v);
  assert.ok(maxDiff(stockXExpHv, xExpHv) > 0.3, `stock Exp HVP ${stockXExpHv} unexpectedly right`);

  const softmaxF: ScalarFn = (z) => tf.sum(tf.mul(tf.softmax(z), w));
  assertWrong(tryHvp(softmaxF), softmaxHv(), 0.05, "Softmax");

  // tf.logSoftmax is a customGrad op: its saved value lives off the tape, so its gradient is a constant
  // to the outer backprop. Σ w ⊙ log softmax(x) has Hessian −(Σw)·(diag p − ppᵀ) ≠ 0.
  const tfLogSoftmax: ScalarFn = (z) => tf.sum(tf.mul(tf.logSoftmax(z), w));
  const oursLogSoftmax: ScalarFn = (z) => tf.sum(tf.mul(logSoftmax(z), w));
  const wrong = tryHvp(tfLogSoftmax);
  // tf.losses.softmaxCrossEntropy: same story.
  const labels = tf.tensor2d([[0, 1, 0]]);
  const tfCE: ScalarFn = (z) => tf.losses.softmaxCrossEntropy(labels, tf.reshape(z, [1, 3])) as tf.Scalar;
  const ceWrong = tryHvp(tfCE);

  enableSecondOrderGradients(); // puts our Exp and Softmax back (idempotent re-install)
  assert.equal(tf.getGradient(tf.Exp) === stockExp, false);
  assert.ok(maxDiff(rawHvp(sumExp, x, v), expHv) < 1e-5, "Exp fixed");
  assert.ok(maxDiff(rawHvp(xExp, x, v), xExpHv) < 1e-5, "Exp fixed (x·exp x)");
  assert.ok(maxDiff(hessianVectorProduct(softmaxF, x, v).arraySync() as number[], softmaxHv()) < 1e-5, "Softmax fixed");
  const rightNow = Array.from(hessianVectorProduct(oursLogSoftmax, x, v).dataSync());
  assertWrong(wrong, rightNow, 0.05, "tf.logSoftmax");
  const ceRight = Array.from(hessianVectorProduct((z) => softmaxCrossEntropy(tf.reshape(z, [1, 3]) as tf.Tensor2D, labels) as tf.Scalar, x, v).dataSync());
  assertWrong(ceWrong, ceRight, 0.05, "tf.losses.softmaxCrossEntropy");
  // Even with correct Exp/Softmax gradients, the customGrad ops stay wrong: registerGradient cannot reach them.
  assertWrong(tryHvp(tfLogSoftmax), rightNow, 0.05, "tf.logSoftmax after the fix");
  assertWrong(tryHvp(tfCE), ceRight, 0.05, "tf.losses.softmaxCrossEntropy after the fix");
});

test("with an L2 term, tf.losses.softmaxCrossEntropy's Hessian silently collapses to λI; ours is right", () => {
  enableSecondOrderGradients();
  // Softmax regression, 2 features → 3 classes, θ = [W (3×2) row-major, b (3)], loss = CE + (λ/2)|θ|².
  const X = tf.tensor2d([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [0.9, 0.4]]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), 3) as tf.Tensor2D;
  const lambda = 0.1;
  const model = (ce: (logits: tf.Tensor2D) => tf.Tensor): ScalarFn => (t) => {
    const W = tf.reshape(tf.slice(t, [0], [6]), [3, 2]);
    const logits = tf.add(tf.matMul(X, tf.transpose(W)), tf.slice(t, [6], [3])) as tf.Tensor2D;
    return tf.add(ce(logits), tf.mul(tf.scalar(lambda / 2), tf.sum(tf.square(t)))) as tf.Scalar;
  };
  const theta = tf.tensor1d([0.2, -0.1, 0.4, 0.3, -0.5, 0.1, 0.05, -0.02, 0.0]);
  const dir = tf.tensor1d([1, 0.5, -0.3, 0.2, 0.8, -1, 0.4, 0.1, -0.6]);
  const stock = Array.from(tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.grad(model((l) => tf.losses.softmaxCrossEntropy(y, l)) as (z: tf.Tensor) => tf.Scalar)(z), dir)) as tf.Scalar)(theta)).dataSync());
  const ours = Array.from(hessianVectorProduct(model((l) => softmaxCrossEntropy(l, y)), theta, dir).dataSync());
  const lambdaV = Array.from(dir.dataSync()).map((d) => lambda * d);
  console.log(`# stock CE+L2: H·v = [${stock.map((r) => r.toFixed(4))}] = λv; ours [${ours.map((r) => r.toFixed(4))}]`);
  assert.ok(maxDiff(stock, lambdaV) < 1e-6, "stock: only the L2 term's curvature survives");
  assert.ok(maxDiff(ours, lambdaV) > 0.05, "ours: the cross-entropy's curvature is there");
});
