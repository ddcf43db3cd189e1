import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import type * as tf from "@tensorflow/tfjs-core";
import { createFloatOptimizer, createOptimizer, presets, sgd, type FloatOptimizer } from "../../lib/optimizers/index.js";
import { minimize } from "../../lib/train/minimize.js";
import { variable } from "../../lib/train/parameters.js";
import { surfaces, type Surface } from "../../lib/surfaces.js";
import { createRace, describeTrack, race, raceEntries, raceLearningRates } from "../../lib/race.js";
import type { OptimizerChoice } from "../../lib/optimizers/choice.js";

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));

/** The tfjs engine's trajectory: createOptimizer + minimize on the surface's tf f. */
function tfTrajectory(surface: Surface, entry: OptimizerChoice, steps: number): [number, number][] {
  const θ = variable(surface.start, [2]);
  const optimizer = createOptimizer(entry.def, entry.options);
  try {
    const path: [number, number][] = [];
    for (const s of minimize({ params: [θ], loss: () => surface.f(θ as tf.Tensor1D), optimizer, steps })) path.push([s.params[0][0], s.params[0][1]]);
    return path;
  } finally {
    optimizer.dispose();
    θ.dispose();
  }
}

test("every surface has a learning rate for every preset", () => {
  for (const s of surfaces) for (const p of presets) assert.ok(raceLearningRates[s.key]?.[p.key] > 0, `${s.key}/${p.key}`);
});

// The landing page's default run is 500 steps; the optimizers page's too. Both must draw the same path, so the
// race (Float32Array engine, surface.grad) and the tfjs engine (tf.grad of f) must agree bit for bit.
const RACE_STEPS = 600;
for (const surface of surfaces) {
  test(`${surface.label}: the race follows the tfjs engine (the optimizers page) bit for bit for ${RACE_STEPS} steps`, () => {
    const steps = RACE_STEPS;
    const result = race(surface, surface.start, steps);
    assert.equal(result.tracks.length, presets.length);
    raceEntries(surface).forEach((entry, i) => {
      const track = result.tracks[i];
      assert.equal(track.key, entry.key);
      assert.equal(track.divergedAt, null, `${entry.key} diverged`);
      assert.equal(track.points, steps + 1);
      assert.equal(track.xs[0], Math.fround(surface.start[0]));
      const want = tfTrajectory(surface, entry, steps);
      want.forEach(([x, y], k) => {
        const [rx, ry] = [track.xs[k + 1], track.ys[k + 1]];
        assert.ok(rx === x && ry === y, `${surface.key}/${entry.key} step ${k + 1}: race (${rx}, ${ry}), tfjs (${x}, ${y})`);
        assert.equal(track.losses[k + 1], Math.fround(surface.value(x, y)), `${surface.key}/${entry.key} loss at step ${k + 1}`);
      });
    });
  });
}

test("a run whose values become non-finite stops there, marked 'diverged at step k', with only finite points", () => {
  const surface = surfaces.find((s) => s.key === "ill-conditioned")!;
  // SGD on 0.5x² + 10y²: y ← (1 − 20·lr)·y, so lr = 1 multiplies y by −19 each step; float32 overflows
  // (f = 10y² past 3.4e38 once 1.5·19ᵏ > 5.8e18) at step 15.
  const entries: OptimizerChoice[] = [
    { key: "wild", label: "SGD lr 1", def: sgd, options: { lr: 1 } },
    { key: "tame", label: "SGD lr 0.01", def: sgd, options: { lr: 0.01 } },
  ];
  const [wild, tame] = createRace(surface, entries).run(surface.start, 200).tracks;
  assert.ok(wild.divergedAt !== null && wild.divergedAt >= 14 && wild.divergedAt <= 16, `diverged at ${wild.divergedAt}`);
  assert.equal(wild.points, wild.divergedAt);
  for (let i = 0; i < wild.points; i++) assert.ok(Number.isFinite(wild.xs[i]) && Number.isFinite(wild.ys[i]) && Number.isFinite(wild.losses[i]));
  assert.equal(describeTrack(wild), `diverged at step ${wild.divergedAt} (loss = Infinity)`);
  // The tfjs loop agrees: its loss is non-finite one step later (minimize checks the loss before each step).
  assert.throws(() => tfTrajectory(surface, entries[0], 200), new RegExp(`^DivergedError: diverged at step (${wild.divergedAt}|${wild.divergedAt! + 1}) `));
  // The other runner is unaffected.
  assert.equal(tame.divergedAt, null);
  assert.equal(tame.points, 201);
  assert.match(describeTrack(tame), /^f = /);
});

