/**
 * The page "Adam, understood": the course notebook's random-data example (lib/train/adam-demo.ts) trained by
 * Descent's Adam beside `tf.train.adam`, the same problem under the g²-first-moment pitfall, the L2-vs-AdamW
 * decay comparison and the signal-to-noise sweep (lib/optimizers/moments.ts).
 *
 * Every experiment hands the thread back (a macrotask) after each step or slice of work, so a cancel from
 * the page is seen within one step, and on the main-thread fallback the page still paints.
 */
import * as tf from "@tensorflow/tfjs-core";
import { histogram, type Histogram } from "../charts/bins.js";
import { randomRegression } from "../data/random-regression.js";
import { adam } from "../optimizers/adam.js";
import { decayRuns, log10StepSizes, snrSweepRows, type DecayRow, type SnrPoint } from "../optimizers/moments.js";
import { createOptimizer } from "../optimizers/optimizer.js";
import { adamWithSquaredFirstMoment } from "../optimizers/pitfalls.js";
import { maxRelativeDifference, RegressionRun, SEED001_DEMO } from "../train/adam-demo.js";
import { nextMacrotask } from "../train/loop.js";
import { applyChanges, between, failedLane, lane, now, reportEvery } from "./lanes.js";
import type { Experiment, Lane, LaneChange, Point, Snapshot } from "./types.js";

/**
 * `tf.train.adam` (given torch's ε) with a learning rate the reader may change mid-run, as torch's
 * `param_groups[0]["lr"] = …` does: TensorFlow.js's AdamOptimizer reads its `learningRate` field at every
 * step and keeps its moments, so assigning it is the same change. Other options cannot change in flight.
 */
function liveTfAdam({ lr, betas, eps }: { lr: number; betas: readonly [number, number]; eps: number }) {
  const opt = tf.train.adam(lr, betas[0], betas[1], eps);
  return {
    step: (vars: tf.Variable[], grads: tf.Tensor[]) => opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] }))),
    setOptions(options: Record<string, unknown>) {
      for (const [name, value] of Object.entries(options)) {
        if (name !== "lr") throw new Error(`tf.train.adam cannot change ${name} while it runs`);
        if (typeof value !== "number" || !(value >= 0)) throw new Error(`Invalid learning rate: ${value}`);
        (opt as unknown as { learningRate: number }).learningRate = value;
      }
    },
    dispose: () => opt.dispose(),
  };
}

/** The random-data example's settings the reader changes; the sizes are SEED001_DEMO's. */
/**
 * How often a run reports while it trains. Every report redraws every cell that shows the run, and on this
 * long page a redraw (new Plot SVGs and their style elements, tables, a full relayout) measured 100–900 ms on a
 * loaded 2-core machine, far more than a step: two reports a second keep the page live without keeping
 * its main thread busy. The first report goes at once (a rerun draws its first point without waiting).
 */
export const REPORT_EVERY_MS = 500;

export interface RandomDataSpec {
  lr: number;
  steps: number;
  /** Seeds the data and the initial weights. */
  seed: number;
  /** Least time between snapshots while training, ms (default REPORT_EVERY_MS; the first and the last always go). */
  reportEveryMs?: number;
}

export type LossPoint = { step: number; loss: number };

/** Adam's per-weight step sizes lr/(√v̂ + ε), log₁₀, read from its v slots: summary and histogram. */
export interface StepSizes {
  /** At this step. */
  step: number;
  /** Weights (all of them: one step size each). */
  count: number;
  min: number;
  max: number;
  /** Weights at lr/ε (to 0.01 in log₁₀): their gradient has been exactly 0 at every step. */
  frozen: number;
  /** Binned as Plot's binX with 60 thresholds would bin them (lib/charts/bins.ts). */
  histogram: Histogram;
}

export interface AdamVsTfjsMeta {
  /** Time inside each implementation's steps, ms. */
  ms: { ours: number; theirs: number };
  /** Read every 50 steps (and at the first and last). */
  stepSizes: StepSizes | null;
  /** Largest |ours − theirs| over all weights at the end; NaN until done. */
  maxParamDiff: number;
}

export type AdamVsTfjsSnapshot = Snapshot<LossPoint, AdamVsTfjsMeta>;

export const OURS_LABEL = "Descent's Adam";
export const THEIRS_LABEL = "tf.train.adam";

function problem(seed: number) {
  const { n, dIn, dOut } = SEED001_DEMO;
  return randomRegression({ n, dIn, dOut, seed });
}

