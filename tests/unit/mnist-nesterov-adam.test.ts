/**
 * The Nesterov-and-Adam page's experiment (lib/experiments/mnist-nesterov-adam.ts) as its worker runs it: both
 * files fetched by URL once (the test set only after the first step, training meanwhile), each lane's points the race's evaluations (the same numbers as trainingRace on the
 * same data), a diverging lane stopped with "diverged at step k" while the others go on, cancellation within a
 * step, every tensor freed.
 */
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Dataset } from "../../lib/data/dataset.js";
import { nesterovAdamChoices, nesterovAdamRace, nesterovAdamSpec, type NesterovAdamSettings, type NesterovAdamSnapshot } from "../../lib/experiments/mnist-nesterov-adam.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { nesterovNote, rankingNote } from "../../lib/experiments/mnist-report.js";
import { trainingRace, type RaceSnapshot } from "../../lib/train/race.js";
import { last, signal } from "../helpers/experiments.js";
import { serveDatasets, twoClassToy } from "../helpers/toy-data.js";

await tf.setBackend("cpu");

const files: Record<string, Dataset> = { "/train.bin": twoClassToy(96, 5), "/test.bin": twoClassToy(40, 6), "/held-test.bin": twoClassToy(40, 6) };
/** /held-test.bin is answered only when a test calls `release` (a slow download); whether the first step came first. */
const held = { release: () => {}, afterFirstStep: [] as boolean[] };
const server = serveDatasets((path) => files[path], {
  answer: (path, send) => {
    if (path !== "/held-test.bin") return send();
    held.afterFirstStep.push(performance.getEntriesByName("descent:first-step").length > 0);
    held.release = send;
  },
});
const requests = server.requests;

const settings = (extra: Partial<NesterovAdamSettings> = {}): NesterovAdamSettings => ({
  seed: 3, epochs: 2, batchSize: 16, every: 32, full: false,
  files: { subset: `${server.base}/train.bin`, train: `${server.base}/train.bin`, test: `${server.base}/test.bin` },
  normalize: { scale: 255, mean: 0, std: 1 },
  rates: { sgd: 0.05, momentumLr: 0.05, momentum: 0.9, adam: 1e-2 }, ...extra,
});
const spec = (s = settings()) => ({ ...nesterovAdamSpec(nesterovAdamChoices({ sgd, adam }, s.rates), s), sizes: [16, 8, 2] });

