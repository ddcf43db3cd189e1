// The library parts of the MNIST pages (src/mnist-from-scratch.md, src/mnist-nesterov-adam.md): the fair race
// (same initial weights, same batches), its queue, smoothing, and the time estimate.
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { movingAverage, smoothRows } from "../../lib/charts/smoothing.js";
import { epochBatches } from "../../lib/data/index.js";
import { crossEntropy } from "../../lib/models/losses.js";
import { disposeModel, forward, mlp } from "../../lib/models/mlp.js";
import { adagrad, adam, rmsprop, sgd } from "../../lib/optimizers/index.js";
import { DivergedError } from "../../lib/train/diverged.js";
import type { ClassifierChoice } from "../../lib/experiments/choices.js";
import {
  formatDuration,
  plannedSteps,
  RunQueue,
  stepsPerSecond,
  timeEstimate,
  trainingRace,
  type RaceSnapshot,
  type TrainingRaceOptions,
} from "../../lib/train/race.js";
import { threeClassToy } from "../helpers/toy-data.js";

/** n random 4×4 uint8 "images" whose label (0–2) follows a fixed rule, so there is something to learn. */
const toy = threeClassToy;

const ds = toy(90);
const base = (lanes: ClassifierChoice[], extra: Partial<TrainingRaceOptions> = {}): TrainingRaceOptions => ({
  sizes: [16, 8, 3],
  init: "kaiming-normal",
  initSeed: 7,
  data: { dataset: ds, batchSize: 16, seed: 3, normalize: { scale: 255, mean: 0.5, std: 0.3 } },
  epochs: 2,
  lanes,
  reportEveryMs: 0,
  ...extra,
});
const lane = (key: string, def: ClassifierChoice["def"], options: Record<string, unknown>, more: Partial<ClassifierChoice> = {}): ClassifierChoice => ({ key, label: key, def, options, ...more });

async function last(run: AsyncGenerator<RaceSnapshot>): Promise<{ final: RaceSnapshot; count: number }> {
  let final: RaceSnapshot | undefined;
  let count = 0;
  for await (const s of run) {
    final = s;
    count++;
  }
  return { final: final!, count };
}