/** log₁₀ step sizes of our Adam's state at step t, summarised for the page. */
function stepSizesOf(optimizer: ReturnType<typeof createOptimizer>, { lr, step }: { lr: number; step: number }): StepSizes {
  const { betas, eps } = adam.defaults;
  const sizes = log10StepSizes(
    optimizer.state.map((s) => (s.slots.v as tf.Tensor).dataSync()),
    { lr, beta2: betas[1], eps, step },
  );
  let min = Infinity;
  let max = -Infinity;
  let frozen = 0;
  const atEps = Math.log10(lr / eps) - 0.01;
  for (const s of sizes) {
    if (s < min) min = s;
    if (s > max) max = s;
    if (s > atEps) frozen++;
  }
  return { step, count: sizes.length, min, max, frozen, histogram: histogram(sizes, 60) };
}

/**
 * Two copies of the notebook's network from the same initial weights on the same data, one stepped by our
 * Adam and one by `tf.train.adam` (given torch's ε = 1e-8), step for step. A failure of either (diverged,
 * invalid) stops both: the other lane is "stopped".
 */
export const adamVsTfjs: Experiment<RandomDataSpec, LossPoint, AdamVsTfjsMeta> = async function* ({ lr, steps, seed, reportEveryMs = REPORT_EVERY_MS }, { signal, control }) {
  const t0 = now();
  const due = reportEvery(reportEveryMs);
  const { betas, eps } = adam.defaults;
  const changes = { ours: [] as LaneChange[], theirs: [] as LaneChange[] };
  let ours: Lane<LossPoint> = { ...lane<LossPoint>("ours", OURS_LABEL), changes: changes.ours };
  let theirs: Lane<LossPoint> = { ...lane<LossPoint>("theirs", THEIRS_LABEL), changes: changes.theirs };
  const meta: AdamVsTfjsMeta = { ms: { ours: 0, theirs: 0 }, stepSizes: null, maxParamDiff: NaN };
  const snapshot = (done: boolean): AdamVsTfjsSnapshot => ({
    lanes: [ours, theirs],
    step: ours.points.length,
    totalSteps: steps,
    done,
    elapsedMs: now() - t0,
    meta: { ...meta, ms: { ...meta.ms } },
  });
  const data = problem(seed);
  let ourOpt: ReturnType<typeof createOptimizer> | null = null;
  let theirOpt: ReturnType<typeof liveTfAdam> | null = null;
  let ourRun: RegressionRun | null = null;
  let theirRun: RegressionRun | null = null;
  let failing: "ours" | "theirs" | "both" = "both";
  try {
    ourOpt = createOptimizer(adam, { lr });
    theirOpt = liveTfAdam({ lr, betas, eps });
    ourRun = new RegressionRun({ data, hidden: SEED001_DEMO.hidden, seed, optimizer: ourOpt });
    theirRun = new RegressionRun({ data, hidden: SEED001_DEMO.hidden, seed, optimizer: theirOpt });
    for (let t = 1; t <= steps; t++) {
      failing = "ours";
      let started = now();
      const a = ourRun.step();
      meta.ms.ours += now() - started;
      failing = "theirs";
      started = now();
      const b = theirRun.step();
      meta.ms.theirs += now() - started;
      ours.points.push({ step: t, loss: a });
      theirs.points.push({ step: t, loss: b });
      if (t % 50 === 0 || t === steps || t === 1) meta.stepSizes = stepSizesOf(ourOpt, { lr, step: t });
      if (t < steps) {
        await nextMacrotask();
        if (signal.aborted) break;
        if (due()) yield snapshot(false);
        yield* between(control, () => snapshot(false));
        applyChanges(control, [
          { key: "ours", optimizer: ourOpt, changes: changes.ours, nextStep: t + 1 },
          { key: "theirs", optimizer: theirOpt, changes: changes.theirs, nextStep: t + 1 },
        ]);
      }
    }
    const status = signal.aborted ? "stopped" : "done";
    ours = { ...ours, status };
    theirs = { ...theirs, status };
    if (!signal.aborted) {
      let diff = 0;
      ourRun.model.params.forEach((p, i) => {
        const x = p.dataSync();
        const y = theirRun!.model.params[i].dataSync();
        for (let k = 0; k < x.length; k++) diff = Math.max(diff, Math.abs(x[k] - y[k]));
      });
      meta.maxParamDiff = diff;
    }
  } catch (error) {
    if (failing !== "theirs") ours = failedLane(ours, error);
    if (failing !== "ours") theirs = failedLane(theirs, error);
    if (failing === "ours") theirs = { ...theirs, status: "stopped" };
    if (failing === "theirs") ours = { ...ours, status: "stopped" };
  } finally {
    ourRun?.dispose();
    theirRun?.dispose();
    ourOpt?.dispose();
    theirOpt?.dispose();
  }
  yield snapshot(true);
};

