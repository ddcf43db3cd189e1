/**
 * Optimizers: hand-worked steps, validation, memory, serialisation, and equivalences that must hold exactly.
 * Parity with torch over whole trajectories is in parity.test.ts.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  adadelta,
  adagrad,
  adam,
  adamUpdate,
  adamw,
  createFloatOptimizer,
  createOptimizer,
  FloatVec,
  optimizers,
  rmsprop,
  rmspropUpdate,
  sgd,
  type AnyOptimizerDef,
} from "../../lib/optimizers/index.js";

import { assertInDelta, run } from "../helpers/steps.js";

await tf.setBackend("cpu");

describe("two hand-worked steps from θ₀ = 1 with g₁ = 1, g₂ = 0.5", () => {
  test("sgd({lr: 0.1, momentum: 0.9, dampening: 0.5}) takes b₁ = g₁ undamped, then damps", () => {
    // b₁ = g₁ = 1 (torch: no dampening on the first step);  θ₁ = 1 − 0.1·1 = 0.9
    // b₂ = 0.9·1 + (1 − 0.5)·0.5 = 1.15;                     θ₂ = 0.9 − 0.1·1.15 = 0.785
    const [θ1, θ2] = run(sgd, { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.785);
  });
  test("sgd({lr: 0.1, momentum: 0.9, nesterov: true}) steps along g + μb", () => {
    // b₁ = 1, g₁ + 0.9·b₁ = 1.9, θ₁ = 1 − 0.19 = 0.81
    // b₂ = 0.9·1 + 0.5 = 1.4, g₂ + 0.9·b₂ = 0.5 + 1.26 = 1.76, θ₂ = 0.81 − 0.176 = 0.634
    const [θ1, θ2] = run(sgd, { lr: 0.1, momentum: 0.9, nesterov: true });
    assertInDelta(θ1, 0.81);
    assertInDelta(θ2, 0.634);
  });
  test("sgd({lr: 0.1, weight_decay: 0.1}) adds λθ to the gradient", () => {
    // g₁ = 1 + 0.1·1 = 1.1, θ₁ = 1 − 0.11 = 0.89;  g₂ = 0.5 + 0.1·0.89 = 0.589, θ₂ = 0.89 − 0.0589 = 0.8311
    const [θ1, θ2] = run(sgd, { lr: 0.1, weight_decay: 0.1 });
    assertInDelta(θ1, 0.89);
    assertInDelta(θ2, 0.8311);
  });
  test("sgd({lr: 0.1, maximize: true}) ascends", () => {
    // θ₁ = 1 + 0.1·1 = 1.1, θ₂ = 1.1 + 0.1·0.5 = 1.15
    const [θ1, θ2] = run(sgd, { lr: 0.1, maximize: true });
    assertInDelta(θ1, 1.1);
    assertInDelta(θ2, 1.15);
  });
  test("adagrad({lr: 0.1, lr_decay: 0.5, initial_accumulator_value: 1, eps: 0}) decays η and accumulates G", () => {
    // G₁ = 1 + 1² = 2, η₁ = 0.1/(1 + 0·0.5) = 0.1, θ₁ = 1 − 0.1·1/√2 = 0.92928932
    // G₂ = 2 + 0.25 = 2.25, η₂ = 0.1/(1 + 1·0.5) = 0.0666667, θ₂ = θ₁ − 0.0666667·0.5/1.5 = 0.90706710
    const [θ1, θ2] = run(adagrad, { lr: 0.1, lr_decay: 0.5, initial_accumulator_value: 1, eps: 0 });
    assertInDelta(θ1, 0.92928932);
    assertInDelta(θ2, 0.9070671);
  });
  test("adadelta({lr: 1, rho: 0.5, eps: 0.01}) scales by RMS[Δθ]/RMS[g]", () => {
    // E[g²]₁ = 0.5·1 = 0.5, Δθ₁ = √(0 + 0.01)/√(0.5 + 0.01)·1 = 0.1/0.71414284 = 0.14002801, θ₁ = 0.85997199
    // E[Δθ²]₁ = 0.5·0.14002801² = 0.00980392
    // E[g²]₂ = 0.25 + 0.5·0.25 = 0.375, Δθ₂ = √0.01980392/√0.385·0.5 = 0.14072640/0.62048368·0.5 = 0.11340068
    // θ₂ = 0.85997199 − 0.11340068 = 0.74657131
    const [θ1, θ2] = run(adadelta, { lr: 1, rho: 0.5, eps: 0.01 });
    assertInDelta(θ1, 0.85997199);
    assertInDelta(θ2, 0.74657131);
  });
  test("rmsprop({lr: 0.1, alpha: 0.5, eps: 0}) divides by √E[g²]", () => {
    // E[g²]₁ = 0.5, θ₁ = 1 − 0.1/√0.5 = 0.85857864;  E[g²]₂ = 0.25 + 0.125 = 0.375, θ₂ = θ₁ − 0.05/√0.375 = 0.77692893
    const [θ1, θ2] = run(rmsprop, { lr: 0.1, alpha: 0.5, eps: 0 });
    assertInDelta(θ1, 0.85857864);
    assertInDelta(θ2, 0.77692893);
  });
  test("rmsprop({lr: 0.1, alpha: 0.5, eps: 0, centered: true, momentum: 0.5}) uses √(E[g²] − E[g]²) and a buffer", () => {
    // E[g²]₁ = 0.5, E[g]₁ = 0.5, σ₁ = √(0.5 − 0.25) = 0.5, b₁ = 1/0.5 = 2, θ₁ = 1 − 0.2 = 0.8
    // E[g²]₂ = 0.375, E[g]₂ = 0.25 + 0.25 = 0.5, σ₂ = √0.125 = 0.35355339, b₂ = 0.5·2 + 0.5/σ₂ = 2.41421356
    // θ₂ = 0.8 − 0.241421356 = 0.55857864
    const [θ1, θ2] = run(rmsprop, { lr: 0.1, alpha: 0.5, eps: 0, centered: true, momentum: 0.5 });
    assertInDelta(θ1, 0.8);
    assertInDelta(θ2, 0.55857864);
  });
  test("adam({lr: 0.1, betas: [0.5, 0.5], eps: 0}) corrects the bias of m and v", () => {
    // m₁ = 0.5, v₁ = 0.5, m̂₁ = 0.5/0.5 = 1, v̂₁ = 1, θ₁ = 1 − 0.1·1/1 = 0.9
    // m₂ = 0.25 + 0.25 = 0.5, v₂ = 0.25 + 0.125 = 0.375, m̂₂ = 0.5/0.75 = 0.6666667, v̂₂ = 0.375/0.75 = 0.5
    // θ₂ = 0.9 − 0.1·0.6666667/√0.5 = 0.9 − 0.09428090 = 0.80571910
    const [θ1, θ2] = run(adam, { lr: 0.1, betas: [0.5, 0.5], eps: 0 });
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.8057191);
  });
  test("adam({..., amsgrad: true}) divides by the running max of v", () => {
    // as above, but v̂₂ uses vmax₂ = max(0.5, 0.375) = 0.5: v̂₂ = 0.5/0.75 = 0.6666667
    // θ₂ = 0.9 − 0.1·0.6666667/0.81649658 = 0.81835034
    const [θ1, θ2] = run(adam, { lr: 0.1, betas: [0.5, 0.5], eps: 0, amsgrad: true });
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.81835034);
  });
  test("adam({..., weight_decay: 0.5}) adds λθ to the gradient (L2)", () => {
    // g₁ = 1 + 0.5 = 1.5: m₁ = 0.75, v₁ = 1.125, m̂₁ = 1.5, v̂₁ = 2.25, θ₁ = 1 − 0.1·1.5/1.5 = 0.9
    // g₂ = 0.5 + 0.45 = 0.95: m₂ = 0.375 + 0.475 = 0.85, v₂ = 0.5625 + 0.45125 = 1.01375
    // m̂₂ = 1.13333333, v̂₂ = 1.35166667, θ₂ = 0.9 − 0.1·1.13333333/1.16261200 = 0.80251826
    const [θ1, θ2] = run(adam, { lr: 0.1, betas: [0.5, 0.5], eps: 0, weight_decay: 0.5 });
    assertInDelta(θ1, 0.9);
    assertInDelta(θ2, 0.80251826);
  });
  test("adamw({lr: 0.1, betas: [0.5, 0.5], eps: 0, weight_decay: 0.5}) shrinks θ by (1 − lr·λ) first", () => {
    // θ ← 1·(1 − 0.05) = 0.95, then Adam's step 0.1 → θ₁ = 0.85
    // θ ← 0.85·0.95 = 0.8075, then Adam's step 0.09428090 → θ₂ = 0.71321910
    const [θ1, θ2] = run(adamw, { lr: 0.1, betas: [0.5, 0.5], eps: 0, weight_decay: 0.5 });
    assertInDelta(θ1, 0.85);
    assertInDelta(θ2, 0.7132191);
  });
});

describe("validation names the option and its value", () => {
  const cases: [string, AnyOptimizerDef, object, string[]][] = [
    ["sgd lr < 0", sgd, { lr: -1 }, ["Invalid learning rate: -1", "lr"]],
    ["sgd lr NaN", sgd, { lr: NaN }, ["lr", "NaN"]],
    ["sgd momentum < 0", sgd, { momentum: -0.5 }, ["momentum", "-0.5"]],
    ["sgd momentum NaN", sgd, { momentum: NaN }, ["momentum", "NaN"]],
    ["sgd weight_decay < 0", sgd, { weight_decay: -0.1 }, ["weight_decay", "-0.1"]],
    ["sgd nesterov without momentum", sgd, { nesterov: true }, ["Nesterov", "momentum: 0"]],
    ["sgd nesterov with dampening", sgd, { nesterov: true, momentum: 0.9, dampening: 0.1 }, ["Nesterov", "dampening: 0.1"]],
    ["sgd dampening NaN", sgd, { dampening: NaN }, ["dampening", "NaN"]],
    ["adagrad lr_decay < 0", adagrad, { lr_decay: -1 }, ["lr_decay", "-1"]],
    ["adagrad initial_accumulator_value < 0", adagrad, { initial_accumulator_value: -1 }, ["initial_accumulator_value", "-1"]],
    ["adagrad eps < 0", adagrad, { eps: -1e-10 }, ["eps", "-1e-10"]],
    ["adagrad weight_decay < 0", adagrad, { weight_decay: -2 }, ["weight_decay", "-2"]],
    ["adadelta rho > 1", adadelta, { rho: 1.5 }, ["rho", "1.5"]],
    ["adadelta rho < 0", adadelta, { rho: -0.1 }, ["rho", "-0.1"]],
    ["adadelta lr < 0", adadelta, { lr: -1 }, ["lr", "-1"]],
    ["rmsprop alpha < 0", rmsprop, { alpha: -1 }, ["alpha", "-1"]],
    ["rmsprop momentum < 0", rmsprop, { momentum: -1 }, ["momentum", "-1"]],
    ["rmsprop eps < 0", rmsprop, { eps: -1 }, ["eps", "-1"]],
    ["adam betas[0] ≥ 1", adam, { betas: [1.5, 0.999] }, ["Invalid beta parameter at index 0: 1.5", "betas"]],
    ["adam betas[1] = 1", adam, { betas: [0.9, 1] }, ["Invalid beta parameter at index 1: 1", "betas"]],
    ["adam betas[0] < 0", adam, { betas: [-0.1, 0.9] }, ["index 0: -0.1", "betas"]],
    ["adam betas NaN", adam, { betas: [NaN, 0.9] }, ["betas", "NaN"]],
    ["adam betas not a pair", adam, { betas: [0.9] }, ["betas", "0.9"]],
    ["adam eps < 0", adam, { eps: -1e-8 }, ["eps", "-1e-8"]],
    ["adam weight_decay < 0", adam, { weight_decay: -0.01 }, ["weight_decay", "-0.01"]],
    ["adamw lr < 0", adamw, { lr: -0.001 }, ["lr", "-0.001"]],
    ["adamw weight_decay < 0", adamw, { weight_decay: -1 }, ["weight_decay", "-1"]],
    ["unknown option", adam, { beta1: 0.9 }, ["beta1"]],
    ["wrong type", sgd, { lr: "0.1" }, ["lr", '"0.1"']],
    ["wrong boolean", rmsprop, { centered: 1 }, ["centered", "1"]],
  ];
  for (const [name, def, options, parts] of cases) {
    test(`${def.name}(${JSON.stringify(options, (k, v) => (Number.isNaN(v) ? "NaN" : v))}) throws: ${name}`, () => {
      for (const create of [createOptimizer, createFloatOptimizer]) {
        assert.throws(
          () => create(def, options),
          (e: Error) => parts.every((p) => e.message.includes(p)) || assert.fail(`message "${e.message}" lacks one of ${JSON.stringify(parts)}`),
        );
      }
    });
  }
  test("defaults resolve and are frozen", () => {
    const opt = createOptimizer(adam, { lr: 0.01 });
    assert.deepEqual({ ...opt.options, betas: [...opt.options.betas] }, { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false });
    assert.ok(Object.isFrozen(opt.options) && Object.isFrozen(opt.options.betas));
  });
});

/** Every optimizer with every optional slot turned on. */
const full: [AnyOptimizerDef, object][] = [
  [sgd, { lr: 0.01, momentum: 0.9, weight_decay: 0.01 }],
  [sgd, { lr: 0.01, momentum: 0.9, nesterov: true }],
  [adagrad, { lr_decay: 0.01, initial_accumulator_value: 0.1 }],
  [adadelta, { weight_decay: 0.01 }],
  [rmsprop, { centered: true, momentum: 0.5 }],
  [rmsprop, {}],
  [adam, { amsgrad: true, weight_decay: 0.01 }],
  [adamw, { amsgrad: true }],
];
const label = (def: AnyOptimizerDef, o: object) => `${def.name}(${JSON.stringify(o)})`;

