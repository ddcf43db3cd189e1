/**
 * What the Newton page added to lib/: the block closed form of softmax regression's Hessian, its closed-form
 * HVP, the closed-form objective, pure Newton as a generator, stationary-point classification, timing and
 * full-batch helpers, and the GD stability limit on the quadratic model.
 */
import "../helpers/node-tfjs.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  SoftmaxRegressionHessian,
  enableSecondOrderGradients,
  hessianVectorProduct,
  softmaxRegressionHessian,
  softmaxRegressionHessianKronecker,
  softmaxRegressionHessianVectorProduct,
  softmaxRegressionLoss,
  softmaxRegressionProbabilities,
  timeSoftmaxRegressionHessian,
  type ScalarFn,
} from "../../lib/autodiff/index.js";
import {
  cholesky,
  fullBatchIterates,
  newton,
  newtonCG,
  pureNewtonIterates,
  pureNewtonStep,
  quadraticModel,
  softmaxRegressionObjective,
  spectrum,
  stationaryPointKind,
  tfObjective,
  timed,
  type Vector,
} from "../../lib/newton/index.js";
import { DivergedError } from "../../lib/train/diverged.js";
import { createOptimizer, sgd } from "../../lib/optimizers/index.js";
import { readFixture } from "../helpers/fixtures.js";

await tf.setBackend("cpu");
enableSecondOrderGradients();


