/**
 * The example page's and the author template's experiment (lib/experiments/classifier-race.ts): its lanes are
 * trainingRace's (same points, evaluations and option changes), its progress their sums, and an invalid lane
 * says the optimizer's words while the other trains.
 */
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { classifierRace, type ClassifierLane, type ClassifierRaceSnapshot, type ClassifierRaceSpec } from "../../lib/experiments/classifier-race.js";
import { experiments } from "../../lib/experiments/registry.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { trainingRace, type RaceSnapshot } from "../../lib/train/race.js";
import { last, signal } from "../helpers/experiments.js";
import { threeClassToy } from "../helpers/toy-data.js";

await tf.setBackend("cpu");

const dataset = threeClassToy(64, 2);
const spec = (choices: ClassifierRaceSpec["choices"]): ClassifierRaceSpec => ({
  sizes: [16, 8, 3],
  init: "torch-default",
  initSeed: 1,
  data: { dataset, batchSize: 16, seed: 1, normalize: { scale: 255, mean: 0.5, std: 0.3 } },
  steps: 6,
  evaluation: { train: dataset, every: 32 },
  choices,
});

describe("classifier-race", () => {
  test("is registered; its lanes are trainingRace's, its step and totalSteps their sums", async () => {
    assert.equal(experiments["classifier-race"], classifierRace);
    const choices = [
      { key: "momentum", label: "SGD with momentum", def: sgd, options: { lr: 0.05, momentum: 0.9 } },
      { key: "adam", label: "Adam", def: adam, options: { lr: 1e-2 } },
    ];
    const before = tf.memory().numTensors;
    const s = (await last(classifierRace(spec(choices), { signal }))) as ClassifierRaceSnapshot;
    assert.equal(tf.memory().numTensors, before, "every tensor freed");
    let direct: RaceSnapshot | undefined;
    const { choices: _c, ...setup } = spec(choices);
    for await (const d of trainingRace({ ...setup, lanes: choices })) direct = d;
    assert.ok(s.done);
    assert.equal(s.step, 12);
    assert.equal(s.totalSteps, 12);
    assert.deepEqual(s.meta, { queued: false });
    const lanes: ClassifierLane[] = s.lanes;
    assert.deepEqual(lanes.map((l) => [l.key, l.status, l.error, l.totalSteps]), [["momentum", "done", null, 6], ["adam", "done", null, 6]]);
    assert.deepEqual(lanes.map((l) => l.points), direct!.lanes.map((l) => l.points));
    assert.deepEqual(lanes.map((l) => l.evals), direct!.lanes.map((l) => l.evals));
    assert.deepEqual(lanes[0].evals.map((e) => e.samplesSeen), [0, 32, 64, 96]);
  });

  test("an invalid lane reports the optimizer's words and takes no step; the other trains", async () => {
    const s = await last(classifierRace(spec([
      { key: "bad", label: "bad", def: sgd, options: { lr: -1 } },
      { key: "adam", label: "Adam", def: adam, options: { lr: 1e-2 } },
    ]), { signal }));
    assert.ok(s.done);
    assert.equal(s.lanes[0].status, "invalid");
    assert.match(s.lanes[0].error!, /Invalid learning rate: -1/);
    assert.deepEqual(s.lanes[0].points, []);
    assert.equal(s.lanes[1].status, "done");
    assert.equal(s.step, 6);
  });
});