describe("memory", () => {
  for (const [def, options] of full) {
    test(`${label(def, options)}: tensor count steady over 1,000 steps and back to baseline after dispose()`, () => {
      const θ = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]));
      const g = tf.tensor2d([[0.1, -0.2], [0.3, 0.05]]);
      const baseline = tf.memory().numTensors;
      const opt = createOptimizer(def, options);
      for (let i = 0; i < 10; i++) opt.step([θ], [g]);
      const after10 = tf.memory().numTensors;
      for (let i = 10; i < 1000; i++) opt.step([θ], [g]);
      assert.equal(tf.memory().numTensors, after10);
      assert.equal(after10 - baseline, Object.keys(opt.state[0].slots).length, "one tensor per slot");
      assert.equal(opt.state[0].step, 1000);
      opt.dispose();
      assert.equal(tf.memory().numTensors, baseline);
      assert.ok(!g.isDisposed, "step must not dispose the caller's gradients");
      tf.dispose([θ, g]);
    });
  }
  test("sgd with momentum keeps b₁ = g₁ valid after the caller disposes g₁", () => {
    const θ = tf.variable(tf.tensor1d([1, 2]));
    const opt = createOptimizer(sgd, { lr: 0.1, momentum: 0.9 });
    const g = tf.tensor1d([1, -1]);
    opt.step([θ], [g]);
    g.dispose();
    assert.deepEqual(Array.from(opt.state[0].slots.b!.dataSync()), [1, -1]);
    opt.dispose();
    θ.dispose();
  });
});

