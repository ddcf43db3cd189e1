/**
 * The digits page's experiments (lib/experiments/digits.ts): the same numbers as the fast path's generators
 * the page ran itself before (digitsRuns, crossValidate, staleOptimizerReplay), lanes that say how each run
 * ended, and cancellation within an epoch.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { constantPixels, DIGITS, parseDigitsCsv, splitDigits } from "../../lib/data/digits.js";
import { crossValidate, digitsRuns as fastRuns, staleOptimizerReplay } from "../../lib/fast/experiments.js";
import {
  crossValidationRows,
  digitsCrossValidation,
  digitsRows,
  digitsRuns,
  digitsStale,
  digitsStatus,
  epochRows,
  NOTEBOOK_OPTIMIZERS,
  scalingFigures,
  scalingRuns,
  staleRows,
  type DigitsRunsSnapshot,
} from "../../lib/experiments/digits.js";
import { Controls } from "../../lib/experiments/host.js";
import { experiments } from "../../lib/experiments/registry.js";
import { decode, encode } from "../../lib/experiments/wire.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { last, signal } from "../helpers/experiments.js";

const digits = parseDigitsCsv(gunzipSync(readFileSync(join(import.meta.dirname, "../..", DIGITS.file))).toString("utf8"));
const { train, test: held } = splitDigits(digits);
/** The spec as the worker receives it: encoded, structured-cloned, decoded. */
const wire = <T>(spec: T): T => decode(structuredClone(encode(spec))) as T;

describe("digits-runs", () => {
  test("the notebook's four optimizers, 15 epochs: the fast path's numbers, Adam's accuracy in 0.88–0.94 (PyTorch ≈ 0.91)", async () => {
    assert.equal(experiments["digits-runs"], digitsRuns);
    const spec = wire({ digits, runs: [...NOTEBOOK_OPTIMIZERS], epochs: 15, seed: 1 });
    const snap = (await last(digitsRuns(spec, { signal }))) as DigitsRunsSnapshot;
    const direct = [...fastRuns({ train, test: held, runs: [...NOTEBOOK_OPTIMIZERS], epochs: 15, seed: 1 })].at(-1)!;
    assert.ok(snap.done);
    const rows = digitsRows(snap);
    assert.deepEqual(rows.map((r) => [r.label, r.lr, r.accuracy, r.testLoss, r.loss]), direct.rows.map((r) => [r.label, r.lr, r.accuracy, r.testLoss, r.loss]));
    assert.deepEqual(snap.lanes.map((l) => l.points.map((p) => p.loss)), direct.rows.map((r) => r.losses));
    assert.ok(snap.lanes.every((l) => l.status === "done" && l.error === null));
    const adamRow = rows[0];
    assert.ok(adamRow.accuracy! >= 0.88 && adamRow.accuracy! <= 0.94, `Adam: ${adamRow.accuracy}`);
    for (const r of rows.slice(1)) assert.ok(r.accuracy! >= 0.88, `${r.label}: ${r.accuracy}`);
    assert.equal(epochRows(snap).length, 4 * 15);
    assert.match(digitsStatus(snap, { epochs: 15, steps: 898 }), /^4 runs of 15 epochs × 898 steps, \d+ ms of computation in all\.$/);
    console.log(`# ${rows.map((r) => `${r.label} ${r.accuracy!.toFixed(4)}`).join(", ")}`);
  });

  test("input scaling: the runs the page's sentence quotes, and a diverging run is 'diverged', not an exception", async () => {
    const snap = (await last(digitsRuns(wire({ digits, runs: scalingRuns(20), epochs: 2, seed: 1 }), { signal }))) as DigitsRunsSnapshot;
    const f = scalingFigures(digitsRows(snap));
    assert.ok(f.sgd50!.loss > 10 * f.sgd1!.loss, `SGD × 50 ${f.sgd50!.loss} vs × 1 ${f.sgd1!.loss}`);
    assert.ok(f.adam50 && f.adamSmall && f.sgdSmall);
    const bad = (await last(digitsRuns(wire({ digits, runs: [{ label: "SGD", def: sgd, options: { lr: 10 }, scale: 1e30 }, { label: "Adam", def: adam, options: { lr: -1 } }], epochs: 2, seed: 1 }), { signal }))) as DigitsRunsSnapshot;
    assert.equal(bad.lanes[0].status, "diverged");
    assert.match(bad.lanes[0].error!, /^diverged at step \d+/);
    assert.equal(bad.lanes[1].status, "invalid");
    assert.match(bad.lanes[1].error!, /Invalid learning rate: -1/);
  });

  test("an aborted run stops within an epoch and reports itself stopped", async () => {
    const controller = new AbortController();
    const snaps: DigitsRunsSnapshot[] = [];
    for await (const s of digitsRuns({ digits, runs: [...NOTEBOOK_OPTIMIZERS], epochs: 15, seed: 1 }, { signal: controller.signal })) {
      snaps.push(structuredClone(s) as DigitsRunsSnapshot);
      controller.abort();
    }
    const end = snaps.at(-1)!;
    assert.ok(end.done);
    assert.equal(end.lanes[0].status, "stopped");
    assert.ok(end.lanes[0].points.length <= 2, `${end.lanes[0].points.length} epochs`);
    assert.ok(end.lanes.slice(1).every((l) => l.status === "stopped" && l.points.length === 0));
  });
});