describe("mnist-nesterov-adam", () => {
  it("each lane's points are its evaluations, at the start, every `every` samples and at the end, as trainingRace scores them", async () => {
    const before = tf.memory().numTensors;
    const s = await last(nesterovAdamRace(spec(), { signal }));
    assert.equal(tf.memory().numTensors, before, "every tensor freed");
    assert.ok(s.done);
    assert.deepEqual(s.lanes.map((l) => l.key), ["sgd", "momentum", "nesterov", "adam"]);
    // 96 images in batches of 16: 6 steps an epoch, 12 in all; 192 samples, scored at 0, 32, 64, …, 192.
    for (const l of s.lanes) {
      assert.equal(l.status, "done");
      assert.equal(l.step, 12);
      assert.deepEqual(l.points.map((p) => p.samplesSeen), [0, 32, 64, 96, 128, 160, 192]);
      assert.deepEqual(l.points.map((p) => p.epoch), [0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2]);
      for (const p of l.points) for (const k of ["trainLoss", "testLoss", "trainAcc", "testAcc"]) assert.ok(Number.isFinite(p[k]), `${l.key} ${k} at ${p.samplesSeen}`);
      assert.ok(l.evalImages === 7 * (96 + 40), `${l.key} scored ${l.evalImages} images`);
    }
    const sp = spec();
    let direct: RaceSnapshot | undefined;
    for await (const d of trainingRace({ ...sp, data: { ...sp.data, dataset: files["/train.bin"] }, evaluation: { train: files["/train.bin"], test: files["/test.bin"], every: 32 }, lanes: sp.choices })) direct = d;
    assert.deepEqual(s.lanes.map((l) => l.points.map(({ epoch: _e, ...e }) => e)), direct!.lanes.map((l) => l.evals));
    assert.deepEqual(s.lanes[2].spec, { optimizer: "sgd", options: { lr: 0.05, momentum: 0.9, nesterov: true } });
    assert.equal(s.loading, null);
    assert.equal(requests["/train.bin"], 1);
    assert.equal(requests["/test.bin"], 1);
    await last(nesterovAdamRace(spec(), { signal }));
    assert.equal(requests["/train.bin"] + requests["/test.bin"], 2, "a rerun uses the worker's copies");
  });

  it("a diverging lane stops with \"diverged at step k\", keeps its evaluations so far, and the others finish", async () => {
    const before = tf.memory().numTensors;
    const s = await last(nesterovAdamRace(spec(settings({ rates: { sgd: 1e12, momentumLr: 0.05, momentum: 0.9, adam: 1e-2 } })), { signal }));
    assert.equal(tf.memory().numTensors, before);
    const bad = s.lanes[0];
    assert.equal(bad.status, "diverged");
    assert.match(bad.error!, /^diverged at step \d+/);
    assert.equal(Number(/step (\d+)/.exec(bad.error!)![1]), bad.divergedAt);
    assert.ok(bad.points.length >= 1 && bad.points.every((p) => p.step < bad.divergedAt!), "only finite evaluations before the divergence");
    assert.ok(s.lanes.slice(1).every((l) => l.status === "done" && l.step === 12));
    assert.ok(s.done);
  });

  it("an invalid option is refused with torch's words, the others run", async () => {
    const s = await last(nesterovAdamRace(spec(settings({ rates: { sgd: 0.05, momentumLr: 0.05, momentum: -0.5, adam: 1e-2 } })), { signal }));
    assert.deepEqual(s.lanes.map((l) => l.status), ["done", "invalid", "invalid", "done"]);
    assert.match(s.lanes[1].error!, /Invalid momentum value: -0.5/);
  });

  it("an abort stops within a step and frees every tensor", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let seen: NesterovAdamSnapshot | undefined;
    for await (const s of nesterovAdamRace({ ...spec(settings({ epochs: 200 })), reportEveryMs: 0 }, { signal: controller.signal })) {
      seen = s;
      if (s.lanes[0].step >= 2) controller.abort();
    }
    assert.ok(seen!.lanes[0].step <= 3, `stopped at step ${seen!.lanes[0].step}`);
    assert.equal(seen!.done, false);
    assert.equal(tf.memory().numTensors, before);
  });

  it("fetches the test set only after the first step and trains while it downloads; the evaluations are the same", async () => {
    const before = tf.memory().numTensors;
    performance.clearMarks("descent:first-step");
    const sp = spec(settings({ files: { ...settings().files, test: `${server.base}/held-test.bin` } }));
    let stepsWithoutTest = 0;
    let final: NesterovAdamSnapshot | undefined;
    const timeout = setTimeout(() => held.release(), 20_000); // without training meanwhile, the race would wait here
    for await (const s of nesterovAdamRace({ ...sp, reportEveryMs: 0 }, { signal })) {
      if (requests["/held-test.bin"] && s.step >= 8 && stepsWithoutTest === 0) {
        stepsWithoutTest = s.step;
        assert.ok(s.lanes.every((l) => l.points.length === 0), "no evaluation is shown before the test set is here");
        assert.equal(s.done, false);
        held.release();
      }
      final = structuredClone(s);
    }
    clearTimeout(timeout);
    assert.ok(stepsWithoutTest >= 8, `trained ${stepsWithoutTest} steps while the test set was downloading`);
    assert.deepEqual(held.afterFirstStep, [true], "requested once, after the first training step");
    assert.equal(tf.memory().numTensors, before, "every copy of the weights freed");
    assert.ok(final!.done);
    const direct = await last(nesterovAdamRace(spec(), { signal }));
    assert.deepEqual(final!.lanes.map((l) => l.points), direct.lanes.map((l) => l.points), "the same evaluations as with the test set at hand");
    assert.deepEqual(final!.lanes.map((l) => l.points.map((p) => p.samplesSeen)), direct.lanes.map(() => [0, 32, 64, 96, 128, 160, 192]));
  });

  it("a test set that cannot be downloaded ends the run with its name and the reason, and frees every tensor", async () => {
    const before = tf.memory().numTensors;
    const sp = spec(settings({ files: { ...settings().files, test: `${server.base}/missing.bin` } }));
    await assert.rejects(last(nesterovAdamRace(sp, { signal })), /^Error: mnist-test\.bin: HTTP 404 Not Found$/);
    assert.equal(tf.memory().numTensors, before);
  });

  it("an abort while evaluations wait for the test set frees their copies of the weights", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const sp = spec(settings({ epochs: 200, files: { ...settings().files, test: `${server.base}/held-test.bin?abort` } }));
    const timeout = setTimeout(() => held.release(), 20_000);
    for await (const s of nesterovAdamRace({ ...sp, reportEveryMs: 0 }, { signal: controller.signal })) {
      if (s.step >= 40) controller.abort();
    }
    clearTimeout(timeout);
    held.release();
    assert.equal(requests["/held-test.bin?abort"], 1);
    assert.equal(tf.memory().numTensors, before);
  });

  it("the full run names the full training set and trains 2 epochs, as the notebook", () => {
    const s = nesterovAdamSpec([], settings({ full: true, epochs: 7 }));
    assert.equal(s.epochs, 2);
    assert.equal(s.data.source.name, "mnist-train.bin");
    assert.equal(nesterovAdamSpec([], settings()).epochs, 2);
  });
});

describe("the page's sentences about the race", () => {
  const lane = (key: string, accs: number[]) => ({ key, label: key, status: "done", points: accs.map((testAcc, i) => ({ samplesSeen: i * 100, testAcc })) });
  it("says momentum lies under Nesterov when their curves are within a point, and that they part otherwise", () => {
    assert.match(nesterovNote([lane("momentum", [0.1, 0.5, 0.8]), lane("nesterov", [0.1, 0.502, 0.797])])!, /^Where you see Nesterov you are also seeing momentum: .* never more than 0\.30 percentage points apart over these 3 evaluations/);
    assert.match(nesterovNote([lane("momentum", [0.1, 0.5]), lane("nesterov", [0.1, 0.6])])!, /part visibly here: .* up to 10\.00 percentage points/);
    assert.equal(nesterovNote([lane("momentum", [0.1])]), null);
  });
  it("ranks the finished runs by their last test accuracy", () => {
    assert.equal(rankingNote({ done: false, lanes: [] }), null);
    assert.equal(rankingNote({ done: true, lanes: [lane("sgd", [0.1, 0.3]), lane("adam", [0.1, 0.9])] }), "After the last step, by test accuracy: adam 90.0%, sgd 30.0%.");
  });
});