describe("state", () => {
  for (const [def, options] of full) {
    test(`${label(def, options)}: toJSON → load continues identically, on both engines`, () => {
      const grads = (i: number) => [Float32Array.of(Math.sin(i), Math.cos(3 * i)), Float32Array.of(0.5 - 0.1 * i)];
      const start = () => [Float32Array.of(0.5, -1), Float32Array.of(2)];
      // float engine
      const a = createFloatOptimizer(def, options);
      const pa = start();
      for (let i = 0; i < 5; i++) a.step(pa, grads(i));
      const b = createFloatOptimizer(def, options);
      b.load(JSON.parse(JSON.stringify(a.toJSON())));
      const pb = pa.map((p) => p.slice());
      for (let i = 5; i < 10; i++) {
        a.step(pa, grads(i));
        b.step(pb, grads(i));
      }
      assert.deepEqual(pb, pa);
      // tfjs engine, loading the float engine's state: the two share the format
      const c = createOptimizer(def, options);
      const before = tf.memory().numTensors;
      const saved = JSON.parse(JSON.stringify(b.toJSON()));
      c.load(saved);
      const vars = tf.tidy(() => pb.map((p) => tf.variable(tf.tensor1d(p))));
      for (let i = 10; i < 15; i++) {
        const gs = grads(i).map((g) => tf.tensor1d(g));
        c.step(vars, gs);
        tf.dispose(gs);
        b.step(pb, grads(i));
      }
      vars.forEach((v, i) => assert.deepEqual(v.dataSync(), pb[i]));
      assert.equal(c.toJSON().state[0].step, 15);
      c.dispose();
      tf.dispose(vars);
      assert.equal(tf.memory().numTensors, before);
    });
  }
  test("load rejects another optimizer's state and mismatched slots, leaving the state untouched", () => {
    const opt = createFloatOptimizer(adam, { amsgrad: true });
    const p = [Float32Array.of(1)];
    opt.step(p, [Float32Array.of(1)]);
    const sgdState = createFloatOptimizer(sgd, { momentum: 0.9 });
    sgdState.step([Float32Array.of(1)], [Float32Array.of(1)]);
    assert.throws(() => opt.load(sgdState.toJSON()), /sgd state into adam/);
    const plainAdam = createFloatOptimizer(adam);
    plainAdam.step([Float32Array.of(1)], [Float32Array.of(1)]);
    assert.throws(() => opt.load(plainAdam.toJSON()), /slots \[m,v\].*\[m,v,vmax\]/);
    assert.equal(opt.state[0].step, 1);
  });
  test("reset() starts again from t = 1", () => {
    const θ = tf.variable(tf.tensor1d([1]));
    const g = tf.tensor1d([1]);
    const opt = createOptimizer(adam, { lr: 0.1 });
    opt.step([θ], [g]);
    opt.step([θ], [g]);
    const baseline = tf.memory().numTensors;
    opt.reset();
    assert.equal(opt.state.length, 0);
    assert.equal(tf.memory().numTensors, baseline - 2);
    θ.assign(tf.tensor1d([1]));
    opt.step([θ], [g]);
    // the first step of Adam moves by lr·sign(g) (m̂₁/√v̂₁ = g/|g|)
    assertInDelta(θ.dataSync()[0], 0.9);
    assert.equal(opt.state[0].step, 1);
    opt.dispose();
    tf.dispose([θ, g]);
  });
  test("step checks its arguments", () => {
    const opt = createOptimizer(sgd);
    const θ = tf.variable(tf.tensor1d([1, 2]));
    assert.throws(() => opt.step([θ], []), /1 parameters but 0 gradients/);
    assert.throws(() => opt.step([θ], [tf.tensor1d([1])]), /shape \[2\] but its gradient \[1\]/);
    θ.dispose();
  });
});