function problem(N: number, D: number, C: number, seed: number) {
  const X = tf.tidy(() => tf.randomUniform([N, D], 0, 1, "float32", seed) as tf.Tensor2D);
  const y = tf.tensor1d(Array.from({ length: N }, (_, i) => (i * 7 + seed) % C), "int32");
  const theta = tf.tidy(() => tf.randomNormal([C * (D + 1)], 0, 0.5, "float32", seed + 1) as tf.Tensor1D);
  return { X, y, theta, n: C * (D + 1) };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test("block closed form = Kronecker closed form = HVP columns, for several shapes, with and without L2", () => {
  for (const [N, D, C, l2] of [[30, 7, 4, 0], [25, 3, 2, 0.01], [12, 1, 5, 0.5], [40, 8, 3, 0]] as const) {
    const { X, y, theta, n } = problem(N, D, C, N + D);
    const ref = softmaxRegressionHessianKronecker(theta, X, { classes: C, l2 }).dataSync();
    const blocks = softmaxRegressionHessian(theta, X, { classes: C, l2 }).dataSync();
    const scale = maxAbs(ref);
    assert.ok(maxAbsDiff(blocks, ref) <= 1e-5 * scale, `${N}×${D}, ${C} classes`);
    // Symmetric exactly (both halves read the same distinct entry).
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(blocks[i * n + j], blocks[j * n + i]);
    // A reused plan gives the same matrix at another θ as a fresh one.
    const plan = new SoftmaxRegressionHessian(X, C);
    const theta2 = tf.mul(theta, 2) as tf.Tensor1D;
    assert.ok(maxAbsDiff(plan.compute(theta2, l2), softmaxRegressionHessianKronecker(theta2, X, { classes: C, l2 }).dataSync()) <= 1e-5 * scale);
    assert.deepEqual(plan.hessian(theta2, l2).shape, [n, n]);
    plan.dispose();
    // Column 0 against double backprop.
    const f: ScalarFn = (t) => softmaxRegressionLoss(t, X, y, { classes: C, l2 });
    const e = new Float32Array(n);
    e[n - 1] = 1;
    const col = hessianVectorProduct(f, theta, tf.tensor1d(e)).dataSync();
    for (let i = 0; i < n; i++) assert.ok(Math.abs(col[i] - blocks[i * n + n - 1]) <= 1e-4 * Math.max(scale, 1e-3));
  }
});

test("closed-form HVP = H·v (with and without cached probabilities)", () => {
  const { X, theta, n } = problem(50, 6, 4, 3);
  for (const l2 of [0, 0.1]) {
    const H = softmaxRegressionHessian(theta, X, { classes: 4, l2 }).dataSync();
    const v = tf.randomNormal([n], 0, 1, "float32", 9) as tf.Tensor1D;
    const vs = v.dataSync();
    const Hv = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Hv[i] += H[i * n + j] * vs[j];
    const direct = softmaxRegressionHessianVectorProduct(theta, X, v, { classes: 4, l2 }).dataSync();
    const P = softmaxRegressionProbabilities(theta, X, 4);
    const cached = softmaxRegressionHessianVectorProduct(theta, X, v, { classes: 4, l2, probabilities: P }).dataSync();
    assert.ok(maxAbsDiff(direct, Hv) <= 1e-5 * maxAbs(Hv));
    assert.deepEqual(Array.from(cached), Array.from(direct));
  }
});

test("softmaxRegressionObjective: autodiff's value and gradient, H·v consistent across iterates, Newton and Newton-CG reach the fixture's optimum", (t) => {
  const fx = readFixture<{ X: number[][]; y: number[]; lambda: number; iterates: number[][]; losses: number[] }>("hessian", "newton-softmax-regression-l2");
  const X = tf.tensor2d(fx.X);
  const y = tf.tensor1d(fx.y, "int32");
  const opts = { classes: 3, l2: fx.lambda };
  const closed = softmaxRegressionObjective(X, y, opts);
  const auto = tfObjective((p) => softmaxRegressionLoss(p, X, y, opts), 27);
  const x1 = Float64Array.from({ length: 27 }, (_, i) => Math.sin(i));
  const x2 = Float64Array.from({ length: 27 }, (_, i) => Math.cos(3 * i));
  for (const x of [x1, x2, x1]) {
    const a = closed.valueAndGradient(x);
    const b = auto.valueAndGradient(x);
    assert.ok(Math.abs(a.value - b.value) <= 1e-6 * Math.abs(b.value));
    assert.ok(maxAbsDiff(a.gradient, b.gradient) <= 1e-5 * maxAbs(b.gradient));
    const v = Float64Array.from({ length: 27 }, (_, i) => (i % 5) - 2);
    assert.ok(maxAbsDiff(closed.hvp!(x, v), auto.hvp!(x, v)) <= 1e-4 * maxAbs(auto.hvp!(x, v)), "H·v follows x (the cached probabilities are refreshed)");
    assert.ok(maxAbsDiff(closed.hessian!(x), auto.hessian!(x)) <= 1e-4);
  }
  const lossStar = fx.losses.at(-1)!;
  const optimum = fx.iterates.at(-1)!;
  const exact = newton(closed, new Float64Array(27), { minCurvature: 1e-6 });
  const cg = newtonCG(closed, new Float64Array(27));
  t.diagnostic(`newton ${exact.iterations} it ${JSON.stringify(exact.evals)}; newton-cg ${cg.iterations} it ${JSON.stringify(cg.evals)}`);
  for (const r of [exact, cg]) {
    assert.equal(r.status, "converged", r.message);
    assert.ok(Math.abs(r.loss - lossStar) <= 1e-6 * lossStar);
    assert.ok(maxAbsDiff(r.x, optimum) <= 1e-4 * maxAbs(optimum));
  }
  closed.dispose();
});

const sumSin = tfObjective((x) => tf.sum(tf.sin(x)), 3);

test("pure Newton iterates = repeated pureNewtonStep, and end where the quadratic model points (a maximum here)", () => {
  const x0 = [1.2, 1.9, 2.0]; // every coordinate in the concave part of sin: pure Newton climbs to π/2
  const gen = pureNewtonIterates(sumSin, x0);
  let x: Vector = Float64Array.from(x0);
  let last;
  for (const it of gen) {
    if (it.iteration > 0) x = pureNewtonStep(sumSin, x);
    assert.ok(maxAbsDiff(it.x, x) <= 1e-9);
    last = it;
  }
  for (const xi of last!.x) assert.ok(Math.abs(xi - Math.PI / 2) <= 1e-4, `${xi}`);
  const H = sumSin.hessian!(last!.x);
  assert.equal(stationaryPointKind(spectrum(H, 3).eigenvalues), "maximum");
  const r = newton(sumSin, x0);
  assert.equal(stationaryPointKind(spectrum(sumSin.hessian!(r.x), 3).eigenvalues), "minimum");
});

test("pure Newton reports a singular Hessian instead of throwing", () => {
  const gen = pureNewtonIterates(sumSin, [0, 1, 2]); // sin 0 = 0: H singular
  gen.next();
  const r = gen.next();
  assert.equal(r.done, true);
  assert.equal(r.value!.status, "non-finite");
});

test("stationaryPointKind", () => {
  assert.equal(stationaryPointKind([1, 2]), "minimum");
  assert.equal(stationaryPointKind([-1, -2]), "maximum");
  assert.equal(stationaryPointKind([-1, 2]), "saddle");
  assert.equal(stationaryPointKind([0, 2]), "degenerate");
});

test("timed(): elapsed grows, values pass through, return() reaches the inner generator", () => {
  let cleaned = false;
  function* inner() {
    try {
      for (let i = 0; i < 5; i++) yield { i };
      return "end";
    } finally {
      cleaned = true;
    }
  }
  const seen: number[] = [];
  let prev = 0;
  const g = timed(inner());
  for (const v of g) {
    assert.ok(v.elapsed >= prev);
    prev = v.elapsed;
    seen.push(v.i);
    if (v.i === 2) break;
  }
  assert.deepEqual(seen, [0, 1, 2]);
  assert.ok(cleaned);
});

test("full-batch GD on a quadratic model: converges below 2/λ_max, throws DivergedError above it", () => {
  const H = [3, 1, 1, 2];
  const { lambdaMax } = spectrum(H, 2);
  const model = quadraticModel(1, [1, -1], H);
  const run = (lr: number) => {
    const optimizer = createOptimizer(sgd, { lr });
    try {
      return Array.from(fullBatchIterates({ loss: (θ) => model.loss(θ as tf.Variable as unknown as tf.Tensor1D), x0: [0, 0], optimizer, steps: 400 }));
    } finally {
      optimizer.dispose();
    }
  };
  const ok = run(0.95 * (2 / lambdaMax));
  assert.equal(ok.length, 400);
  assert.equal(ok[0].iteration, 0);
  assert.equal(ok[0].loss, 1);
  // Minimum of q: 1 − ½ gᵀH⁻¹g with H⁻¹ = [[2, −1], [−1, 3]]/5 → gᵀH⁻¹g = 7/5.
  assert.ok(Math.abs(ok.at(-1)!.loss - (1 - 0.7)) <= 1e-4);
  const before = tf.memory().numTensors;
  assert.throws(() => run(1.2 * (2 / lambdaMax)), (e: unknown) => e instanceof DivergedError && /diverged at step \d+/.test((e as Error).message));
  assert.equal(tf.memory().numTensors, before, "θ is freed when the run diverges");
  model.dispose();
});

test("timeSoftmaxRegressionHessian: n, bytes and timings for each method", () => {
  const { X, y } = problem(20, 6, 3, 5);
  for (const method of ["hvp", "kronecker", "blocks"] as const) {
    const r = timeSoftmaxRegressionHessian(X, y, { features: 4, classes: 3, method, repeats: 2 });
    assert.equal(r.n, 15);
    assert.equal(r.bytes, 4 * 15 * 15);
    assert.equal(r.runs.length, 2);
    assert.ok(r.ms >= 0 && Number.isFinite(r.ms));
  }
});

test("cholesky (unrolled): LLᵀ = A for sizes around the unroll width", () => {
  for (let n = 1; n <= 11; n++) {
    const B = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7 + n));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s;
    }
    const L = cholesky(A, n)!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
      assert.ok(Math.abs(s - A[i * n + j]) <= 1e-10 * n * n);
      if (j > i) assert.equal(L[i * n + j], 0);
    }
  }
});

test("powerIteration finds λ_max of a PSD matrix through products only", async () => {
  const { powerIteration, matVec } = await import("../../lib/newton/index.js");
  const n = 6;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = 1 / (i + j + 1); // Hilbert: PSD
  const r = powerIteration((v) => matVec(A, v), n);
  assert.ok(Math.abs(r.value - spectrum(A, n).lambdaMax) <= 1e-6 * r.value, `${r.value} vs ${spectrum(A, n).lambdaMax}`);
});
