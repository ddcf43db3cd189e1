import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { MessageChannel } from "node:worker_threads";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { connect, mergeSnapshot } from "../../lib/experiments/client.js";
import { diffSnapshot, serve, type Port } from "../../lib/experiments/host.js";
import { experiments } from "../../lib/experiments/registry.js";
import { lineFit, parabola } from "../../lib/experiments/gradient-descent.js";
import { raceContours, raceSnapshot } from "../../lib/experiments/race.js";
import { shadedValue } from "../../lib/surface-contours.js";
import { decode, encode } from "../../lib/experiments/wire.js";
import type { Experiment, Snapshot } from "../../lib/experiments/types.js";
import { adam, sgd } from "../../lib/optimizers/index.js";
import { createRace, raceEntries } from "../../lib/race.js";
import { surfaces } from "../../lib/surfaces.js";

await tf.setBackend("cpu");

async function collect<S>(it: AsyncIterable<S>): Promise<S[]> {
  const out: S[] = [];
  for await (const s of it) out.push(structuredClone(s));
  return out;
}
const signal = new AbortController().signal;

describe("wire: specs cross the worker boundary", () => {
  test("encode(spec) replaces optimizer definitions by name and decode(…) restores the same objects", () => {
    const spec = { choices: [{ key: "a", label: "Adam", def: adam, options: { lr: 0.1 } }], data: new Float32Array([1, 2]) };
    const wire = encode(spec) as any;
    assert.deepEqual(wire.choices[0].def, { $optimizer: "adam" });
    const back = decode(structuredClone(wire)) as any;
    assert.equal(back.choices[0].def, adam);
    assert.deepEqual(Array.from(back.data), [1, 2]);
  });
  test("encode(spec) rejects functions and class instances, naming the field", () => {
    assert.throws(() => encode({ loss: () => 0 }), /spec\.loss is a function/);
    assert.throws(() => encode({ at: new Date() }), /spec\.at is a Date/);
    assert.throws(() => decode({ $optimizer: "nope" }), /Unknown optimizer in spec: nope/);
  });
});

describe("transport: only new points travel, and merge restores complete snapshots", () => {
  test("diffSnapshot then mergeSnapshot gives back every snapshot", () => {
    const sent: number[] = [];
    let merged: Snapshot | null = null;
    const points: { step: number }[] = [];
    for (let k = 0; k < 5; k++) {
      points.push({ step: k });
      const snap: Snapshot = { lanes: [{ key: "a", label: "A", status: "running", error: null, points: [...points] }], step: k, totalSteps: 5, done: false, elapsedMs: 0 };
      const wire = diffSnapshot(snap, sent);
      assert.equal(wire.lanes[0].points.length, 1, "one new point per message");
      merged = mergeSnapshot(merged, structuredClone(wire));
      assert.deepEqual(merged.lanes[0].points, snap.lanes[0].points);
    }
    // A lane whose points were replaced by fewer travels whole.
    const shrunk: Snapshot = { lanes: [{ key: "a", label: "A", status: "done", error: null, points: [{ step: 9 }] }], step: 1, totalSteps: 1, done: true, elapsedMs: 0 };
    const wire = diffSnapshot(shrunk, sent);
    assert.equal(wire.lanes[0].from, 0);
    assert.deepEqual(mergeSnapshot(merged, wire).lanes[0].points, [{ step: 9 }]);
  });
});

/** A page and a host joined by a Node MessageChannel, as the browser's fallback joins them. */
function pair(registry: Record<string, Experiment<any, any, any>>, throttleMs = 0) {
  const { port1, port2 } = new MessageChannel();
  serve(port2 as unknown as Port, registry, { throttleMs, memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes }) });
  const lab = connect(() => port1 as any, { timeoutMs: 5000 });
  return { lab, close: () => (port1.close(), port2.close()) };
}

