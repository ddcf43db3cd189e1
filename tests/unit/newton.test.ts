/** Newton's method: safeguarded exact Newton, Newton-CG, pure Newton against the fixture, and the linear algebra. */
import "../helpers/node-tfjs.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { enableSecondOrderGradients, softmaxRegressionHessian, softmaxRegressionLoss, type ScalarFn } from "../../lib/autodiff/index.js";
import {
  cholesky,
  matVec,
  modifiedNewtonDirection,
  newton,
  newtonCG,
  newtonCGIterates,
  newtonIterates,
  pureNewtonStep,
  solve,
  spectrum,
  symmetricEigen,
  symmetricEigenvalues,
  tfObjective,
  type Objective,
  type Vector,
} from "../../lib/newton/index.js";
import { readFixture } from "../helpers/fixtures.js";

await tf.setBackend("cpu");
enableSecondOrderGradients();

const fixture = <T>(name: string): T => readFixture<T>("hessian", name);

const sumSin = tfObjective((x) => tf.sum(tf.sin(x)), 5);

test("newton(sum sin, 5-D, seeded N(0,1) start) reaches −π/2 in every coordinate", (t) => {
  // tfjs's seeded normal (JS alea, same on every backend; never seed 0). Seed 7 starts every coordinate in
  // (−3π/2, π/2), the basin of −π/2, including two in concave/flat places (0.03 and 1.30).
  const x0 = Array.from(tf.randomNormal([5], 0, 1, "float32", 7).dataSync());
  for (const xi of x0) assert.ok(xi > -1.5 * Math.PI && xi < Math.PI / 2);
  const r = newton(sumSin, x0);
  t.diagnostic(`start [${x0.map((v) => v.toFixed(3))}] → [${Array.from(r.x, (v) => v.toFixed(5))}] in ${r.iterations} iterations, evals ${JSON.stringify(r.evals)}`);
  assert.equal(r.status, "converged");
  assert.ok(r.iterations <= 10);
  for (const xi of r.x) {
    assert.ok(Math.abs(Math.sin(xi) + 1) <= 1e-4, `sin(${xi}) ≠ −1`);
    assert.ok(Math.abs(xi + Math.PI / 2) <= 1e-2, `${xi} is not the nearest minimum −π/2 (another period)`);
  }
  assert.ok(Math.abs(r.loss + 5) <= 1e-5);
  // Evaluation counts add up: one value+gradient per iterate, one Hessian per step, ≥ 1 value per line search.
  assert.equal(r.evals.grad, r.iterations + 1);
  assert.equal(r.evals.hessian, r.iterations);
  assert.ok(r.evals.f >= r.evals.grad + r.iterations);
  assert.equal(r.losses.length, r.iterations + 1);
});

test("pure Newton goes uphill to the maximum from near it; the safeguard goes down to a minimum", () => {
  const x0 = [Math.PI / 2 + 1e-3, Math.PI / 2 - 1e-3, Math.PI / 2 + 0.01, 1.5, 1.6];
  // Pure Newton: H ≈ −I, so x − H⁻¹g converges to the maximum π/2 (sin = +1).
  let x: Vector = Float64Array.from(x0);
  for (let k = 0; k < 5; k++) x = pureNewtonStep(sumSin, x);
  for (const xi of x) assert.ok(Math.abs(Math.sin(xi) - 1) < 1e-4, "pure Newton should reach the maximum");
  // Safeguarded: every step decreases f, ending at minima (sin = −1).
  const steps = [...iterate(newtonIterates(sumSin, x0))];
  for (let k = 1; k < steps.length; k++) assert.ok(steps[k].loss <= steps[k - 1].loss + 1e-6, `went uphill at ${k}`);
  assert.equal(steps[1].direction, "modified");
  assert.ok(steps[1].minEigenvalue! < 0);
  const r = newton(sumSin, x0);
  assert.equal(r.status, "converged");
  for (const xi of r.x) assert.ok(Math.abs(Math.sin(xi) + 1) <= 1e-4);
});