export const PITFALL_LABEL = "m from g² (the notebook's bug)";

export interface PitfallSpec extends RandomDataSpec {
  /** Adam's lane from the main run with the same settings, drawn beside the bug instead of training it again. */
  reference: Lane<LossPoint>;
}

/**
 * The other notebook's Adam, whose first moment averages g² instead of g, on the same problem from the same
 * start. Two lanes: Adam (the reference, relabelled "Adam", as given) and the buggy variant.
 */
export const adamPitfall: Experiment<PitfallSpec, LossPoint> = async function* ({ lr, steps, seed, reference, reportEveryMs = REPORT_EVERY_MS }, { signal }) {
  const t0 = now();
  const due = reportEvery(reportEveryMs);
  const adamLane: Lane<LossPoint> = { ...reference, key: "adam", label: "Adam" };
  let buggy = lane<LossPoint>("pitfall", PITFALL_LABEL);
  const snapshot = (done: boolean): Snapshot<LossPoint> => ({ lanes: [adamLane, buggy], step: buggy.points.length, totalSteps: steps, done, elapsedMs: now() - t0 });
  let opt: ReturnType<typeof createOptimizer> | null = null;
  let run: RegressionRun | null = null;
  try {
    opt = createOptimizer(adamWithSquaredFirstMoment, { lr });
    run = new RegressionRun({ data: problem(seed), hidden: SEED001_DEMO.hidden, seed, optimizer: opt });
    for (let t = 1; t <= steps; t++) {
      buggy.points.push({ step: t, loss: run.step() });
      if (t < steps) {
        await nextMacrotask();
        if (signal.aborted) break;
        if (due()) yield snapshot(false);
      }
    }
    buggy = { ...buggy, status: signal.aborted ? "stopped" : "done" };
  } catch (error) {
    buggy = failedLane(buggy, error);
  } finally {
    run?.dispose();
    opt?.dispose();
  }
  yield snapshot(true);
};

export interface DecaySpec {
  lr: number;
  weightDecay: number;
  steps: number;
  seed: number;
}

export type DecayPoint = { step: number; mean: number };
/** One lane per (optimizer, group of weights). */
export type DecayLane = Lane<DecayPoint> & { optimizer: string; group: string };
export type DecaySnapshot = Omit<Snapshot<DecayPoint>, "lanes"> & { lanes: DecayLane[] };

/** lib's `adam` (L2 in the gradient) and `adamw` (decoupled) on pure-noise gradients of two scales. */
export const decay: Experiment<DecaySpec, DecayPoint> = async function* ({ lr, weightDecay, steps, seed }, { signal }) {
  const t0 = now();
  let lanes: DecayLane[] = [];
  let step = 0;
  const snapshot = (done: boolean): DecaySnapshot => ({ lanes, step, totalSteps: 2 * (steps + 1), done, elapsedMs: now() - t0 });
  let last = now();
  try {
    for (const rows of decayRuns({ lr, weightDecay, steps, seed })) {
      for (const r of rows) {
        const key = `${r.optimizer} · ${r.group}`;
        let l = lanes.find((l) => l.key === key);
        if (!l) lanes.push((l = { ...lane<DecayPoint>(key, key), optimizer: r.optimizer, group: r.group }));
        l.points.push({ step: r.step, mean: r.mean });
      }
      step++;
      // Drawn once, whole, as before it moved off the page; between slices the thread is handed back.
      if (now() - last > 20) {
        await nextMacrotask();
        if (signal.aborted) break;
        last = now();
      }
    }
    lanes = lanes.map((l) => ({ ...l, status: signal.aborted ? "stopped" : "done" }));
  } catch (error) {
    // Only an invalid setting can fail here (the updates are bounded): every lane says so.
    lanes = [failedLane({ ...lane<DecayPoint>("decay", "decay"), optimizer: "", group: "" }, error)];
  }
  yield snapshot(true);
};

/** The pitfall's status line: waiting, progress with the buggy variant's loss, or how it failed. */
export function pitfallStatus(s: Snapshot<LossPoint> | null): StatusLine {
  const bug = s?.lanes[1];
  if (!s || !bug) return ["", { error: false }];
  if (bug.error) return [`The buggy variant ${bug.error}; Adam, from the same start, did not.`, { error: true }];
  return [`${s.done ? "Finished" : "Running…"} step ${bug.points.length}: buggy variant's loss ${bug.points.at(-1)?.loss.toExponential(3)}.`, { error: false }];
}