describe("equivalences", () => {
  const gs = [0.3, -1.2, 0.7, 2.5, -0.1, 0.05, 1.1, -0.6];
  const vec = (x: number) => new FloatVec(Float32Array.of(x));

  test("rmsprop(alpha: 0) ≡ adam(betas: [0, 0]) exactly: both step by lr·g/(|g| + ε)", () => {
    // β₁ = β₂ = 0: m = g, v = g², and the bias corrections 1 − 0ᵗ = 1; RMSprop with α = 0 has E[g²] = g².
    const a = run(rmsprop, { lr: 0.1, alpha: 0, eps: 1e-3 }, gs);
    const b = run(adam, { lr: 0.1, betas: [0, 0], eps: 1e-3 }, gs);
    assert.deepEqual(a, b);
  });

  test("adam(betas: [0, β₂], lr, ε) at step t ≡ rmsprop(alpha: β₂) with lr·√(1 − β₂ᵗ) and ε·√(1 − β₂ᵗ)", () => {
    // With β₁ = 0, m̂ = g and g/(√(v/c) + ε) = √c · g/(√v + ε√c), c = 1 − β₂ᵗ; both keep v = β₂v + (1 − β₂)g².
    // So the two agree when RMSprop's lr and ε follow c each step (equal math, rounding aside).
    const β2 = 0.9;
    const lr = 0.05;
    const eps = 1e-2;
    let θa = vec(1);
    let θr = vec(1);
    let sa = { m: vec(0), v: vec(0) };
    let sr = { Eg2: vec(0) };
    gs.forEach((g, i) => {
      const t = i + 1;
      const c = Math.sqrt(1 - β2 ** t);
      const A = adamUpdate(θa, vec(g), sa, t, { ...adam.defaults, lr, betas: [0, β2], eps });
      const R = rmspropUpdate(θr, vec(g), sr, t, { ...rmsprop.defaults, lr: lr * c, alpha: β2, eps: eps * c });
      [θa, sa, θr, sr] = [A.θ, A.state as typeof sa, R.θ, R.state as typeof sr];
      assertInDelta(θr.data[0], θa.data[0], 1e-6, `step ${t}`);
    });
    // Without the per-step factor, plain RMSprop(α = β₂) is not Adam(β₁ = 0): the bias correction differs.
    const plain = run(rmsprop, { lr, alpha: β2, eps }, gs);
    assert.ok(Math.abs(plain.at(-1)! - θa.data[0]) > 1e-3, `${plain.at(-1)} vs ${θa.data[0]}`);
  });

  test("adamw(weight_decay: 0) ≡ adam(weight_decay: 0) exactly", () => {
    for (const amsgrad of [false, true]) {
      assert.deepEqual(run(adamw, { lr: 0.01, weight_decay: 0, amsgrad }, gs), run(adam, { lr: 0.01, weight_decay: 0, amsgrad }, gs));
    }
  });

  test("the registry lists every optimizer under its machine name", () => {
    assert.deepEqual(Object.keys(optimizers), ["sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax", "rprop", "asgd", "adafactor"]);
    for (const [name, def] of Object.entries(optimizers)) {
      assert.equal(def.name, name);
      assert.ok(def.tex.length > 0 && Object.keys(def.ranges).includes("lr"));
      assert.equal(def.ranges.lr?.scale, "log");
    }
  });
});
