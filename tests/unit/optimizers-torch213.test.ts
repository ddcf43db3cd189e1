/**
 * The six optimizers added from torch 2.13 (NAdam, RAdam, Adamax, Rprop, ASGD, Adafactor) and the Vec ops they
 * brought: hand-worked steps, validation in torch's words, tensor counts, state round trips, and the FloatVec,
 * fused and tfjs engines agreeing bit for bit. Whole trajectories against torch are in parity.test.ts.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  adafactor,
  adamax,
  asgd,
  createFloatOptimizer,
  createOptimizer,
  FloatVec,
  muProduct,
  nadam,
  NotFusable,
  radam,
  rprop,
  Scalars,
  TensorVec,
  type AnyOptimizerDef,
} from "../../lib/optimizers/index.js";
import { compileTrace, Trace } from "../../lib/optimizers/engines.js";

import { assertInDelta, run } from "../helpers/steps.js";

await tf.setBackend("cpu");

describe("hand-worked steps from θ₀ = 1", () => {
  test("nadam({lr: 0.1, betas: [0.5, 0.5], eps: 0, momentum_decay: 0}) mixes g and m with the μ products", () => {
    // ψ = 0: μₜ = β₁(1 − ½·0.96⁰) = 0.25 for every t, so ∏₁ = 0.25, ∏₂ = 0.0625.
    // t = 1, g = 1: m = 0.5, v = 0.5, √(v/(1 − β₂)) = 1;
    //   θ₁ = 1 − 0.1·(0.75/0.75)·1 − 0.1·(0.25/(1 − 0.0625))·0.5 = 1 − 0.1 − 0.013333 = 0.886667
    // t = 2, g = 0.5: m = 0.5, v = 0.375, √(0.375/0.75) = 0.707107;
    //   θ₂ = θ₁ − 0.1·(0.75/0.9375)·0.5/0.707107 − 0.1·(0.25/(1 − 0.015625))·0.5/0.707107 = 0.812140
    const [θ1, θ2] = run(nadam, { lr: 0.1, betas: [0.5, 0.5], eps: 0, momentum_decay: 0 }, [1, 0.5]);
    assertInDelta(θ1, 0.886667);
    assertInDelta(θ2, 0.81214);
  });
  test("nadam({..., weight_decay: 0.5, decoupled_weight_decay: true}) shrinks θ by (1 − lr·λ) first (NAdamW)", () => {
    // as above with θ multiplied by 0.95 before each step: θ₁ = 0.95 − 0.1 − 0.013333 = 0.836667, θ₂ = 0.720307
    const [θ1, θ2] = run(nadam, { lr: 0.1, betas: [0.5, 0.5], eps: 0, momentum_decay: 0, weight_decay: 0.5, decoupled_weight_decay: true }, [1, 0.5]);
    assertInDelta(θ1, 0.836667);
    assertInDelta(θ2, 0.720307);
  });
  test("muProduct rounds each μ and each product to float32, as torch's mu_product", () => {
    // μ₁ = 0.9·(1 − ½·0.96^0.004), μ₂ = 0.9·(1 − ½·0.96^0.008)
    const μ1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
    const μ2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    assert.equal(muProduct(0.9, 0.004, 0), 1);
    assert.equal(muProduct(0.9, 0.004, 1), Math.fround(μ1));
    assert.equal(muProduct(0.9, 0.004, 2), Math.fround(Math.fround(μ1) * Math.fround(μ2)));
  });
  test("radam({lr: 0.1, betas: [0.5, 0.5], eps: 0}) takes un-rectified steps lr·m̂ while ρₜ ≤ 5", () => {
    // ρ∞ = 2/(1 − 0.5) − 1 = 3 ≤ 5: never rectified. t = 1: m = 0.5, m̂ = 1, θ₁ = 0.9;
    // t = 2: m = 0.5·0.5 + 0.5·0.5 = 0.5, m̂ = 0.5/0.75 = 0.666667, θ₂ = 0.9 − 0.066667 = 0.833333
    const [θ1, θ2] = run(radam, { lr: 0.1, betas: [0.5, 0.5], eps: 0 }, [1, 0.5]);
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.833333);
  });
  test("radam({lr: 0.1, betas: [0, 0.999], eps: 0}) switches to the rectified step at t = 6", () => {
    // g = 1 always, β₁ = 0: m̂ = 1. ρ∞ = 1999; ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ) = 1, 1.9995, 2.9987, 3.9975, 4.9960, 5.9942.
    // Steps 1–5 move by lr: θ₅ = 0.5. Step 6: v₆ = 1 − β₂⁶ so √(1 − β₂⁶)/√v₆ = 1, and
    // r₆ = √((1.9942·3.9942·1999)/(1995·1997·5.9942)) = 0.025821: θ₆ = 0.5 − 0.1·0.025821 = 0.497418
    const θ = run(radam, { lr: 0.1, betas: [0, 0.999], eps: 0 }, [1, 1, 1, 1, 1, 1]);
    assertInDelta(θ[4], 0.5);
    assertInDelta(θ[5], 0.497418);
  });
  test("adamax({lr: 0.1, betas: [0.5, 0.5], eps: 0}) divides by the weighted infinity norm u", () => {
    // t = 1: m = 0.5, u = max(0, 1) = 1, θ₁ = 1 − (0.1/0.5)·0.5/1 = 0.9
    // t = 2: m = 0.5, u = max(0.5·1, 0.5) = 0.5, θ₂ = 0.9 − (0.1/0.75)·0.5/0.5 = 0.766667
    const [θ1, θ2] = run(adamax, { lr: 0.1, betas: [0.5, 0.5], eps: 0 }, [1, 0.5]);
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.766667);
  });
  test("rprop({lr: 0.1}) grows Δ while g keeps its sign, shrinks it on a flip and pauses one step", () => {
    // t = 1: g·g₀ = 0 → η = 1, Δ = 0.1, θ = 0.9.   t = 2: g·g₁ > 0 → Δ = 0.12, θ = 0.78.
    // t = 3: g = −1 flips → Δ = 0.06, g taken as 0: θ stays 0.78, g_prev ← 0.
    // t = 4: g·g_prev = 0 → Δ stays 0.06, θ = 0.78 − 0.06 = 0.72.
    const θ = run(rprop, { lr: 0.1 }, [1, 0.5, -1, 2]);
    [0.9, 0.78, 0.78, 0.72].forEach((want, i) => assertInDelta(θ[i], want, 1e-6, `step ${i + 1}`));
  });
  test("rprop({lr: 0.1, step_sizes: [1e-6, 0.11]}) clamps Δ", () => {
    // t = 2: Δ = min(0.1·1.2, 0.11) = 0.11, θ = 0.9 − 0.11 = 0.79
    assertInDelta(run(rprop, { lr: 0.1, step_sizes: [1e-6, 0.11] }, [1, 0.5])[1], 0.79);
  });
  test("asgd({lr: 0.1, lambd: 0.5, alpha: 1, t0: 0}) decays η, shrinks θ and averages from t = 3", () => {
    // ηₜ = 0.1/(1 + 0.5·0.1·(t − 1)) = 0.1, 0.095238, 0.090909; μₜ = 1/max(1, t − 1) = 1, 1, 0.5
    // θ₁ = (1 − 0.05)·1 − 0.1·1 = 0.85, ax₁ = θ₁
    // θ₂ = (1 − 0.047619)·0.85 − 0.095238·0.5 = 0.761905, ax₂ = θ₂
    // θ₃ = (1 − 0.045455)·0.761905 − 0.090909·0.5 = 0.681818, ax₃ = 0.761905 + 0.5·(0.681818 − 0.761905) = 0.721861
    const options = { lr: 0.1, lambd: 0.5, alpha: 1, t0: 0 };
    const θ = run(asgd, options, [1, 0.5, 0.5]);
    [0.85, 0.761905, 0.681818].forEach((want, i) => assertInDelta(θ[i], want, 1e-6, `step ${i + 1}`));
    const opt = createFloatOptimizer(asgd, options);
    const p = Float32Array.of(1);
    for (const g of [1, 0.5, 0.5]) opt.step([p], [Float32Array.of(g)]);
    assertInDelta(opt.state[0].slots.ax[0], 0.721861);
  });
  test("adafactor({}) on a vector: relative step ρ·RMS(θ), V from β̂₂ₜ = 1 − t^−0.8", () => {
    // t = 1: w = 1^−0.8 = 1, so V₁ = g² = 1; ρ₁ = min(0.01, 1) = 0.01, α = max(1e-3, RMS(θ₀) = 1)·0.01;
    //   U = 1/√1 = 1, RMS(U) = 1 → no clipping: θ₁ = 1 − 0.01 = 0.99
    // t = 2: w = 2^−0.8 = 0.574349 ≥ ½, so V₂ = g² − (g² − V₁)(1 − w) = 0.25 + 0.75·0.425651 = 0.569238;
    //   α = 0.99·0.01, U = 0.5/√0.569238 = 0.662709: θ₂ = 0.99 − 0.0099·0.662709 = 0.983439
    const [θ1, θ2] = run(adafactor, {}, [1, 0.5]);
    assertInDelta(θ1, 0.99);
    assertInDelta(θ2, 0.983439);
  });
  test("adafactor({lr: 0.1}) on a 2×2 matrix factors G² into row and column means", () => {
    // G = [[1, 2], [3, 4]], G² = [[1, 4], [9, 16]]: R = [2.5, 12.5]ᵀ, C = [5, 10], mean(R) = 7.5,
    // V̂ = R Cᵀ/7.5 = [[1.6667, 3.3333], [8.3333, 16.6667]], U = G/√V̂ = [[0.774597, 1.095445], [1.039230, 0.979796]],
    // RMS(U) = √0.96 < 1: no clipping. θ₁ = 1 − 0.1·U (α = RMS(θ₀)·min(0.1, 1) = 0.1).
    // t = 2, same G: R and C stay (an average of equal values), U the same; α = 0.1·RMS(θ₁) = 0.1·0.902855.
    const G = [[1, 2], [3, 4]];
    const want = [
      [0.92254, 0.890455, 0.896077, 0.90202],
      [0.852606, 0.791553, 0.80225, 0.813559],
    ];
    const θ = tf.variable(tf.ones([2, 2]));
    const g = tf.tensor2d(G);
    const opt = createOptimizer(adafactor, { lr: 0.1 });
    const fast = createFloatOptimizer(adafactor, { lr: 0.1 }, { shapes: [[2, 2]] });
    const p = new Float32Array(4).fill(1);
    for (const row of want) {
      opt.step([θ], [g]);
      fast.step([p], [Float32Array.from(G.flat())]);
      assert.deepEqual(p, θ.dataSync(), "FloatVec and tfjs engines differ");
      row.forEach((w, i) => assertInDelta(p[i], w, 1e-6, `θ[${i}]`));
    }
    assert.deepEqual(opt.state[0].slots.R!.shape, [2, 1]);
    assert.deepEqual(opt.state[0].slots.C!.shape, [1, 2]);
    assert.deepEqual(Array.from(opt.state[0].slots.R!.dataSync()), [2.5, 12.5]);
    assert.deepEqual(Array.from(opt.state[0].slots.C!.dataSync()), [5, 10]);
    assert.equal(opt.state[0].slots.V, undefined);
    opt.dispose();
    tf.dispose([θ, g]);
  });
  test("adafactor clips an update whose RMS exceeds d", () => {
    // t = 2 with g = 0.1 then 10: V₂ = 100 − (100 − 0.01)·0.425651 = 57.4394, U = 10/7.57888 = 1.31945 > d = 1,
    // so Û = U/RMS(U) = 1 and θ₂ = θ₁ − 0.01·θ₁ = 0.99·0.99 = 0.9801
    assertInDelta(run(adafactor, {}, [0.1, 10])[1], 0.9801);
  });
});

describe("validation in torch's words", () => {
  const cases: [AnyOptimizerDef, object, string][] = [
    [nadam, { lr: -1 }, "Invalid learning rate: -1 (lr)"],
    [nadam, { momentum_decay: -0.1 }, "Invalid momentum_decay value: -0.1 (momentum_decay)"],
    [nadam, { betas: [1, 0.9] }, "Invalid beta parameter at index 0: 1 (betas[0])"],
    [nadam, { eps: -1 }, "Invalid epsilon value: -1 (eps)"],
    [radam, { weight_decay: -1 }, "Invalid weight_decay value: -1 (weight_decay)"],
    [radam, { betas: [0.9, 1] }, "Invalid beta parameter at index 1: 1 (betas[1])"],
    [adamax, { eps: -1e-8 }, "Invalid epsilon value: -1e-8 (eps)"],
    [adamax, { lr: NaN }, "Invalid lr: NaN (lr)"],
    [rprop, { etas: [1.2, 0.5] }, "Invalid eta values: 1.2, 0.5 (etas)"],
    [rprop, { etas: [0, 1.2] }, "Invalid eta values: 0, 1.2 (etas)"],
    [rprop, { lr: -0.1 }, "Invalid learning rate: -0.1 (lr)"],
    [asgd, { weight_decay: -0.5 }, "Invalid weight_decay value: -0.5 (weight_decay)"],
    [asgd, { lr: -1 }, "Invalid learning rate: -1 (lr)"],
    [adafactor, { lr: -1 }, "Learning rate should be >= 0 but is: -1 (lr)"],
    [adafactor, { beta2_decay: 0.5 }, "beta2_decay should be <= 0 but is: 0.5 (beta2_decay)"],
    [adafactor, { eps: [-1, 1e-3] }, "epsilon1 should be >= 0 but is: -1 (eps[0])"],
    [adafactor, { eps: [null, -1] }, "epsilon2 should be >= 0 but is: -1 (eps[1])"],
    [adafactor, { d: 0.5 }, "Clipping threshold d should be >= 1 but is: 0.5 (d)"],
    [adafactor, { weight_decay: -1 }, "weight_decay should be >= 0 but is: -1 (weight_decay)"],
    [adafactor, { eps: [null] }, "Invalid eps"],
  ];
  for (const [def, options, message] of cases) {
    test(`${def.name}(${JSON.stringify(options, (k, v) => (Number.isNaN(v) ? "NaN" : v))}) throws "${message}"`, () => {
      for (const create of [createOptimizer, createFloatOptimizer]) assert.throws(() => create(def, options), (e: Error) => e.message.startsWith(message) || assert.fail(e.message));
    });
  }
  test("defaults are torch 2.13's", () => {
    const o = (def: AnyOptimizerDef) => JSON.parse(JSON.stringify(createOptimizer(def).options));
    assert.deepEqual(o(nadam), { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 4e-3, decoupled_weight_decay: false, maximize: false });
    assert.deepEqual(o(radam), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, decoupled_weight_decay: false, maximize: false });
    assert.deepEqual(o(adamax), { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false });
    assert.deepEqual(o(rprop), { lr: 1e-2, etas: [0.5, 1.2], step_sizes: [1e-6, 50], maximize: false });
    assert.deepEqual(o(asgd), { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0, maximize: false });
    assert.deepEqual(o(adafactor), { lr: 1e-2, beta2_decay: -0.8, eps: [null, 1e-3], d: 1, weight_decay: 0, maximize: false });
  });
});

/** Every new optimizer with each of its options that changes the rule's path. */
const configs: [AnyOptimizerDef, object][] = [
  [nadam, { lr: 0.01 }],
  [nadam, { lr: 0.01, weight_decay: 0.1 }],
  [nadam, { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true, maximize: true }],
  [radam, { lr: 0.01, weight_decay: 0.1 }],
  [radam, { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true, maximize: true }],
  [adamax, { lr: 0.01, weight_decay: 0.1, maximize: true }],
  [rprop, { lr: 0.01, step_sizes: [1e-3, 0.02] }],
  [rprop, { lr: 0.01, maximize: true }],
  [asgd, { lr: 0.01, t0: 3, weight_decay: 0.1 }],
  [asgd, { lr: 0.01, maximize: true }],
  [adafactor, { lr: 0.05 }],
  [adafactor, { lr: 0.05, weight_decay: 0.1, maximize: true, eps: [1e-6, 1e-2], d: 1.5 }],
];
const label = (def: AnyOptimizerDef, o: object) => `${def.name}(${JSON.stringify(o)})`;
/** A 2×3 matrix and a 3-vector, with gradients that change sign and size from step to step. */
const shapes = [[2, 3], [3]];
const start = () => [Float32Array.of(0.5, -1, 2, 0.25, -0.75, 1.5), Float32Array.of(0.3, -0.2, 0.1)];
const gradsAt = (i: number) => [Float32Array.from({ length: 6 }, (_, k) => Math.sin(1.3 * i + k) * (k + 1)), Float32Array.from({ length: 3 }, (_, k) => Math.cos(0.7 * i * (k + 1)))];