function* iterate<T, R>(g: Generator<T, R, void>): Generator<T> {
  for (;;) {
    const r = g.next();
    if (r.done) return;
    yield r.value;
  }
}

interface NewtonFixture {
  X: number[][];
  y: number[];
  lambda: number;
  iterates: number[][];
  losses: number[];
}

function l2Softmax() {
  const fx = fixture<NewtonFixture>("newton-softmax-regression-l2");
  const X = tf.tensor2d(fx.X);
  const y = tf.tensor1d(fx.y, "int32");
  const opts = { classes: 3, l2: fx.lambda };
  const f: ScalarFn = (t) => softmaxRegressionLoss(t, X, y, opts);
  return {
    fx,
    autodiff: tfObjective(f, 27),
    closedForm: tfObjective(f, 27, { hessian: (t) => softmaxRegressionHessian(t, X, opts) }),
  };
}

for (const which of ["autodiff", "closedForm"] as const) {
  test(`pure Newton iterates on L2 softmax regression match the fixture (${which} Hessian)`, () => {
    const problem = l2Softmax();
    const { fx } = problem;
    const objective: Objective = problem[which];
    let x: Vector = new Float64Array(27);
    for (let k = 0; k < fx.iterates.length; k++) {
      const ref = fx.iterates[k];
      const scale = Math.max(1e-12, ...ref.map(Math.abs));
      const err = Math.max(...ref.map((r, i) => Math.abs(x[i] - r))) / scale;
      assert.ok(k === 0 || err <= 1e-4, `iterate ${k}: relative error ${err}`);
      const loss = objective.value(x);
      assert.ok(Math.abs(loss - fx.losses[k]) <= 1e-4 * Math.abs(fx.losses[k]), `loss ${k}: ${loss} vs ${fx.losses[k]}`);
      if (k + 1 < fx.iterates.length) x = pureNewtonStep(objective, x);
    }
  });
}

test("safeguarded Newton and Newton-CG converge on L2 softmax regression to the fixture's optimum", (t) => {
  const { fx, closedForm, autodiff } = l2Softmax();
  const optimum = fx.iterates[fx.iterates.length - 1];
  const lossStar = fx.losses[fx.losses.length - 1];
  const exact = newton(closedForm, new Float64Array(27));
  const cg = newtonCG(autodiff, new Float64Array(27));
  t.diagnostic(`newton: ${exact.iterations} it, ${JSON.stringify(exact.evals)}; newton-cg: ${cg.iterations} it, ${JSON.stringify(cg.evals)}`);
  for (const r of [exact, cg]) {
    assert.equal(r.status, "converged", r.message);
    assert.ok(Math.abs(r.loss - lossStar) <= 1e-6 * lossStar);
    const scale = Math.max(...optimum.map(Math.abs));
    assert.ok(Math.max(...optimum.map((o, i) => Math.abs(r.x[i] - o))) <= 1e-4 * scale);
  }
  assert.equal(cg.evals.hessian, 0, "Newton-CG never forms the Hessian");
  assert.ok(cg.evals.hvp > 0);
});

test("Newton-CG is step-able and takes a negative-curvature exit at a maximum of sum sin", () => {
  const x0 = [Math.PI / 2 + 0.3, Math.PI / 2 - 0.2, 1.2, 1.9, 2.0];
  const gen = newtonCGIterates(sumSin, x0);
  const first = gen.next();
  assert.equal(first.done, false);
  assert.equal(first.value.iteration, 0);
  const second = gen.next();
  assert.ok(!second.done && second.value.iteration === 1);
  assert.equal(second.value.direction, "steepest"); // H = −diag(sin x) is negative definite here
  assert.ok(second.value.loss < first.value.loss);
  gen.return(undefined as never); // a page's invalidation: the generator stops cleanly
  const r = newtonCG(sumSin, x0);
  assert.equal(r.status, "converged");
  for (const xi of r.x) assert.ok(Math.abs(Math.sin(xi) + 1) <= 1e-4);
});