describe("trainingRace: a fair race", () => {
  it("every lane starts from the same weights and sees the same batches (lr 0 replays the initial loss on each batch)", async () => {
    const before = tf.memory().numTensors;
    const { final } = await last(trainingRace(base([lane("a", sgd, { lr: 0 }), lane("b", sgd, { lr: 0, momentum: 0.9 }), lane("c", adam, { lr: 0 })])));
    // The losses the initial model gives each batch, in the order epochBatches produces them for the data seed.
    const m = mlp({ sizes: [16, 8, 3], init: "kaiming-normal", seed: 7 });
    const expected: number[] = [];
    for (let e = 0; e < 2; e++) {
      for (const b of epochBatches(ds, { batchSize: 16, seed: 3, normalize: { scale: 255, mean: 0.5, std: 0.3 } }, e)) {
        expected.push(tf.tidy(() => crossEntropy(forward(m, tf.tensor2d(b.x, [b.size, b.features])), tf.tensor1d(b.y, "int32")).dataSync()[0]));
      }
    }
    disposeModel(m);
    assert.equal(expected.length, 12); // ⌈90/16⌉ = 6 batches × 2 epochs
    for (const l of final.lanes) {
      assert.equal(l.status, "done");
      assert.equal(l.totalSteps, 12);
      assert.equal(l.step, 12);
      assert.equal(l.samplesSeen, 180);
      l.points.forEach((p, i) => assert.ok(Math.abs(p.loss - expected[i]) < 1e-6, `${l.key} step ${p.step}: ${p.loss} vs ${expected[i]}`));
    }
    assert.equal(tf.memory().numTensors, before, "the race frees every tensor it made");
  });

  it("two lanes with the same optimizer follow the same trajectory; different optimizers share only step 1's loss", async () => {
    const { final } = await last(trainingRace(base([lane("adam", adam, { lr: 1e-2 }), lane("adam again", adam, { lr: 1e-2 }), lane("rmsprop", rmsprop, { lr: 1e-2 })])));
    const [a, b, c] = final.lanes.map((l) => l.points.map((p) => p.loss));
    assert.deepEqual(a, b);
    assert.equal(a[0], c[0], "same weights and first batch: same first loss");
    assert.notDeepEqual(a, c);
    assert.ok(a.at(-1)! < a[0], "Adam learns the toy rule");
  });

  it("another init seed or data seed changes the run", async () => {
    const run = async (extra: Partial<TrainingRaceOptions>) => (await last(trainingRace(base([lane("sgd", sgd, { lr: 0.1 })], extra)))).final.lanes[0].points.map((p) => p.loss);
    const ref = await run({});
    assert.notEqual((await run({ initSeed: 8 }))[0], ref[0]);
    const otherData = await run({ data: { ...base([]).data, seed: 4 } });
    assert.notDeepEqual(otherData, ref);
  });

  it("interleaved and sequential orders give the same results", async () => {
    const lanes = [lane("sgd", sgd, { lr: 0.1, momentum: 0.9 }), lane("adagrad", adagrad, { lr: 0.05 })];
    const inter = (await last(trainingRace(base(lanes, { order: "interleaved" })))).final;
    const seq = (await last(trainingRace(base(lanes, { order: "sequential" })))).final;
    assert.deepEqual(
      inter.lanes.map((l) => l.points),
      seq.lanes.map((l) => l.points),
    );
  });

  it("accumulation: correct and broken take ⌈batches/k⌉ steps per epoch over the same samples", async () => {
    const { final } = await last(
      trainingRace(
        base([
          lane("correct", adam, { lr: 1e-2 }, { accumulation: 4, accumulate: "correct" }),
          lane("broken", adam, { lr: 1e-2 }, { accumulation: 4, accumulate: "broken" }),
        ]),
      ),
    );
    for (const l of final.lanes) {
      assert.equal(l.totalSteps, 4); // 6 batches → groups of 4 + 2, two epochs
      assert.equal(l.step, 4);
      assert.equal(l.samplesSeen, 180);
    }
    assert.equal(final.lanes[0].points[0].loss, final.lanes[1].points[0].loss, "the first step's loss is measured before any update");
    assert.notDeepEqual(final.lanes[0].points, final.lanes[1].points);
  });

  it("an invalid lane and a diverging lane stop with their errors; the others finish", async () => {
    const before = tf.memory().numTensors;
    const { final } = await last(trainingRace(base([lane("bad", sgd, { lr: -1 }), lane("boom", sgd, { lr: 1e30 }), lane("ok", sgd, { lr: 0.1 })], { epochs: 3 })));
    const [bad, boom, ok] = final.lanes;
    assert.equal(bad.status, "invalid");
    assert.match(bad.error!.message, /Invalid learning rate: -1/);
    assert.equal(boom.status, "diverged");
    assert.ok(boom.error instanceof DivergedError);
    assert.match(boom.error!.message, /^diverged at step \d+ \(loss = /);
    assert.equal(ok.status, "done");
    assert.ok(final.done);
    assert.equal(tf.memory().numTensors, before);
  });

  it("aborting stops every lane within a step and frees every tensor", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let snaps = 0;
    for await (const s of trainingRace(base([lane("a", sgd, { lr: 0.1 }), lane("b", adam, { lr: 1e-3 })], { epochs: 50, signal: controller.signal }))) {
      snaps++;
      if (s.lanes[0].step >= 3) controller.abort();
    }
    assert.ok(snaps >= 2);
    assert.equal(tf.memory().numTensors, before);
  });

  it("evaluation: at step 0, every `every` samples and at the end", async () => {
    const test = toy(30, 9);
    const { final } = await last(trainingRace(base([lane("adam", adam, { lr: 1e-2 })], { epochs: 3, evaluation: { train: ds, test, every: 100 } })));
    const evals = final.lanes[0].evals;
    assert.deepEqual(
      evals.map((e) => e.samplesSeen),
      [0, 106, 212, 270],
    );
    for (const e of evals) {
      assert.ok(e.trainAcc >= 0 && e.trainAcc <= 1 && e.testAcc >= 0 && e.testAcc <= 1);
      assert.ok(e.trainLoss > 0 && e.testLoss > 0);
    }
    assert.ok(evals.at(-1)!.trainLoss < evals[0].trainLoss);
  });
});