test("digits-runs under the reader's controls: paused, it waits; each step is one more epoch; play runs it to the end", async () => {
  const controller = new AbortController();
  const control = new Controls(controller.signal);
  control.pause();
  const it = digitsRuns({ digits, runs: [NOTEBOOK_OPTIMIZERS[0]], epochs: 4, seed: 1, reportEveryMs: 0 }, { signal: controller.signal, control })[Symbol.asyncIterator]();
  const epochs = async () => ((await it.next()).value as DigitsRunsSnapshot).lanes[0].points.length;
  // The first epoch's report, then the paused report at the same epoch: nothing more until the reader acts.
  assert.equal(await epochs(), 1);
  assert.equal(await epochs(), 1);
  const waiting = it.next();
  const raced = await Promise.race([waiting.then(() => "moved"), new Promise((r) => setTimeout(() => r("waited"), 300))]);
  assert.equal(raced, "waited", "a paused run takes no epoch");
  control.step();
  assert.equal(((await waiting).value as DigitsRunsSnapshot).lanes[0].points.length, 2, "one step, one epoch");
  control.play();
  let end: DigitsRunsSnapshot | undefined;
  for (let r = await it.next(); !r.done; r = await it.next()) end = r.value as DigitsRunsSnapshot;
  assert.ok(end!.done);
  assert.equal(end!.lanes[0].points.length, 4);
  assert.equal(end!.lanes[0].status, "done");
});

test("digits-runs with a live learning rate: the run in training takes it from its next epoch, keeps the epochs before; after a run's last epoch it goes to the next run's first; a refused one is recorded", async () => {
  const runs = [NOTEBOOK_OPTIMIZERS[1], NOTEBOOK_OPTIMIZERS[0]]; // SGD, then Adam
  const spec = { digits, runs, epochs: 3, seed: 1, reportEveryMs: 0 };
  const plain = await last(digitsRuns(spec, { signal }));
  const controller = new AbortController();
  const control = new Controls(controller.signal);
  control.pause();
  const it = digitsRuns(spec, { signal: controller.signal, control })[Symbol.asyncIterator]();
  const next = async () => structuredClone((await it.next()).value as DigitsRunsSnapshot);
  // Each epoch reports once, then once more as it pauses (reportEveryMs 0).
  const epoch = async () => (await next(), await next());
  let s = await epoch();
  assert.equal(s.lanes[0].points.length, 1);
  control.set({ lane: "*", options: { lr: 0.01 } });
  control.step();
  s = await epoch();
  assert.equal(s.lanes[0].points.length, 2, "one step, one epoch");
  assert.deepEqual(s.lanes[0].changes, [{ step: 2, options: { lr: 0.01 } }]);
  control.step();
  s = await epoch(); // SGD's last epoch
  assert.equal(s.lanes[0].points.length, 3);
  control.set({ lane: "*", options: { lr: 0.05 } });
  control.step();
  s = await epoch(); // Adam's first epoch, at the rate set after SGD's last
  assert.equal(s.lanes[1].points.length, 1);
  control.set({ lane: "*", options: { lr: -1 } });
  control.play();
  let end = s;
  for (let r = await it.next(); !r.done; r = await it.next()) end = structuredClone(r.value as DigitsRunsSnapshot);
  assert.ok(end.done);
  const [sgdLane, adamLane] = end.lanes;
  assert.equal(sgdLane.points[0].loss, plain.lanes[0].points[0].loss, "the epoch before the change is kept");
  for (const e of [1, 2]) assert.notEqual(sgdLane.points[e].loss, plain.lanes[0].points[e].loss, `epoch ${e + 1} trained at the new rate`);
  assert.deepEqual(sgdLane.changes, [{ step: 2, options: { lr: 0.01 } }], "a change after SGD's last epoch is not SGD's");
  assert.equal(adamLane.changes![0].step, 1);
  assert.deepEqual(adamLane.changes![0].options, { lr: 0.05 });
  assert.equal(adamLane.changes![1].step, 2);
  assert.match(adamLane.changes![1].error ?? "", /Invalid learning rate: -1/);
  assert.equal(adamLane.status, "done", "a refused change leaves the run going with its old rate");
  assert.notEqual(adamLane.points[0].loss, plain.lanes[1].points[0].loss);
  assert.equal(adamLane.points.length, 3);
  assert.deepEqual(digitsRows(end).map((r) => r.changes.length), [1, 2]);
});