test("failures are reported, not thrown: non-finite start, max iterations", () => {
  const logObjective = tfObjective((x) => tf.sum(tf.log(x)), 2);
  const bad = newton(logObjective, [-1, 1]);
  assert.equal(bad.status, "non-finite");
  assert.equal(bad.converged, false);
  const few = newton(sumSin, [0.1, 0.2, 0.3, 0.4, 0.5], { maxIterations: 1 });
  assert.equal(few.status, "max-iterations");
  assert.equal(few.iterations, 1);
});

test("modifiedNewtonDirection: plain Newton for a positive definite H, |λ| for an indefinite one", () => {
  const H = Float64Array.from([4, 1, 1, 3]);
  const g = Float64Array.from([1, 2]);
  const d = modifiedNewtonDirection(H, g, 0);
  assert.equal(d.kind, "newton");
  const Hp = matVec(H, d.p);
  Hp.forEach((v, i) => assert.ok(Math.abs(v + g[i]) < 1e-12));
  // diag(2, −3): the modified B is diag(2, 3), p = −[g0/2, g1/3].
  const m = modifiedNewtonDirection(Float64Array.from([2, 0, 0, -3]), g, 0);
  assert.equal(m.kind, "modified");
  assert.ok(Math.abs(m.p[0] + 0.5) < 1e-12 && Math.abs(m.p[1] + 2 / 3) < 1e-12);
});

test("symmetricEigen: A = QΛQᵀ, Q orthogonal, ascending values, on random symmetric matrices", () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (const n of [1, 2, 3, 7, 40]) {
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rnd();
    const { values, vectors } = symmetricEigen(A, n);
    const Q = vectors!;
    for (let k = 0; k + 1 < n; k++) assert.ok(values[k] <= values[k + 1]);
    for (let k = 0; k < n; k++) {
      const q = Float64Array.from({ length: n }, (_, i) => Q[i * n + k]);
      const Aq = matVec(A, q);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(Aq[i] - values[k] * q[i]) < 1e-12 * n);
      for (let l = 0; l < n; l++) {
        let dotKL = 0;
        for (let i = 0; i < n; i++) dotKL += Q[i * n + k] * Q[i * n + l];
        assert.ok(Math.abs(dotKL - (k === l ? 1 : 0)) < 1e-12 * n);
      }
    }
    const only = symmetricEigenvalues(A, n);
    only.forEach((v, i) => assert.ok(Math.abs(v - values[i]) < 1e-12 * n));
  }
  // A known spectrum: the path-graph Laplacian-like tridiagonal(−1, 2, −1) has λₖ = 2 − 2cos(kπ/(n+1)).
  const n = 9;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    T[i * n + i] = 2;
    if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
  }
  symmetricEigenvalues(T, n).forEach((v, k) => assert.ok(Math.abs(v - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)))) < 1e-12));
});

test("spectrum() of the softmax-regression Hessian: PSD, λ_max and the GD limit 2/λ_max", () => {
  const { closedForm } = l2Softmax();
  const H = closedForm.hessian!(new Float64Array(27));
  const sp = spectrum(H, 27);
  assert.ok(sp.lambdaMin >= 0.1 - 1e-5, "L2 λ = 0.1 bounds the spectrum below");
  assert.equal(sp.maxStableLearningRate, 2 / sp.lambdaMax);
  assert.ok(Number.isFinite(sp.condition));
});

test("solve and cholesky", () => {
  const A = Float64Array.from([2, 1, 0, 1, 3, 1, 0, 1, 4]);
  const b = Float64Array.from([1, 2, 3]);
  const x = solve(A, b);
  matVec(A, x).forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12));
  assert.ok(cholesky(A, 3));
  assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), null);
});