describe("RunQueue", () => {
  it("grants one run at a time, lowest priority number first, then in order of arrival", async () => {
    const q = new RunQueue();
    const first = (await q.acquire(5))!;
    const order: string[] = [];
    const waits = [
      q.acquire(3).then((t) => (order.push("p3"), t)),
      q.acquire(1).then((t) => (order.push("p1a"), t)),
      q.acquire(1).then((t) => (order.push("p1b"), t)),
    ];
    assert.equal(q.waiting, 3);
    assert.ok(first.preempted(), "a lower number is waiting");
    first.release();
    const a = (await waits[1])!;
    assert.deepEqual(order, ["p1a"]);
    assert.equal(a.preempted(), false, "p1b has the same number: no preemption");
    a.release();
    (await waits[2])!.release();
    assert.deepEqual(order, ["p1a", "p1b"]);
    const t3 = (await waits[0])!;
    assert.deepEqual(order, ["p1a", "p1b", "p3"]);
    assert.equal(t3.preempted(), false);
    t3.release();
    assert.equal(q.busy, false);
  });

  it("an aborted wait leaves the queue with null", async () => {
    const q = new RunQueue();
    const holder = (await q.acquire(0))!;
    const c = new AbortController();
    const waiting = q.acquire(1, c.signal);
    c.abort();
    assert.equal(await waiting, null);
    assert.equal(q.waiting, 0);
    holder.release();
    assert.equal(q.busy, false);
  });

  it("a preempted race hands over after a step and resumes later with the same results", async () => {
    const q = new RunQueue();
    const events: string[] = [];
    let aStep = 0;
    const runA = (async () => {
      for await (const s of trainingRace(base([lane("a", sgd, { lr: 0.1 })], { queue: q, priority: 5, epochs: 4 }))) {
        if (!s.queued && s.lanes[0].step === 2 && !events.includes("b-start")) {
          events.push("a-2");
          // A lower-numbered race arrives while A runs.
          void (async () => {
            events.push("b-start");
            const { final } = await last(trainingRace(base([lane("b", sgd, { lr: 0.1 })], { queue: q, priority: 1, epochs: 1 })));
            events.push(`b-done@a${aStep}`);
            return final;
          })();
        }
        aStep = s.lanes[0].step;
      }
      events.push(`a-done`);
    })();
    await runA;
    const bDone = events.find((e) => e.startsWith("b-done"));
    assert.ok(bDone, events.join(", "));
    assert.ok(Number(bDone!.split("@a")[1]) < 24, `B finished while A was paused: ${events.join(", ")}`);
    assert.equal(q.busy, false);
  });
});

describe("smoothing and time estimates", () => {
  it("movingAverage is numpy's convolve(x, ones(w), 'valid') / w", () => {
    assert.deepEqual(movingAverage([1, 2, 3, 4, 5], 5), [3]);
    assert.deepEqual(movingAverage([1, 2, 3, 4, 5, 6], 3), [2, 3, 4, 5]);
    assert.deepEqual(movingAverage([4, 2], 1), [4, 2]);
    assert.deepEqual(movingAverage([4, 2], 3), []);
    const x = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 10 + i);
    const fast = movingAverage(x, 7);
    fast.forEach((v, i) => assert.ok(Math.abs(v - x.slice(i, i + 7).reduce((a, b) => a + b) / 7) < 1e-9));
  });

  it("smoothRows places each mean at the last step of its window", () => {
    const rows = [1, 2, 3, 4].map((loss, i) => ({ step: i + 1, loss, label: "x" }));
    assert.deepEqual(smoothRows(rows, 2), [
      { step: 2, loss: 1.5, label: "x" },
      { step: 3, loss: 2.5, label: "x" },
      { step: 4, loss: 3.5, label: "x" },
    ]);
    assert.deepEqual(smoothRows(rows, 1), rows);
  });

  it("plannedSteps counts ⌈batches/k⌉ per epoch, capped by steps", () => {
    assert.equal(plannedSteps({ count: 6000, batchSize: 128, epochs: 1 }), 47);
    assert.equal(plannedSteps({ count: 60000, batchSize: 128, epochs: 5 }), 2345);
    assert.equal(plannedSteps({ count: 6000, batchSize: 128, epochs: 1, accumulation: 4 }), 12);
    assert.equal(plannedSteps({ count: 6000, batchSize: 128, epochs: 3, steps: 10 }), 10);
    assert.throws(() => plannedSteps({ count: 10, batchSize: 2 }), /epochs or steps/);
  });

  it("timeEstimate extrapolates the measured rate; stepsPerSecond pools lanes", () => {
    const t = timeEstimate({ done: 50, total: 2345, elapsedMs: 2000 });
    assert.equal(t.stepsPerSecond, 25);
    assert.equal(t.totalMs, 93_800);
    assert.equal(t.remainingMs, 91_800);
    assert.ok(Number.isNaN(timeEstimate({ done: 0, total: 10, elapsedMs: 0 }).remainingMs));
    assert.equal(stepsPerSecond([{ step: 30, elapsedMs: 1000 }, { step: 10, elapsedMs: 1000 }]), 20);
    assert.ok(Number.isNaN(stepsPerSecond([])));
  });

  it("formatDuration", () => {
    assert.equal(formatDuration(44_600), "45 s");
    assert.equal(formatDuration(185_000), "3 min 05 s");
    assert.equal(formatDuration(3_720_000), "1 h 02 min");
    assert.equal(formatDuration(NaN), "—");
  });
});
