/**
 * The MNIST page's experiment (lib/experiments/mnist-from-scratch.ts) as its worker runs it: the dataset
 * fetched by URL once, the same numbers as lib/train/race.ts's trainingRace on the same data (what the page
 * ran on the main thread before), the shared queue's page order, cancellation within a step, every tensor
 * freed; and the page's shared-run pump and sentences.
 */
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stratifiedSubset } from "../../lib/data/dataset.js";
import { accumulationChoices, mnistPytorchRun, mnistRace, mnistRaceSpec, type MnistRaceSnapshot, type MnistPageSettings } from "../../lib/experiments/mnist-from-scratch.js";
import { accumulationNote, firstLossNote, lastLossesNote, sixNote } from "../../lib/experiments/mnist-report.js";
import { shareRun } from "../../lib/experiments/share.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { trainingRace } from "../../lib/train/race.js";
import { Controls } from "../../lib/experiments/host.js";
import { last, signal } from "../helpers/experiments.js";
import { serveDatasets, twoClassToy } from "../helpers/toy-data.js";

await tf.setBackend("cpu");

/** 200 random 4×4 "images" in 2 classes (100 each) with a learnable rule, whatever file is asked for. */
const data = twoClassToy(200, 5);
const server = serveDatasets(() => data);

const settings = (extra: Partial<MnistPageSettings> = {}): MnistPageSettings => ({
  seed: 3, epochs: 1, batchSize: 16, perClass: 40, full: false, augment: false,
  files: { subset: `${server.base}/toy.bin`, full: `${server.base}/toy-full.bin` }, normalization: { scale: 255, mean: 0.5, std: 0.3 }, ...extra,
});
const spec = (choices: Parameters<typeof mnistRaceSpec>[0], priority = 1, extra: Partial<MnistPageSettings> = {}) => ({ ...mnistRaceSpec(choices, priority, settings(extra)), sizes: [16, 8, 2] });


describe("mnist-race", () => {
  it("trains on the fetched subset exactly as trainingRace does on the same data, fetching the file once", async () => {
    const before = tf.memory().numTensors;
    const choices = [{ key: "sgd", label: "SGD", def: sgd, options: { lr: 0.05 } }, { key: "adam", label: "Adam", def: adam, options: { lr: 1e-2 } }];
    const s = await last(mnistRace(spec(choices), { signal }));
    const again = await last(mnistRace(spec(choices), { signal }));
    assert.equal(server.total(), 1, "the second run uses the worker's copy");
    assert.equal(tf.memory().numTensors, before);
    const s0 = spec(choices);
    let direct: { lanes: { points: unknown[] }[] } | undefined;
    for await (const d of trainingRace({ ...s0, queue: undefined, data: { ...s0.data, dataset: stratifiedSubset(data, 40) }, lanes: choices })) direct = d;
    assert.ok(s.done && s.lanes.every((l) => l.status === "done" && l.step === 5 && l.totalSteps === 5));
    assert.deepEqual(s.lanes.map((l) => l.points), direct!.lanes.map((l) => l.points));
    assert.deepEqual(again.lanes.map((l) => l.points), s.lanes.map((l) => l.points));
    assert.deepEqual(s.lanes[1].spec, { optimizer: "adam", options: { lr: 1e-2 } });
    assert.equal(s.loading, null);
  });

  it("an invalid lane reports the optimizer's words; accumulation lanes take ⌈batches/k⌉ steps", async () => {
    const s = await last(mnistRace(spec([{ key: "bad", label: "bad", def: sgd, options: { lr: -1 } }, ...accumulationChoices(adam, { lr: 1e-2 }, 16, 2)]), { signal }));
    assert.equal(s.lanes[0].status, "invalid");
    assert.match(s.lanes[0].error!, /Invalid learning rate: -1/);
    assert.deepEqual(s.lanes.slice(1).map((l) => [l.key, l.step, l.spec.accumulation ?? 1]), [["plain", 5, 1], ["correct", 3, 2], ["broken", 3, 2]]);
    assert.match(accumulationNote({ ...s, lanes: s.lanes.slice(1) }), /^Loss of the last step: batch 16, a step per batch: [\d.]+ after 5 steps; k = 2, fixed \(batch 32\): [\d.]+ after 3 steps/);
  });

  it("races on one queue train in page order: a later section waits for the first", async () => {
    const order: string[] = [];
    const go = async (key: string, priority: number) => {
      for await (const s of mnistRace(spec([{ key, label: key, def: sgd, options: { lr: 0.05 } }], priority, { epochs: 3 }), { signal })) if (s.done) order.push(key);
    };
    await Promise.all([go("later", 5), go("first", 1)]);
    assert.deepEqual(order, ["first", "later"]);
  });

  it("an abort stops within a step, frees every tensor, and leaves the queue free", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let last: MnistRaceSnapshot | undefined;
    for await (const s of mnistRace({ ...spec([{ key: "a", label: "a", def: adam, options: { lr: 1e-3 } }], 1, { epochs: 50 }), reportEveryMs: 0 }, { signal: controller.signal })) {
      last = s as MnistRaceSnapshot;
      if (last.lanes[0].step >= 2) controller.abort();
    }
    assert.ok(last!.lanes[0].step <= 3, `stopped at step ${last!.lanes[0].step}`);
    assert.equal(tf.memory().numTensors, before);
    const next = await last_(mnistRace(spec([{ key: "b", label: "b", def: sgd, options: { lr: 0.05 } }], 9), { signal }));
    assert.ok(next.done, "the next race gets the queue");
  });

  it("under the reader's controls: paused it waits, Step moves every lane exactly one step, and a live change applies to every lane from the next step with the steps before unchanged", async () => {
    const choices = [{ key: "a", label: "a", def: sgd, options: { lr: 0.05 } }, { key: "b", label: "b", def: adam, options: { lr: 1e-2 } }];
    const race = { ...spec(choices, 1, { epochs: 2 }), reportEveryMs: 0 };
    const plain = await last(mnistRace(race, { signal }));
    const controller = new AbortController();
    const control = new Controls(controller.signal);
    control.pause();
    const it = mnistRace(race, { signal: controller.signal, control })[Symbol.asyncIterator]();
    const steps = (s: MnistRaceSnapshot) => s.lanes.map((l) => l.step);
    const until = async (ok: (s: MnistRaceSnapshot) => boolean) => {
      for (;;) {
        const r = await it.next();
        if (r.done) throw new Error("the race ended first");
        if (ok(r.value)) return structuredClone(r.value);
      }
    };
    await until((s) => !s.queued && !s.loading);
    const quiet = await until(() => true); // a paused race repeats its snapshot (the heartbeat), and stays put
    assert.deepEqual(steps(quiet), [0, 0], "paused before its first step");
    control.step();
    await until((s) => steps(s).every((k) => k === 1));
    assert.deepEqual(steps(await until(() => true)), [1, 1], "one Step, one step of every lane, then it waits");
    control.set({ lane: "*", options: { lr: 0.2 } });
    control.play();
    let end: MnistRaceSnapshot | undefined;
    for (let r = await it.next(); !r.done; r = await it.next()) end = structuredClone(r.value);
    assert.ok(end!.done);
    for (const [i, l] of end!.lanes.entries()) {
      const before = plain.lanes[i].points;
      assert.deepEqual(l.changes, [{ step: 2, options: { lr: 0.2 } }], `${l.label}: changed from step 2`);
      // Step 2's loss is measured before its update, so it is the unchanged run's; from step 3 on they part.
      assert.deepEqual(l.points.slice(0, 2), before.slice(0, 2), `${l.label}: the steps before the change are kept`);
      assert.notEqual(l.points[2].loss, before[2].loss, `${l.label}: step 3 follows the new rate`);
      assert.equal(l.points.length, before.length);
    }
  });

  it("the PyTorch program names each lane's optimizer, and the subset size unless full", () => {
    const lanes = [{ label: "SGD", spec: { optimizer: "sgd", options: { lr: 1e-3 } } }];
    assert.deepEqual(mnistPytorchRun(lanes, settings()), {
      optimizer: { name: "sgd", options: { lr: 1e-3 } }, model: { kind: "mlp", sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: 3 },
      data: { name: "mnist", batchSize: 16, epochs: 1, seed: 3, perClass: 40, augment: false, normalize: { scale: 255, mean: 0.5, std: 0.3 }, printSteps: true }, loss: "cross_entropy",
    });
    assert.equal("perClass" in mnistPytorchRun(lanes, settings({ full: true })).data, false);
  });
});
const last_ = last;