/** The decay lanes as the rows `decayComparison` returns, in its order (optimizer, step, group). */
export function decayRows(s: Pick<DecaySnapshot, "lanes">): DecayRow[] {
  const rows: DecayRow[] = [];
  for (const optimizer of [...new Set(s.lanes.map((l) => l.optimizer))]) {
    const lanes = s.lanes.filter((l) => l.optimizer === optimizer);
    for (let i = 0; i < lanes[0].points.length; i++) for (const l of lanes) if (l.points[i]) rows.push({ step: l.points[i].step, optimizer, group: l.group, mean: l.points[i].mean });
  }
  return rows;
}

export interface SnrSpec {
  steps: number;
  betas: [number, number];
  seed: number;
}

export type SnrLanePoint = SnrPoint & Point;

/** √(mean of ratio²) over the streams at r = 0: how much noise leaks through m̂/√v̂ (NaN before r = 0 is run). */
export function snrSpread(points: readonly SnrPoint[]): number {
  const atZero = points.filter((d) => d.snr === 0).map((d) => d.ratio);
  return Math.sqrt(atZero.reduce((s, x) => s + x * x, 0) / atZero.length);
}

/** The page's ratios r = −4, −3.8, …, 4 (snrSweep's default). */
const SNR_RATIOS = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);

/** One lane of every stream's m̂/(√v̂ + ε) after `steps` steps (snrSweep), computed one ratio at a time. */
export const snr: Experiment<SnrSpec, SnrLanePoint> = async function* ({ steps, betas, seed }, { signal }) {
  const t0 = now();
  let sweep = lane<SnrLanePoint>("sweep", "m̂/√v̂");
  let ratios = 0;
  const snapshot = (done: boolean): Snapshot<SnrLanePoint> => ({ lanes: [sweep], step: ratios, totalSteps: SNR_RATIOS.length, done, elapsedMs: now() - t0 });
  for (const rows of snrSweepRows({ ratios: SNR_RATIOS, steps, betas, seed })) {
    sweep.points.push(...rows.map((r) => ({ ...r })));
    ratios++;
    await nextMacrotask(); // drawn once, whole; the thread is handed back between ratios
    if (signal.aborted) break;
  }
  sweep = { ...sweep, status: signal.aborted ? "stopped" : "done" };
  yield snapshot(true);
};

/**
 * How closely the two main lanes' losses agree (max relative difference) over the first (up to) 100 steps and
 * over all so far, and by what factor our Adam's loss has fallen (last / first).
 */
export function agreement(s: Pick<AdamVsTfjsSnapshot, "lanes">): { steps: number; firstHundred: number; early: number; all: number; ratio: number } {
  const [a, b] = s.lanes.map((l) => l.points.map((p) => p.loss));
  const firstHundred = Math.min(100, a.length);
  const ratio = a.length ? a[a.length - 1] / a[0] : NaN;
  return { steps: a.length, firstHundred, early: maxRelativeDifference(a.slice(0, firstHundred), b.slice(0, firstHundred)), all: maxRelativeDifference(a, b), ratio };
}

/** A status line and whether it reports an error: the arguments of the pages' `status(text, {error})`. */
export type StatusLine = [text: string, options: { error: boolean }];

/** The main run's status line: progress, agreement, final weight difference and time, or why it stopped. */
export function adamVsTfjsStatus(s: AdamVsTfjsSnapshot, steps: number): StatusLine {
  const failed = s.lanes.find((l) => l.error)?.error;
  if (failed) return [`Stopped: ${failed}. Lower the learning rate.`, { error: true }];
  const a = agreement(s);
  const { ms, maxParamDiff } = s.meta!;
  return [
    `${s.done ? "Finished" : "Training…"} step ${a.steps} of ${steps} · ` +
    `largest relative difference between the two loss curves: ${a.early.toExponential(1)} over steps 1–${a.firstHundred}, ` +
    `${a.all.toExponential(1)} over all ${a.steps} steps` +
    (s.done ? ` · largest weight difference at the end: ${maxParamDiff.toExponential(1)}` : "") +
    ` · time in steps: ours ${(ms.ours / 1000).toFixed(2)} s, tf.train.adam ${(ms.theirs / 1000).toFixed(2)} s (wall ${(s.elapsedMs / 1000).toFixed(1)} s)`,
    { error: false },
  ];
}

/** Rows every `every` steps of the two main lanes: step, ours, theirs, and their relative difference. */
export function lossTableRows(s: Pick<AdamVsTfjsSnapshot, "lanes">, every = 100): { step: number; ours: number; theirs: number; rel: number }[] {
  const [a, b] = s.lanes.map((l) => l.points);
  const rows = [];
  for (let t = every; t <= Math.min(a.length, b.length); t += every) {
    const x = a[t - 1].loss;
    const y = b[t - 1].loss;
    rows.push({ step: t, ours: x, theirs: y, rel: Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)) });
  }
  return rows;
}