describe("engines agree bit for bit", () => {
  for (const [def, options] of configs) {
    test(`${label(def, options)}: tfjs, FloatVec and the fused loop give the same θ and state over 30 steps`, () => {
      const vars = start().map((p, i) => tf.variable(tf.tensor(p, shapes[i])));
      const opt = createOptimizer(def, options);
      const fast = createFloatOptimizer(def, options, { shapes });
      const ps = start();
      for (let i = 0; i < 30; i++) {
        const gs = gradsAt(i);
        const tgs = gs.map((g, k) => tf.tensor(g, shapes[k]));
        opt.step(vars, tgs);
        tf.dispose(tgs);
        fast.step(ps, gs);
        ps.forEach((p, k) => assert.deepEqual(p, vars[k].dataSync(), `θ[${k}] after step ${i + 1}`));
      }
      const fs = fast.state;
      opt.state.forEach((s, k) => {
        for (const [name, t] of Object.entries(s.slots)) assert.deepEqual((fs[k].slots as Record<string, Float32Array>)[name], (t as tf.Tensor).dataSync(), `slot ${name}`);
      });
      opt.dispose();
      tf.dispose(vars);
    });
  }
});

describe("memory", () => {
  for (const [def, options] of configs) {
    test(`${label(def, options)}: tensor count steady over 200 steps and back to baseline after dispose()`, () => {
      const θ = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]));
      const b = tf.variable(tf.tensor1d([0.1, -0.1]));
      const gs = [tf.tensor2d([[0.1, -0.2], [0.3, 0.05]]), tf.tensor1d([0.2, 0.3])];
      const baseline = tf.memory().numTensors;
      const opt = createOptimizer(def, options);
      for (let i = 0; i < 10; i++) opt.step([θ, b], gs);
      const after10 = tf.memory().numTensors;
      for (let i = 10; i < 200; i++) opt.step([θ, b], gs);
      assert.equal(tf.memory().numTensors, after10);
      const slots = opt.state.reduce((n, s) => n + Object.keys(s.slots).length, 0);
      assert.equal(after10 - baseline, slots, "one tensor per slot");
      opt.dispose();
      assert.equal(tf.memory().numTensors, baseline);
      assert.ok(gs.every((g) => !g.isDisposed), "step must not dispose the caller's gradients");
      tf.dispose([θ, b, ...gs]);
    });
  }
});