describe("shareRun and the page's sentences", () => {
  it("each reader sees the latest snapshot when its key changes, and the last; stop returns the source", async () => {
    let returned = false;
    async function* source() {
      try {
        for (let k = 1; k <= 5; k++) {
          await new Promise((r) => setTimeout(r, 5));
          yield { done: k === 5, k };
        }
      } finally {
        returned = true;
      }
    }
    const shared = shareRun(source(), { initial: { done: false, k: 0 } });
    const every: number[] = [];
    const finals: number[] = [];
    await Promise.all([
      (async () => { for await (const s of shared.updates()) every.push(s.k); })(),
      (async () => { for await (const s of shared.updates({ key: (s) => s.done })) finals.push(s.k); })(),
    ]);
    assert.deepEqual(every, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(finals, [0, 5]);
    let stop!: () => void;
    const stopped = shareRun(source(), { initial: { done: false, k: 0 }, stop: new Promise<void>((r) => (stop = r)) });
    returned = false;
    for await (const s of stopped.updates()) if (s.k === 2) stop();
    assert.ok(returned, "the source was returned");
    // A reader whose cell is invalidated ends while it waits, though the run stays open (as under run controls).
    let stopReader!: () => void;
    const open = shareRun<{ done: boolean; k: number }>((async function* () { yield { done: true, k: 1 }; await new Promise(() => {}); })(), { initial: { done: false, k: 0 } });
    const seen: number[] = [];
    const reader = (async () => { for await (const s of open.updates({ stop: new Promise<void>((r) => (stopReader = r)) })) seen.push(s.k); })();
    await new Promise((r) => setTimeout(r, 10));
    stopReader();
    await reader;
    assert.deepEqual(seen, [0, 1], "the initial snapshot, then the run's");
    assert.equal(open.finished, false, "the run itself is still open");
  });

  it("the sentences under the runs", () => {
    assert.match(firstLossNote(2.9), /^The first batch's loss is 2\.90, above ln 10/);
    assert.match(firstLossNote(2.31), /close to ln 10/);
    const lane = (label: string, losses: number[]) => ({ label, status: "done" as const, step: losses.length, points: losses.map((loss, i) => ({ step: i + 1, epoch: 0, samplesSeen: 0, loss })) });
    assert.equal(lastLossesNote({ done: true, lanes: [lane("SGD", [3, 2, 2, 2, 2, 2])] }, { done: true, lanes: [lane("M", [1, 1, 1, 1, 1])] }), "Mean loss of the last 5 batches: SGD 2.000, SGD with momentum 1.000.");
    assert.equal(lastLossesNote({ done: false, lanes: [] }, { done: true, lanes: [] }), "Comparing when both runs have finished…");
    assert.equal(sixNote([lane("a", [1, 1, 1, 1, 1])]), "1 of 6 runs finished…");
  });
});
