/** lib code behind the page "Adam, understood": moment estimates, the SNR reading, weight decay, the pitfall. */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import {
  adam,
  adamWithSquaredFirstMoment,
  createFloatOptimizer,
  createOptimizer,
  decayComparison,
  log10StepSizes,
  momentEstimates,
  noisyGradients,
  optimizers,
  randomRegression,
  snrLimit,
  snrSweep,
} from "../../lib/index.js";

test("bias correction: a constant gradient gives m̂ = g and v̂ = g² at every step, uncorrected m, v are (1 − βᵗ) of that", () => {
  const rows = momentEstimates(new Float64Array(50).fill(2), { betas: [0.9, 0.999] });
  for (const r of rows) {
    assert.ok(Math.abs(r.mHat - 2) < 1e-12 && Math.abs(r.vHat - 4) < 1e-12, `step ${r.step}`);
    assert.ok(Math.abs(r.m - 2 * (1 - 0.9 ** r.step)) < 1e-12);
    assert.ok(Math.abs(r.v - 4 * (1 - 0.999 ** r.step)) < 1e-12);
  }
  // The first step: corrected ratio exactly 1, uncorrected (1 − β₁)/√(1 − β₂) ≈ 3.162.
  assert.ok(Math.abs(rows[0].ratio - 1) < 1e-8);
  assert.ok(Math.abs(rows[0].ratioUncorrected - 0.1 / Math.sqrt(0.001)) < 1e-6);
});

test("momentEstimates follows the same recurrences as the library's Adam (its m and v slots)", () => {
  const gs = noisyGradients({ mean: 0.5, std: 2, steps: 30, seed: 4 });
  const rows = momentEstimates(gs);
  const opt = createFloatOptimizer(adam, { lr: 0 });
  const θ = new Float32Array([0]);
  gs.forEach((g, i) => {
    opt.step([θ], [new Float32Array([g])]);
    const { m, v } = opt.state[0].slots;
    assert.ok(Math.abs(m[0] - rows[i].m) <= 1e-6 * Math.max(1, Math.abs(rows[i].m)), `m at step ${i + 1}`);
    assert.ok(Math.abs(v[0] - rows[i].v) <= 1e-6 * Math.max(1, rows[i].v), `v at step ${i + 1}`);
  });
});

test("noisyGradients has the mean and second moment it claims, and is seeded", () => {
  const g = noisyGradients({ mean: 1, std: 0.5, steps: 20000, seed: 2 });
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  const second = g.reduce((a, b) => a + b * b, 0) / g.length;
  assert.ok(Math.abs(mean - 1) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(second - 1.25) < 0.03, `E[g²] ${second}`);
  assert.deepEqual(noisyGradients({ seed: 3, steps: 5 }), noisyGradients({ seed: 3, steps: 5 }));
});

test("m̂/√v̂ ≈ ±1 for consistent gradients, ≈ 0 for noise, ≈ r/√(1 + r²) in between", () => {
  const sweep = snrSweep({ ratios: [-4, -1, 0, 1, 4], streams: 200, steps: 300, seed: 5 });
  const mean = (r: number) => {
    const pts = sweep.filter((p) => p.snr === r);
    return pts.reduce((s, p) => s + p.ratio, 0) / pts.length;
  };
  assert.ok(mean(4) > 0.95 && mean(-4) < -0.95);
  assert.ok(Math.abs(mean(0)) < 0.05, `noise: ${mean(0)}`);
  for (const r of [-1, 1]) assert.ok(Math.abs(mean(r) - snrLimit(r)) < 0.06, `r = ${r}: ${mean(r)} vs ${snrLimit(r)}`);
});