test("an invalid hyperparameter stops only its own runner, with the optimizer's message", () => {
  const surface = surfaces[0];
  const entries = raceEntries(surface);
  entries[6] = { ...entries[6], options: { ...entries[6].options, lr: -1 } };
  const result = createRace(surface, entries).run(surface.start, 50);
  assert.equal(result.tracks[6].points, 0);
  assert.match(result.tracks[6].error ?? "", /Invalid learning rate: -1/);
  assert.match(describeTrack(result.tracks[6]), /Invalid learning rate/);
  assert.equal(result.tracks[0].points, 51);
});

test("rerunning a race from a new start resets every optimizer (same result as a fresh race)", () => {
  const surface = surfaces[0];
  const r = createRace(surface);
  r.run([0.5, -0.5], 300);
  const again = r.run(surface.start, 300);
  const fresh = race(surface, surface.start, 300);
  again.tracks.forEach((t, i) => {
    assert.deepEqual(t.xs, fresh.tracks[i].xs);
    assert.deepEqual(t.ys, fresh.tracks[i].ys);
  });
});

test("a change from step k keeps the path before it bit for bit and continues as setOptions does, keeping every buffer", () => {
  const surface = surfaces.find((s) => s.key === "beale")!;
  const entries = raceEntries(surface);
  const r = createRace(surface, entries);
  const k = 120;
  const plain = r.run(surface.start, 300);
  const changed = r.run(surface.start, 300, [{ step: k + 1, lane: "*", options: { lr: 1e-3 } }, { step: 5, lane: "adam", options: { lr: -1 } }]);
  entries.forEach((entry, i) => {
    const [a, b] = [plain.tracks[i], changed.tracks[i]];
    assert.deepEqual(b.xs.subarray(0, k + 1), a.xs.subarray(0, k + 1), `${entry.key}: the path up to step ${k} is unchanged`);
    const taken = b.changes.filter((c) => !c.error);
    assert.deepEqual(taken, [{ step: k + 1, options: { lr: 1e-3 } }]);
    // The reference: the same float optimizer stepped by hand, its lr assigned between steps k and k + 1.
    const opt = createFloatOptimizer(entry.def, entry.options) as FloatOptimizer<object, string, string>;
    const θ = new Float32Array([surface.start[0], surface.start[1]]);
    const g = new Float32Array(2);
    for (let t = 1; t <= 300; t++) {
      if (t === k + 1) opt.setOptions({ lr: 1e-3 });
      [g[0], g[1]] = surface.grad(θ[0], θ[1]);
      opt.step([θ], [g]);
      assert.ok(b.xs[t] === θ[0] && b.ys[t] === θ[1], `${entry.key} step ${t}: race (${b.xs[t]}, ${b.ys[t]}), by hand (${θ[0]}, ${θ[1]})`);
    }
  });
  // A change the optimizer refuses is recorded with its message; the run keeps its options.
  const adam = changed.tracks[entries.findIndex((e) => e.key === "adam")];
  assert.match(adam.changes.find((c) => c.step === 5)?.error ?? "", /Invalid learning rate: -1/);
  // The optimizers are reused: the next run without changes is the plain race again.
  const after = r.run(surface.start, 300);
  after.tracks.forEach((t, i) => assert.deepEqual(t.xs, plain.tracks[i].xs));
  assert.ok(after.tracks.every((t) => t.changes.length === 0));
});

test("8 optimizers × 500 steps rerun in ≤ 50 ms (Node)", (t) => {
  for (const surface of surfaces) {
    const r = createRace(surface);
    for (let i = 0; i < 10; i++) r.run(surface.start, 500); // warm up the JIT
    const times: number[] = [];
    for (let i = 0; i < 21; i++) times.push(r.run([surface.start[0] + i * 1e-3, surface.start[1]], 500).ms);
    times.sort((a, b) => a - b);
    t.diagnostic(`${surface.key}: median ${times[10].toFixed(2)} ms, max ${times[20].toFixed(2)} ms`);
    assert.ok(times[10] <= 50, `${surface.key}: median rerun ${times[10].toFixed(1)} ms`);
  }
});