describe("state", () => {
  for (const [def, options] of configs) {
    test(`${label(def, options)}: toJSON → load continues identically, float engine to tfjs engine`, () => {
      const a = createFloatOptimizer(def, options, { shapes });
      const pa = start();
      for (let i = 0; i < 5; i++) a.step(pa, gradsAt(i));
      const saved = JSON.parse(JSON.stringify(a.toJSON()));
      const c = createOptimizer(def, options);
      c.load(saved);
      const vars = pa.map((p, k) => tf.variable(tf.tensor(p, shapes[k])));
      for (let i = 5; i < 10; i++) {
        const tgs = gradsAt(i).map((g, k) => tf.tensor(g, shapes[k]));
        c.step(vars, tgs);
        tf.dispose(tgs);
        a.step(pa, gradsAt(i));
      }
      vars.forEach((v, k) => assert.deepEqual(v.dataSync(), pa[k]));
      const back = createFloatOptimizer(def, options, { shapes });
      back.load(JSON.parse(JSON.stringify(c.toJSON())));
      assert.deepEqual(back.toJSON(), a.toJSON());
      c.dispose();
      tf.dispose(vars);
    });
  }
  test("the float engine refuses a shape that does not fit its parameter", () => {
    const opt = createFloatOptimizer(adafactor, {}, { shapes: [[2, 2]] });
    assert.throws(() => opt.step([new Float32Array(3)], [new Float32Array(3)]), /parameter 0 has 3 values, but its shape \[2,2\] holds 4/);
  });
  test("adafactor: a matrix's saved state does not load onto a vector", () => {
    const a = createFloatOptimizer(adafactor, {}, { shapes: [[2, 2]] });
    a.step([new Float32Array(4).fill(1)], [Float32Array.of(1, 2, 3, 4)]);
    const json = a.toJSON();
    assert.deepEqual(json.state[0].slots.R.shape, [2, 1]);
    const b = createOptimizer(adafactor);
    b.load(json);
    const θ = tf.variable(tf.ones([4]));
    const g = tf.ones([4]);
    assert.throws(() => b.step([θ], [g]), /loaded slots of parameter 0 are \[C,R\], its shape \[4\] needs \[V\]/);
    tf.dispose([θ, g]);
    b.dispose();
  });
});