describe("host and client", () => {
  test("a run's snapshots arrive complete, tagged with the run's number, and the last is done", async () => {
    const { lab, close } = pair(experiments);
    try {
      const snaps = await collect(lab.run("line-fit", { lr: 5e-5, momentum: 0.9, epochs: 40, seed: 9999 }));
      const last = snaps.at(-1)!;
      assert.ok(last.done);
      assert.equal(last.lanes[0].points.length, 40);
      assert.ok(snaps.every((s) => s.run === snaps[0].run));
      const direct = (await collect(lineFit({ lr: 5e-5, momentum: 0.9, epochs: 40, seed: 9999 }, { signal }))).at(-1)!;
      assert.deepEqual(last.lanes.map((l) => l.points), direct.lanes.map((l) => l.points), "the same numbers as running the experiment directly");
    } finally {
      close();
    }
  });

  test("returning from a run cancels it in the host, which frees its tensors", async () => {
    let steps = 0;
    let freed = false;
    const slow: Experiment<{}, { step: number }> = async function* (_, { signal }) {
      const held = tf.zeros([10]);
      try {
        for (let k = 0; k < 1e6 && !signal.aborted; k++) {
          steps++;
          await new Promise((r) => setTimeout(r, 1));
          yield { lanes: [{ key: "a", label: "A", status: "running", error: null, points: [{ step: k }] }], step: k, totalSteps: 1e6, done: false, elapsedMs: 0 };
        }
      } finally {
        held.dispose();
        freed = true;
      }
    };
    const { lab, close } = pair({ slow });
    try {
      const before = (await lab.memory()).numTensors;
      const run = lab.run("slow", {});
      for await (const s of run) if (s.step >= 3) break;
      assert.equal(lab.open, 0);
      const deadline = Date.now() + 2000;
      while (!freed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.ok(freed, "the experiment's finally ran");
      const after = await lab.memory();
      assert.equal(after.runs, 0);
      assert.equal(after.numTensors, before);
      assert.ok(steps < 1000, "it stopped soon after the cancel");
    } finally {
      close();
    }
  });

  test("an unknown experiment or a throwing one ends the run with its message", async () => {
    const boom: Experiment = async function* () {
      throw new Error("boom");
    };
    const { lab, close } = pair({ boom });
    try {
      await assert.rejects(collect(lab.run("nope", {})), /Unknown experiment "nope"/);
      await assert.rejects(collect(lab.run("boom", {})), /boom/);
    } finally {
      close();
    }
  });
});

describe("experiments", () => {
  test("parabola: SGD on x² from 15 with η = 0.05 reaches 15·0.9²⁰ ≈ 1.8236 after 20 steps", async () => {
    const [snap] = await collect(parabola({ lr: 0.05, momentum: 0, iterations: 100, start: 15 }, { signal }));
    const p = snap.lanes[0].points;
    assert.equal(snap.lanes[0].status, "done");
    assert.equal(p.length, 101);
    assert.ok(Math.abs(p[20].x - 15 * 0.9 ** 20) < 1e-4);
    assert.equal(p[20].before, p[19].x);
  });

  test("parabola: past η = 1 the run stops with 'diverged at step k' and keeps only finite points", async () => {
    const [snap] = await collect(parabola({ lr: 1.5, momentum: 0, iterations: 500, start: 15 }, { signal }));
    const lane = snap.lanes[0];
    assert.equal(lane.status, "diverged");
    assert.match(lane.error!, /^diverged at step \d+/);
    assert.equal(lane.divergedAt, lane.points.length);
    assert.ok(lane.points.every((p) => Number.isFinite(p.x)));
  });

  test("parabola: an invalid learning rate is reported in the optimizer's words", async () => {
    const [snap] = await collect(parabola({ lr: -1, momentum: 0, iterations: 5, start: 15 }, { signal }));
    assert.equal(snap.lanes[0].status, "invalid");
    assert.match(snap.lanes[0].error!, /Invalid learning rate: -1/);
  });

  test("line fit: frees every tensor, and the weights approach the true ones", async () => {
    const before = tf.memory().numTensors;
    const snap = (await collect(lineFit({ lr: 5e-5, momentum: 0.9, epochs: 500, seed: 9999 }, { signal }))).at(-1)!;
    assert.equal(tf.memory().numTensors, before);
    assert.equal(snap.lanes[0].points.length, 500);
    assert.ok(Math.abs(snap.meta!.weights[0] - 0.77) < 0.01 && Math.abs(snap.meta!.weights[1] + 0.56) < 0.01);
  });

  test("line fit: an aborted run stops within a step and reports itself stopped", async () => {
    const controller = new AbortController();
    const snaps: Snapshot[] = [];
    for await (const s of lineFit({ lr: 5e-5, momentum: 0.9, epochs: 2000, seed: 1, every: 10 }, { signal: controller.signal })) {
      snaps.push(structuredClone(s));
      controller.abort();
    }
    const last = snaps.at(-1)!;
    assert.equal(last.lanes[0].status, "stopped");
    assert.ok(last.lanes[0].points.length <= 11);
  });

  test("race: the same paths as lib/race.ts's createRace, one lane per choice", async () => {
    const surface = surfaces[0];
    const choices = raceEntries(surface);
    const snap = raceSnapshot({ surface: surface.key, start: surface.start, steps: 200, choices });
    const direct = createRace(surface, choices).run(surface.start, 200);
    snap.lanes.forEach((lane, i) => {
      const t = direct.tracks[i];
      assert.equal(lane.points.length, t.points);
      assert.deepEqual(lane.points.map((p) => p.x), Array.from(t.xs.subarray(0, t.points)));
    });
    const bad = raceSnapshot({ surface: surface.key, start: surface.start, steps: 10, choices: [{ key: "s", label: "SGD", def: sgd, options: { lr: -1 } }] });
    assert.equal(bad.lanes[0].status, "invalid");
    assert.throws(() => raceSnapshot({ surface: "nope", start: [0, 0], steps: 1, choices }), /Unknown surface "nope"/);
  });
});

describe("race-contours: each surface's filled contours, traced in the worker for the race chart", () => {
  /** Even-odd point-in-rings over all of a band's rings: inside the band where shaded value ≥ its level. */
  const inside = ({ coords: c, ends }: { coords: Float32Array; ends: Uint32Array }, x: number, y: number) => {
    let odd = false;
    let start = 0;
    for (const end of ends) {
      for (let i = start, j = end - 1; i < end; j = i++) {
        const [xi, yi, xj, yj] = [c[2 * i], c[2 * i + 1], c[2 * j], c[2 * j + 1]];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
      start = end;
    }
    return odd;
  };
  for (const surface of surfaces) {
    test(`${surface.label}: a point lies in exactly the bands whose level its value reaches`, async () => {
      const [snap] = await collect(raceContours({ surface: surface.key }, { signal }));
      assert.equal(snap.done, true);
      const { bands, log } = snap.meta!;
      assert.equal(log, surface.logContours);
      assert.ok(bands.length >= 10 && bands.length <= 48, `${bands.length} levels`); // d3.ticks of a count of 24, as Plot.contour takes them
      for (let i = 1; i < bands.length; i++) assert.ok(bands[i].value > bands[i - 1].value, "levels ascend");
      const f = shadedValue(surface);
      const gap = bands[1].value - bands[0].value;
      const { x: [x1, x2], y: [y1, y2] } = surface.domain;
      let checked = 0;
      let wrong = 0;
      for (let n = 0; n < 400; n++) {
        // A fixed scatter over the domain (a low-discrepancy sequence: no random seed needed).
        const x = x1 + (x2 - x1) * ((n * 0.6180339887) % 1);
        const y = y1 + (y2 - y1) * ((n * 0.7548776662 + 0.5) % 1);
        const v = f(x, y);
        // Near a level line the traced (piecewise-linear, 150-cell) boundary may fall either side of the point.
        if (bands.some((b) => Math.abs(v - b.value) < 0.1 * gap)) continue;
        checked++;
        const want = bands.filter((b) => v >= b.value).length;
        const got = bands.filter((b) => inside(b, x, y)).length;
        if (want !== got) wrong++;
      }
      assert.ok(checked > 200, `${checked} points checked`);
      // Steep walls put several levels inside one grid cell, where the trace is coarser than the level spacing.
      assert.ok(wrong <= checked * 0.03, `${wrong} of ${checked} points in the wrong number of bands`);
    });
  }
});

describe("the landing race's notes say what the default race shows", () => {
  const final = (key: string) => {
    const surface = surfaces.find((s) => s.key === key)!;
    const snap = raceSnapshot({ surface: key, start: surface.start, steps: 500, choices: raceEntries(surface) });
    const f0 = surface.value(...surface.minimum);
    return Object.fromEntries(snap.lanes.map((l) => [l.key, { gap: l.points.at(-1)!.loss - f0, x: l.points.at(-1)!.x, y: l.points.at(-1)!.y, diverged: l.status !== "done" }]));
  };
  test("Rosenbrock: momentum, Nesterov and Adam near the star; SGD, Adagrad, Adadelta far; RMSprop about half-way", () => {
    const r = final("rosenbrock");
    for (const k of ["momentum", "nesterov", "adam"]) assert.ok(r[k].gap < 0.02 && r[k].x > 0.85, k);
    for (const k of ["sgd", "adagrad", "adadelta"]) assert.ok(r[k].gap > 3 && r[k].x < -0.5, k);
    assert.ok(r.rmsprop.x > -0.5 && r.rmsprop.x < 0.5, "RMSprop stops about half-way");
  });
  test("ill-conditioned: all but Adadelta at the minimum to float32 precision; Adadelta far along x", () => {
    const r = final("ill-conditioned");
    for (const [k, v] of Object.entries(r)) if (k !== "adadelta") assert.ok(v.gap < 1e-10, k);
    assert.ok(Math.abs(r.adadelta.x) > 1);
  });
  test("Beale: all near (3, 0.5), Adam closest, Adadelta furthest", () => {
    const r = final("beale");
    const gaps = Object.entries(r).map(([k, v]) => [k, v.gap] as const).sort((a, b) => a[1] - b[1]);
    assert.equal(gaps[0][0], "adam");
    assert.equal(gaps.at(-1)![0], "adadelta");
    for (const [k, v] of Object.entries(r)) assert.ok(Math.abs(v.x - 3) < 0.7 && !v.diverged, k);
  });
  test("saddle: all but Adadelta at (0, √2); started on the ridge, none leaves it", () => {
    const r = final("saddle");
    for (const [k, v] of Object.entries(r)) if (k !== "adadelta") assert.ok(Math.abs(v.y - Math.SQRT2) < 1e-3 && Math.abs(v.x) < 1e-3, k);
    assert.ok(Math.abs(r.adadelta.x) > 0.1);
    const surface = surfaces.find((s) => s.key === "saddle")!;
    const ridge = raceSnapshot({ surface: "saddle", start: [-2.5, 0], steps: 500, choices: raceEntries(surface) });
    for (const l of ridge.lanes) assert.equal(l.points.at(-1)!.y, 0, l.key);
  });
});