test("what the page says of its defaults (15 epochs) holds for initial weights 1–5: final training loss Adam < RMSprop < SGD < Adagrad every time, Adagrad's test accuracy the lowest every time, the highest not always the same optimizer's", () => {
  const top = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5]) {
    const rows = [...fastRuns({ train, test: held, runs: [...NOTEBOOK_OPTIMIZERS], epochs: 15, seed })].at(-1)!.rows;
    assert.deepEqual([...rows].sort((a, b) => a.loss - b.loss).map((r) => r.label), ["Adam", "RMSprop", "SGD", "Adagrad"], `seed ${seed}: by final loss`);
    const byAccuracy = [...rows].sort((a, b) => b.accuracy! - a.accuracy!);
    assert.equal(byAccuracy.at(-1)!.label, "Adagrad", `seed ${seed}: lowest accuracy`);
    top.add(byAccuracy[0].label);
  }
  assert.ok(top.size > 1, `the highest test accuracy is ${[...top]}'s for every seed: the page says it changes`);
});

describe("digits-cv, digits-stale and the page's helpers", () => {
  test("constantPixels: pixels 0, 32 and 39 never light up in the first 898 rows (as digits.test.ts finds with columnStats)", () => {
    assert.deepEqual(constantPixels(train), [0, 32, 39]);
  });

  test("digits-cv: crossValidate's folds, raw then standardised", async () => {
    const snap = await last(digitsCrossValidation(wire({ digits, k: 3, def: adam, options: { lr: 1e-3 }, epochs: 2, seed: 1 }), { signal }));
    for (const [i, standardize] of [false, true].entries()) {
      const direct = [...crossValidate({ data: digits, k: 3, def: adam, options: { lr: 1e-3 }, standardize, epochs: 2, seed: 1 })].at(-1)!;
      const lane = snap.lanes[i] as any;
      assert.deepEqual(lane.points.map((f: any) => f.accuracy), direct.folds.map((f) => f.accuracy));
      assert.equal(lane.mean, direct.mean);
      assert.equal(lane.sd, direct.sd);
    }
    const rows = crossValidationRows(snap as any, 3);
    assert.deepEqual(crossValidationRows({ pending: true }, 3), [], "nothing while the run waits for the page's first run");
    assert.deepEqual(rows.map((r) => [r.inputs, r.state]), [["pixels 0–16", "done"], ["standardised", "done"]]);
  });

  test("digits-stale: the replay's rows, buggy then fixed; models 2 and 3 never move with the stale optimizer", async () => {
    const snap = await last(digitsStale(wire({ digits, epochs: 3, seed: 1 }), { signal }));
    const rows = staleRows(snap as any);
    for (const buggy of [true, false]) {
      const direct = [...staleOptimizerReplay({ train, test: held, buggy, epochs: 3, seed: 1 })].at(-1)!;
      const version = buggy ? "one optimizer (the notebook)" : "one optimizer per model";
      assert.deepEqual(rows.filter((r) => r.version === version).map(({ version: _, ms: __, ...r }) => r), direct.rows.map(({ ms: _, ...r }) => r));
    }
    assert.deepEqual(rows.filter((r) => r.version.startsWith("one optimizer (")).map((r) => r.moved === 0), [false, true, true]);
  });
});
