// The page "Learning-rate schedules": the reader's recipe as torch schedules, and the experiments that run
// lanes under schedules and mid-run option changes (lib/schedules/recipe.ts, lib/experiments/schedules.ts).
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { scheduleMnist, scheduleSurface, type ScheduleSnapshot, type ScheduledChoice } from "../../lib/experiments/schedules.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { exampleSchedules, recipeSchedule, scheduleValues, schedules, type DecayShape } from "../../lib/schedules/index.js";
import type { AnyScheduleDef } from "../../lib/schedules/types.js";
import { tailMeans } from "../../lib/charts/lane-rows.js";
import { last, signal } from "../helpers/experiments.js";
import { threeClassToy } from "../helpers/toy-data.js";

await tf.setBackend("cpu");

const valuesOf = (spec: { name: string; options?: object } | null, lr: number, steps: number, momentum?: number): { lrs: number[]; momenta?: number[] } =>
  spec ? scheduleValues((schedules as Record<string, AnyScheduleDef>)[spec.name], spec.options, { lr, momentum }, steps) : { lrs: Array(steps).fill(lr) };

describe("recipeSchedule({steps, warmup, shape, floor, lr})", () => {
  for (const shape of ["cosine", "linear", "step", "exponential"] as DecayShape[]) {
    test(`${shape}: warm-up from lr/warmup, the peak right after it, down to floor·lr at the last step, never up`, () => {
      const lr = 0.1;
      const { lrs } = valuesOf(recipeSchedule({ steps: 200, warmup: 20, shape, floor: 0.05, lr }), lr, 200);
      assert.ok(Math.abs(lrs[0] - lr / 20) < 1e-15, `step 1: ${lrs[0]}`);
      for (let t = 1; t < 20; t++) assert.ok(lrs[t] > lrs[t - 1], `warm-up rises at step ${t + 1}`);
      assert.ok(Math.abs(lrs[20] - lr) < 1e-15, `step 21 is the peak: ${lrs[20]}`);
      for (let t = 21; t < 200; t++) assert.ok(lrs[t] <= lrs[t - 1] * (1 + 1e-12), `decay never rises (step ${t + 1})`);
      assert.ok(Math.abs(lrs[199] - 0.05 * lr) < 1e-12, `last step ${lrs[199]} is the floor ${0.05 * lr}`);
    });
  }
  test("no warm-up and a constant shape is no schedule; a constant shape after warm-up holds the peak", () => {
    assert.equal(recipeSchedule({ steps: 100, warmup: 0, shape: "constant", floor: 0, lr: 1 }), null);
    const { lrs } = valuesOf(recipeSchedule({ steps: 100, warmup: 10, shape: "constant", floor: 0, lr: 1 }), 1, 100);
    assert.deepEqual(lrs.slice(10), Array(90).fill(1));
  });
  test("bad recipes are refused with a reason", () => {
    assert.throws(() => recipeSchedule({ steps: 100, warmup: 0, shape: "step", floor: 0, lr: 1 }), /step decay multiplies the rate, so it never reaches 0/);
    assert.throws(() => recipeSchedule({ steps: 100, warmup: 99, shape: "cosine", floor: 0, lr: 1 }), /must leave at least 2 of the run's 100 steps/);
    assert.throws(() => recipeSchedule({ steps: 100, warmup: 10, shape: "cosine", floor: 1.5, lr: 1 }), /floor must be between 0 and 1/);
  });
});

describe("schedule-surface", () => {
  const warmCos = { name: "sequentiallr", options: { schedulers: [{ name: "linearlr", options: { start_factor: 0.1, total_iters: 10 } }, { name: "cosineannealinglr", options: { T_max: 49 } }], milestones: [10] } };
  const oneCycle = { name: "onecyclelr", options: { max_lr: 0.05, total_steps: 60 } };
  const lanes: ScheduledChoice[] = [
    { key: "constant", label: "constant", def: sgd, options: { lr: 0.002, momentum: 0.9 } },
    { key: "warm", label: "warm-up + cosine", def: sgd, options: { lr: 0.002, momentum: 0.9 }, schedule: warmCos },
    { key: "cycle", label: "one-cycle", def: sgd, options: { lr: 0.002, momentum: 0.9 }, schedule: oneCycle },
  ];
  test("every lane records the rate (and momentum) each step used: the schedule's own sequence", async () => {
    const before = tf.memory().numTensors;
    const s = await last(scheduleSurface({ surface: "ill-conditioned", steps: 60, lanes }, { signal }));
    assert.equal(s.done, true);
    assert.deepEqual(s.lanes.map((l) => l.status), ["done", "done", "done"]);
    for (const [i, l] of s.lanes.entries()) {
      assert.equal(l.points.length, 60);
      assert.deepEqual(l.points.map((p) => p.lr), valuesOf(lanes[i].schedule ?? null, 0.002, 60, 0.9).lrs, `${l.label}'s rates`);
    }
    assert.deepEqual(s.lanes[2].points.map((p) => p.momentum), valuesOf(oneCycle, 0.002, 60, 0.9).momenta, "one-cycle's momentum");
    assert.deepEqual(s.lanes[0].points.map((p) => p.momentum), Array(60).fill(0.9));
    assert.equal(s.lanes[0].points[0].loss, s.lanes[1].points[0].loss, "same start");
    assert.equal(tf.memory().numTensors, before, "every tensor released");
  });
  test("a change after step k: setOptions keeps Adam's m and v; reset starts again with a sign step of size lr", async () => {
    const change = { step: 30, options: { lr: 0.05 } };
    const s = await last(scheduleSurface({ surface: "ill-conditioned", steps: 40, lanes: [
      { key: "kept", label: "kept", def: adam, options: { lr: 0.1 }, changes: [change] },
      { key: "reset", label: "reset", def: adam, options: { lr: 0.1 }, changes: [{ ...change, reset: true }] },
    ] }, { signal }));
    const [kept, reset] = s.lanes.map((l) => l.points);
    assert.equal(kept[30].lr, 0.05, "step 31 uses the new rate");
    assert.equal(kept[29].lr, 0.1);
    assert.deepEqual(kept.slice(0, 30), reset.slice(0, 30), "identical up to the change");
    // A fresh Adam's first step is lr·g/|g| (ε aside) in every coordinate.
    assert.ok(Math.abs(Math.abs(reset[30].x! - reset[29].x!) - 0.05) < 1e-5, `reset x moved ${Math.abs(reset[30].x! - reset[29].x!)}`);
    assert.ok(Math.abs(Math.abs(reset[30].y! - reset[29].y!) - 0.05) < 1e-5);
    // y has been oscillating about 0 since step ~15: its m̂ has averaged gradients of both signs, so |m̂/√v̂| < 1.
    assert.ok(Math.abs(kept[30].y! - kept[29].y!) < 0.04, `kept state: not a sign step (|Δy| = ${Math.abs(kept[30].y! - kept[29].y!)})`);
  });
  test("the reader's live change (run controls) reaches every lane from the next step and is recorded where it took effect", async () => {
    let calls = 0;
    const control = { paused: false, turn: async () => {}, next: async () => {}, changes: () => (++calls === 10 ? [{ lane: "*", options: { lr: 0.02 } }] : []) };
    const s = await last(scheduleSurface({ surface: "ill-conditioned", steps: 20, lanes: [
      { key: "constant", label: "constant", def: sgd, options: { lr: 0.05 } },
      { key: "step", label: "StepLR", def: sgd, options: { lr: 0.05 }, schedule: { name: "steplr", options: { step_size: 5, gamma: 0.5 } } },
    ] }, { signal, control }));
    const [constant, step] = s.lanes;
    assert.deepEqual(constant.changes, [{ step: 11, options: { lr: 0.02 } }]);
    assert.deepEqual(step.changes, [{ step: 11, options: { lr: 0.02 } }]);
    assert.equal(constant.points[9].lr, 0.05, "step 10 at the old rate");
    assert.equal(constant.points[10].lr, 0.02, "step 11 at the new one");
    // StepLR is recursive, as torch's: it goes on from the rate set by hand (halved at step 16).
    assert.equal(step.points[10].lr, 0.02);
    assert.equal(step.points[15].lr, 0.01);
  });
  test("a schedule with bad options makes its lane invalid, with torch's message; the others run", async () => {
    const s = await last(scheduleSurface({ surface: "rosenbrock", steps: 5, lanes: [lanes[0], { ...lanes[1], schedule: { name: "steplr", options: {} } }] }, { signal }));
    assert.equal(s.lanes[0].status, "done");
    assert.equal(s.lanes[1].status, "invalid");
    assert.match(s.lanes[1].error!, /StepLR.__init__\(\) missing 1 required positional argument: 'step_size'/);
  });
});

/** n random 4×4 "images" (no pixel 0) whose label (0–2) follows a rule, so there is something to learn. */
const toy = (n: number, seed = 1) => threeClassToy(n, seed, { lowest: 1 });

describe("schedule-mnist", () => {
  const setup = { sizes: [16, 8, 3], init: "torch-default" as const, initSeed: 3, data: { dataset: toy(200), batchSize: 20, seed: 1, normalize: { scale: 255, mean: 0.5, std: 0.3 } }, steps: 30 };
  test("same weights and batches in every lane; rates are the schedule's; Adam's first step moves every weight by lr", async () => {
    const before = tf.memory().numTensors;
    const warm = recipeSchedule({ steps: 30, warmup: 10, shape: "cosine", floor: 0.1, lr: 0.01 });
    const s = await last(scheduleMnist({ ...setup, measureSteps: true, lanes: [
      { key: "c", label: "constant", def: adam, options: { lr: 0.01 } },
      { key: "w", label: "warm-up", def: adam, options: { lr: 0.01 }, schedule: warm },
    ] }, { signal }));
    const [c, w] = s.lanes.map((l) => l.points);
    assert.deepEqual(s.lanes.map((l) => l.status), ["done", "done"]);
    assert.equal(c[0].loss, w[0].loss, "step 1 sees the same weights and batch");
    assert.deepEqual(w.map((p) => p.lr), valuesOf(warm, 0.01, 30).lrs);
    // m̂₁/√v̂₁ = g/|g|: with v̂ from a single gradient, Adam's first step is ±lr for every weight (ε = 1e-8 aside).
    assert.ok(Math.abs(c[0].stepMedian! / 0.01 - 1) < 1e-3, `median |Δθ|/lr at step 1 = ${c[0].stepMedian! / 0.01}`);
    assert.ok(Math.abs(w[0].stepMedian! / w[0].lr - 1) < 1e-3);
    assert.ok(c[29].stepMedian! / 0.01 < 0.9, `by step 30 the steps are smaller than lr: ${c[29].stepMedian! / 0.01}`);
    assert.equal(tf.memory().numTensors, before, "every tensor released");
  });
  test("an abort stops every lane and releases its tensors", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let s: ScheduleSnapshot | undefined;
    for await (const x of scheduleMnist({ ...setup, steps: 10_000, lanes: [{ key: "c", label: "c", def: sgd, options: { lr: 0.1 } }] }, { signal: controller.signal })) {
      s = x;
      if (x.lanes[0].points.length > 0) controller.abort();
    }
    assert.equal(s!.lanes[0].status, "stopped");
    assert.ok(s!.lanes[0].points.length < 10_000);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("exampleSchedules(steps, lr)", () => {
  test("every schedule of the registry, each valid, its rates positive and at most lr", () => {
    const examples = exampleSchedules(200, 0.1);
    assert.deepEqual(examples.map((e) => e.spec.name).sort(), Object.keys(schedules).sort());
    for (const e of examples) {
      const { lrs } = valuesOf(e.spec, 0.1, 200, 0.9);
      assert.equal(lrs.length, 200);
      assert.ok(lrs.every((r) => r > 0 && r <= 0.1 + 1e-12), `${e.label}: ${Math.min(...lrs)} … ${Math.max(...lrs)}`);
      assert.match(e.call, new RegExp(`^${e.label}\\(opt`));
    }
  });
});

describe("tailMeans(lanes, {key, n})", () => {
  test("the mean of each lane's last n values, two significant figures, empty lanes left out", () => {
    const lanes = [
      { label: "a", points: [{ loss: 9 }, { loss: 0.2 }, { loss: 0.3 }] },
      { label: "b", points: [{ loss: 2e-6 }, { loss: 4e-6 }] },
      { label: "c", points: [] },
    ];
    assert.equal(tailMeans(lanes, { n: 2 }), "a 0.25 · b 3.0e-6");
  });
});

describe("schedule-mnist runs share one queue", () => {
  test("a run with a lower priority number, started later, trains first; the other waits and then finishes", async () => {
    const setup = { sizes: [16, 8, 3], init: "torch-default" as const, initSeed: 3, data: { dataset: toy(200), batchSize: 20, seed: 1, normalize: { scale: 255, mean: 0.5, std: 0.3 } }, steps: 15 };
    const lane = (key: string) => [{ key, label: key, def: sgd, options: { lr: 0.1 } }];
    const finished: string[] = [];
    const statuses: string[] = [];
    const drain = async (name: string, it: AsyncIterable<ScheduleSnapshot>) => {
      for await (const s of it) if (name === "late" && s.lanes[0].points.length === 0) statuses.push(s.lanes[0].status);
      finished.push(name);
    };
    const early = drain("early", scheduleMnist({ ...setup, priority: 1, lanes: lane("early") }, { signal }));
    const late = drain("late", scheduleMnist({ ...setup, priority: 0, lanes: lane("late") }, { signal }));
    await Promise.all([early, late]);
    assert.deepEqual(finished, ["late", "early"]);
    assert.equal(statuses[0], "waiting", "a run reports itself waiting before its turn");
  });
});