describe("Vec ops on every engine", () => {
  const x = [2, -0.5, 0, NaN, -3, 0.25];
  /** For the reductions: no NaN, which would spread over its row. */
  const y = [2, -0.5, 0, 1, -3, 0.25];
  const shape = [2, 3];
  /** op applied to a FloatVec and a TensorVec of x (or y for the reductions): both results, as arrays, with the shapes. */
  function both(op: <T extends import("../../lib/optimizers/types.js").Vec<T>>(v: T) => T, input: number[]) {
    const f = op(new FloatVec(Float32Array.from(input), undefined, shape));
    const r = tf.tidy(() => op(new TensorVec(tf.tensor(input, shape), new Scalars())).t);
    const t = { data: Array.from(r.dataSync()), shape: r.shape };
    r.dispose();
    return { float: { data: Array.from(f.data), shape: f.shape }, tensor: t };
  }
  const cases: [string, Parameters<typeof both>[0], number[], number[]][] = [
    ["abs", (v) => v.abs(), [2, 0.5, 0, NaN, 3, 0.25], shape],
    ["sign", (v) => v.sign(), [1, -1, 0, 0, -1, 1], shape],
    ["clamp(−1, 1)", (v) => v.clamp(-1, 1), [1, -0.5, 0, NaN, -1, 0.25], shape],
    ["bySign(10, 20, 30)", (v) => v.bySign(10, 20, 30), [10, 30, 20, 20, 30, 10], shape],
    ["bySign(v, 0, v.neg())", (v) => v.bySign(v, 0, v.neg()), [2, 0.5, 0, 0, 3, 0.25], shape],
    // |y| = [[2, 0.5, 0], [1, 3, 0.25]]: row means 2.5/3 and 4.25/3
    ["mean(−1)", (v) => v.abs().mean(-1), [0.833333, 1.416667], [2, 1]],
    // clamp(|y|, 0, 1) = [[1, 0.5, 0], [1, 1, 0.25]]: column means 1, 0.75, 0.125
    ["mean(−2)", (v) => v.abs().clamp(0, 1).mean(-2), [1, 0.75, 0.125], [1, 3]],
    // |clamp(y, −1, 1)| sums to 3.75 over 6
    ["mean()", (v) => v.clamp(-1, 1).abs().mean(), [0.625], []],
    // row means [0.5, 0.75]ᵀ of clamp(|y|, 0, 1) times column means [1, −0.75, 0.125] of clamp(y, −1, 1): an outer product
    ["broadcast [2,1]·[1,3]", (v) => v.abs().clamp(0, 1).mean(-1).mul(v.clamp(-1, 1).mean(-2)), [0.5, -0.375, 0.0625, 0.75, -0.5625, 0.09375], [2, 3]],
  ];
  for (const [name, op, want, wantShape] of cases) {
    test(`${name}: FloatVec and TensorVec agree with the worked values`, () => {
      const { float, tensor } = both(op, name.startsWith("mean") || name.startsWith("broadcast") ? y : x);
      assert.deepEqual(float.shape, wantShape);
      assert.deepEqual(tensor.shape, wantShape);
      assert.deepEqual(float.data.map(String), tensor.data.map(String));
      assert.equal(float.data.length, want.length);
      float.data.forEach((v, i) => (Number.isNaN(want[i]) ? assert.ok(Number.isNaN(v)) : assertInDelta(v, want[i], 1e-6, `${name}[${i}]`)));
    });
  }
  test("the fused loop computes abs, sign and clamp as FloatVec does, and refuses reductions and bySign", () => {
    const trace = new Trace(1);
    const leaf = trace.leaf(0);
    const outs = [leaf.abs(), leaf.sign(), leaf.clamp(-1, 1)];
    const kernel = compileTrace(trace, outs.map((o) => o.id));
    const results = outs.map(() => new Float32Array(x.length));
    kernel([Float32Array.from(x)], results, trace.consts, x.length);
    const fv = new FloatVec(Float32Array.from(x));
    [fv.abs(), fv.sign(), fv.clamp(-1, 1)].forEach((f, i) => assert.deepEqual(Array.from(results[i]).map(String), Array.from(f.data).map(String)));
    assert.throws(() => leaf.mean(), NotFusable);
    assert.throws(() => (leaf.bySign as (...a: unknown[]) => unknown)(leaf, 0, leaf), NotFusable);
    assert.throws(() => leaf.shape, NotFusable);
  });
  test("FloatVec refuses shapes that do not broadcast", () => {
    assert.throws(() => new FloatVec(new Float32Array(6), undefined, [2, 3]).add(new FloatVec(new Float32Array(2))), /do not broadcast/);
  });
});