test("log10StepSizes is log₁₀ lr/(√(v/(1 − β₂ᵗ)) + ε), read from the optimizer's v slots", () => {
  const opt = createOptimizer(adam, { lr: 1e-2 });
  const θ = tf.variable(tf.tensor1d([1, 2, 3]));
  const g = tf.tensor1d([0.1, -2, 0]);
  try {
    opt.step([θ], [g]);
    opt.step([θ], [g]);
    const sizes = log10StepSizes(opt.state.map((s) => s.slots.v.dataSync()), { lr: 1e-2, beta2: 0.999, eps: 1e-8, step: 2 });
    // Constant gradients: v̂ = g² exactly (up to float32), so the step size is lr/(|g| + ε).
    assert.ok(Math.abs(sizes[0] - Math.log10(1e-2 / 0.1)) < 1e-5);
    assert.ok(Math.abs(sizes[1] - Math.log10(1e-2 / 2)) < 1e-5);
    assert.ok(Math.abs(sizes[2] - Math.log10(1e-2 / 1e-8)) < 1e-9); // zero gradient: lr/ε
  } finally {
    opt.dispose();
    θ.dispose();
    g.dispose();
  }
});

test("the pitfall differs from Adam only in the first moment, keeps Adam's checks, and is not in the registry", () => {
  assert.ok(!Object.values(optimizers).some((d) => (d as unknown) === adamWithSquaredFirstMoment));
  assert.deepEqual(adamWithSquaredFirstMoment.defaults, adam.defaults);
  assert.throws(() => createFloatOptimizer(adamWithSquaredFirstMoment, { lr: -1 }), /Invalid learning rate: -1/);
  const run = (def: typeof adam) => {
    const opt = createFloatOptimizer(def, { lr: 0.1 });
    const θ = new Float32Array([1, -1, 0.5]);
    const g = new Float32Array([0.5, -3, 2]);
    opt.step([θ], [g]);
    const first = θ.slice();
    opt.step([θ], [g]);
    return { first, θ, m: opt.state[0].slots.m, v: opt.state[0].slots.v };
  };
  const good = run(adam);
  const bad = run(adamWithSquaredFirstMoment);
  assert.deepEqual(bad.v, good.v); // the second moment is untouched
  // m from g²: m₂ = (1 − β₁²)·g² instead of (1 − β₁²)·g
  assert.ok(Math.abs(bad.m[1] - (1 - 0.81) * 9) < 1e-5 && Math.abs(good.m[1] - (1 - 0.81) * -3) < 1e-5);
  // Adam's first step is −lr·sign(g); the buggy one moves every weight down by lr·|g|, whatever g's sign.
  assert.deepEqual(Array.from(good.first, (x) => Number(x.toFixed(5))), [0.9, -0.9, 0.4]);
  assert.deepEqual(Array.from(bad.first, (x) => Number(x.toFixed(5))), [0.95, -1.3, 0.3]);
});

test("weight decay: AdamW shrinks both gradient scales alike; Adam's L2 barely touches the large-gradient weights", () => {
  const lr = 1e-2, λ = 0.1, steps = 1000;
  const rows = decayComparison({ lr, weightDecay: λ, steps, seed: 5 });
  const end = (opt: string, big: boolean) => [...rows].reverse().find((r) => r.optimizer.startsWith(opt) && r.group === `gradient scale ${big ? 10 : 0.01}`)!.mean;
  const exact = (1 - lr * λ) ** steps;
  for (const big of [true, false]) assert.ok(Math.abs(end("AdamW", big) - exact) < 0.05, `AdamW ${big}: ${end("AdamW", big)} vs ${exact}`);
  assert.ok(end("Adam (L2", true) > 0.8, `Adam L2, large gradients: ${end("Adam (L2", true)}`);
  assert.ok(Math.abs(end("Adam (L2", false)) < 0.02, `Adam L2, small gradients: ${end("Adam (L2", false)}`);
});

test("randomRegression: seeded N(0, 1) inputs and targets of the stated shapes", () => {
  const a = randomRegression({ n: 8, dIn: 5, dOut: 3, seed: 9 });
  assert.equal(a.x.length, 40);
  assert.equal(a.y.length, 24);
  assert.deepEqual(a, randomRegression({ n: 8, dIn: 5, dOut: 3, seed: 9 }));
  assert.notDeepEqual(a.x, randomRegression({ n: 8, dIn: 5, dOut: 3, seed: 10 }).x);
});
