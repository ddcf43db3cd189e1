/**
 * The Adam page's experiments (lib/experiments/adam.ts), run as the page's worker runs them: the same numbers
 * as the library calls the page used to make itself (RegressionRun, decayComparison, snrSweep), tensors
 * back to their baseline, cancellation within a step. On the wasm backend, as adam-page-tfjs.test.ts.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import {
  adamPitfall,
  adamVsTfjs,
  adamVsTfjsStatus,
  agreement,
  decay,
  decayRows,
  lossTableRows,
  pitfallStatus,
  snr,
  snrSpread,
  type AdamVsTfjsSnapshot,
} from "../../lib/experiments/adam.js";
import { experiments } from "../../lib/experiments/registry.js";
import { binThresholds, histogram } from "../../lib/charts/bins.js";
import { adam, createOptimizer, decayComparison, log10StepSizes, randomRegression, RegressionRun, SEED001_DEMO, snrSweep, tfTrainAdam } from "../../lib/index.js";
import type { Snapshot } from "../../lib/experiments/types.js";
import { normals, rng } from "../../lib/random.js";
import * as Plot from "@observablehq/plot";
import { last, signal } from "../helpers/experiments.js";
import { useWasmBackend } from "../helpers/wasm.js";

useWasmBackend();

describe("adam-vs-tfjs", () => {
  test("is registered, and its lanes are the losses of RegressionRun with our Adam and tf.train.adam, step for step", async () => {
    assert.equal(experiments["adam-vs-tfjs"], adamVsTfjs);
    const steps = 60;
    const before = tf.memory().numTensors;
    const snap = (await last(adamVsTfjs({ lr: SEED001_DEMO.lr, steps, seed: 1 }, { signal }))) as AdamVsTfjsSnapshot;
    assert.equal(tf.memory().numTensors, before, "every tensor is freed");
    assert.ok(snap.done);
    assert.deepEqual(snap.lanes.map((l) => [l.label, l.status, l.points.length]), [["Descent's Adam", "done", steps], ["tf.train.adam", "done", steps]]);

    // The loop the page ran before, by hand.
    const data = randomRegression({ n: SEED001_DEMO.n, dIn: SEED001_DEMO.dIn, dOut: SEED001_DEMO.dOut, seed: 1 });
    const ourOpt = createOptimizer(adam, { lr: SEED001_DEMO.lr });
    const theirOpt = tfTrainAdam({ lr: SEED001_DEMO.lr });
    const ours = new RegressionRun({ data, hidden: SEED001_DEMO.hidden, seed: 1, optimizer: ourOpt });
    const theirs = new RegressionRun({ data, hidden: SEED001_DEMO.hidden, seed: 1, optimizer: theirOpt });
    const a: number[] = [];
    const b: number[] = [];
    for (let t = 1; t <= steps; t++) a.push(ours.step()), b.push(theirs.step());
    const v = ourOpt.state.map((s) => s.slots.v.dataSync());
    ours.dispose(), theirs.dispose(), ourOpt.dispose(), theirOpt.dispose();
    assert.deepEqual(snap.lanes[0].points.map((p) => p.loss), a);
    assert.deepEqual(snap.lanes[1].points.map((p) => p.loss), b);

    // Step sizes: all 101,110 weights, read at the last step, binned as Plot would.
    const sizes = snap.meta!.stepSizes!;
    const raw = log10StepSizes(v, { lr: SEED001_DEMO.lr, beta2: 0.999, eps: 1e-8, step: steps });
    assert.equal(sizes.step, steps);
    assert.equal(sizes.count, 1000 * 100 + 100 + 100 * 10 + 10);
    assert.equal(sizes.histogram.bins.reduce((n, b) => n + b.count, 0), sizes.count);
    assert.equal(sizes.min, Math.min(...raw));
    assert.equal(sizes.max, Math.max(...raw));
    // The agreement the page prints (measured 3.4e-5 over 100 steps in adam-page-tfjs.test.ts).
    const agree = agreement(snap);
    assert.ok(agree.early < 1e-4, `${agree.early}`);
    assert.ok(agree.ratio < 0.5, `the loss falls (measured 0.23 after 60 steps): ratio ${agree.ratio}`);
    assert.ok(snap.meta!.maxParamDiff >= 0 && snap.meta!.maxParamDiff < 1e-3, `${snap.meta!.maxParamDiff}`);
    const [text, { error }] = adamVsTfjsStatus(snap, steps);
    assert.equal(error, false);
    assert.match(text, /^Finished step 60 of 60 · largest relative difference .* over steps 1–60, .* · largest weight difference at the end: /);
    assert.deepEqual(lossTableRows(snap, 20).map((r) => r.step), [20, 40, 60]);
  });

  test("a learning rate changed mid-run reaches both implementations from the next step, and they still agree", async () => {
    const steps = 30;
    let calls = 0;
    // The host's RunControl as the page's runControls drives it: never paused, one change after step 10.
    const control = {
      paused: false,
      turn: async () => {},
      next: async () => {},
      changes: () => (++calls === 10 ? [{ lane: "*", options: { lr: 5e-4 } }] : []),
    };
    const before = tf.memory().numTensors;
    const changed = (await last(adamVsTfjs({ lr: SEED001_DEMO.lr, steps, seed: 1 }, { signal, control }))) as AdamVsTfjsSnapshot;
    const plain = (await last(adamVsTfjs({ lr: SEED001_DEMO.lr, steps, seed: 1 }, { signal }))) as AdamVsTfjsSnapshot;
    assert.equal(tf.memory().numTensors, before);
    for (const l of changed.lanes) assert.deepEqual(l.changes, [{ step: 11, options: { lr: 5e-4 } }], l.label);
    const [a, b] = changed.lanes.map((l) => l.points.map((p) => p.loss));
    assert.deepEqual(a.slice(0, 11), plain.lanes[0].points.slice(0, 11).map((p) => p.loss), "steps 1–11 are unchanged");
    assert.notEqual(a[11], plain.lanes[0].points[11].loss, "step 12 (after the first step at the new rate) differs");
    assert.ok(agreement(changed).all < 1e-3, `both took the new rate: ${agreement(changed).all}`);
    assert.notEqual(b[11], plain.lanes[1].points[11].loss);
  });

  test("an aborted run stops within a step, reports itself stopped and frees its tensors", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const snaps: Snapshot[] = [];
    for await (const s of adamVsTfjs({ lr: 1e-4, steps: 500, seed: 2 }, { signal: controller.signal })) {
      snaps.push(structuredClone(s));
      controller.abort();
    }
    const end = snaps.at(-1)!;
    assert.equal(end.lanes[0].status, "stopped");
    assert.ok(end.lanes[0].points.length <= 2, `${end.lanes[0].points.length} steps`);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("adam-pitfall", () => {
  test("the g² first moment diverges before step 100 where Adam did not; Adam's lane is the reference as given", async () => {
    const before = tf.memory().numTensors;
    const reference = { key: "ours", label: "Descent's Adam", status: "done" as const, error: null, points: [{ step: 1, loss: 5 }] };
    const snap = await last(adamPitfall({ lr: SEED001_DEMO.lr, steps: 200, seed: 1, reference }, { signal }));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(snap.lanes[0], { ...reference, key: "adam", label: "Adam" });
    const bug = snap.lanes[1];
    assert.equal(bug.status, "diverged");
    assert.ok(bug.divergedAt! < 100, `diverged at ${bug.divergedAt}`);
    assert.match(bug.error!, /^diverged at step \d+ \(loss = /);
    assert.equal(bug.points.length, bug.divergedAt! - 1);
    const [text, { error }] = pitfallStatus(snap);
    assert.ok(error);
    assert.match(text, /^The buggy variant diverged at step \d+ .*; Adam, from the same start, did not\.$/);
  });
});

describe("adam-decay and adam-snr", () => {
  test("adam-decay gives decayComparison's rows, in its order", async () => {
    const spec = { lr: 1e-2, weightDecay: 0.1, steps: 1000, seed: 5 };
    const snap = await last(decay(spec, { signal }));
    assert.ok(snap.done && snap.lanes.every((l) => l.status === "done"));
    assert.deepEqual(decayRows(snap as any), decayComparison(spec));
  });

  test("adam-decay: an aborted run stops at its next slice", async () => {
    const controller = new AbortController();
    controller.abort();
    const snap = await last(decay({ lr: 1e-2, weightDecay: 0.1, steps: 3000, seed: 5 }, { signal: controller.signal }));
    assert.ok(snap.lanes.every((l) => l.status === "stopped"));
    assert.ok(snap.step < 2 * 601, `${snap.step} rows of steps recorded`);
  });

  test("adam-snr gives snrSweep's points; its spread at r = 0 is the noise level √((1 − β₁)/(1 + β₁))", async () => {
    const snap = await last(snr({ steps: 200, betas: [0.9, 0.999], seed: 3 }, { signal }));
    const sweep = snrSweep({ steps: 200, betas: [0.9, 0.999], seed: 3 });
    assert.deepEqual(snap.lanes[0].points, sweep);
    const spread = snrSpread(sweep);
    assert.ok(Math.abs(spread - Math.sqrt(0.1 / 1.9)) < 0.08, `${spread}`);
    const controller = new AbortController();
    controller.abort();
    const stopped = await last(snr({ steps: 1000, betas: [0.9, 0.999], seed: 3 }, { signal: controller.signal }));
    assert.equal(stopped.lanes[0].status, "stopped");
    assert.equal(stopped.lanes[0].points.length, 40, "one ratio's streams, then it stopped");
  });
});

describe("histogram: the bins Plot's binX draws", () => {
  test("histogram(values, 60) has exactly the bins of Plot.binX({y: \"count\"}, {thresholds: 60}) over the same values", () => {
    for (const [seed, scale] of [[3, 1.7], [4, 1e-3], [5, 40]]) {
      const values = Array.from(normals(5000, rng(seed)), (z) => -3 + z * scale);
      const o: any = Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds: 60 });
      const { facets } = o.transform(values, [Uint32Array.from(values, (_, i) => i)]);
      const [x1, x2, y] = [o.x1.transform(), o.x2.transform(), o.y.transform()];
      const plotBins = Array.from(facets[0] as number[], (i) => ({ x1: x1[i], x2: x2[i], y: y[i] }));
      const h = histogram(values, 60);
      const ours = h.bins.map((b) => {
        const i = h.thresholds.findIndex((t, j) => t <= b.mid && b.mid < h.thresholds[j + 1]);
        return { x1: h.thresholds[i], x2: h.thresholds[i + 1], y: b.count };
      });
      assert.deepEqual(ours, plotBins, `seed ${seed}, scale ${scale}`);
    }
    assert.deepEqual(binThresholds(0, 10, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
