/**
 * The page "Adam on the digits": the course notebook's linear classifier on sklearn's digits, trained per
 * sample on the Float32 fast path (lib/fast/experiments.ts does the training). Three experiments:
 *  - digits-runs: several runs one after the other, all from the same initial weights (the optimizer table,
 *    input scaling, loss scaling, standardisation);
 *  - digits-cv: k-fold cross-validation of Adam, on raw and on standardised pixels;
 *  - digits-stale: the notebook's SGD cell replayed with its stale-optimizer bug and without.
 * The spec carries the whole decoded dataset (1,797 images, its typed arrays travel by structured clone);
 * the experiment splits it as the page does. After every epoch each hands the thread back (a macrotask), so
 * a cancel is seen within one epoch (898 steps, a few milliseconds); it reports at most every 200 ms.
 */
import type { Dataset } from "../data/dataset.js";
import { adagrad } from "../optimizers/adagrad.js";
import { adam } from "../optimizers/adam.js";
import { rmsprop } from "../optimizers/rmsprop.js";
import { sgd } from "../optimizers/sgd.js";
import { splitDigits } from "../data/digits.js";
import { crossValidate, digitsRuns as runDigits, staleOptimizerReplay, type CrossValidation, type DigitsRunChoice, type DigitsRunRow, type FoldResult, type StaleRow } from "../fast/experiments.js";
import { nextMacrotask } from "../train/loop.js";
import { applyChanges, between, failedLane, lane, now, reportEvery } from "./lanes.js";
import type { Experiment, Lane, LaneChange, LaneStatus, OptimizerChoice, OptionChange, Point, Snapshot } from "./types.js";

type Settable = { setOptions(o: Record<string, unknown>): void };

/**
 * How often a run reports while it trains. Every report redraws every cell that shows the run, and on this
 * long page a redraw (new Plot SVGs and their style elements, tables, a full relayout) measured 100–900 ms on a
 * loaded 2-core machine, far more than a step: two reports a second keep the page live without keeping
 * its main thread busy. The first report goes at once (a rerun draws its first point without waiting).
 */
export const REPORT_EVERY_MS = 500;

/** One run of the table (the fast path's record, re-exported). */
export type { DigitsRunChoice };

export interface DigitsRunsSpec {
  digits: Dataset;
  /** Least time between snapshots while training, ms (default REPORT_EVERY_MS; the first and the last always go). */
  reportEveryMs?: number;
  runs: DigitsRunChoice[];
  epochs: number;
  /** Seed of the initial weights, the same for every run. */
  seed: number;
}

export type EpochPoint = { epoch: number; loss: number };

/** A run's lane: its mean training loss per epoch, and what the page's tables show. */
export type DigitsLane = Lane<EpochPoint> & {
  lr: number;
  scale: number;
  standardize: boolean;
  gradScale: number;
  /** Computation time so far, ms. */
  ms: number;
  /** Test accuracy and mean test loss once the run has ended (null before). */
  accuracy: number | null;
  testLoss: number | null;
};
export type DigitsRunsSnapshot = Omit<Snapshot<EpochPoint>, "lanes"> & { lanes: DigitsLane[] };

function waiting(c: DigitsRunChoice, i: number): DigitsLane {
  return {
    ...lane<EpochPoint>(c.key ?? `${i}`, c.label),
    status: "waiting",
    lr: Number(c.options.lr ?? c.def.defaults.lr),
    scale: c.scale ?? 1,
    standardize: c.standardize ?? false,
    gradScale: c.gradScale ?? 1,
    ms: 0,
    accuracy: null,
    testLoss: null,
  };
}

function runLane(row: DigitsRunRow, before: DigitsLane): DigitsLane {
  const base: DigitsLane = {
    ...lane<EpochPoint>(before.key, row.label, row.losses.map((loss, e) => ({ epoch: e + 1, loss }))),
    lr: row.lr,
    scale: row.scale,
    standardize: row.standardize,
    gradScale: row.gradScale,
    ms: row.ms,
    accuracy: row.accuracy ?? null,
    testLoss: row.testLoss ?? null,
  };
  if (!row.done) return base;
  return row.cause === undefined ? { ...base, status: "done" } : failedLane(base, row.cause);
}

const stop = <L extends Lane>(l: L): L => (l.status === "running" || l.status === "waiting" ? { ...l, status: "stopped" } : l);

/**
 * digits-runs under the reader's controls (controls.js): a step is one epoch, and an option change (the live
 * learning rate) goes to the run that trains the next epoch — the run in progress from its next epoch, or,
 * when that run has just trained its last, the next run from its first — and to no other: the later runs keep
 * the table's rates. The optimizer keeps its state (setOptions, as torch's param_groups), and the change is
 * recorded in that lane's `changes` with `step` = the first epoch it applied to.
 */
export const digitsRuns: Experiment<DigitsRunsSpec, EpochPoint> = async function* ({ digits, runs, epochs, seed, reportEveryMs = REPORT_EVERY_MS }, { signal, control }) {
  const t0 = now();
  const due = reportEvery(reportEveryMs);
  const { train, test } = splitDigits(digits);
  const changes: LaneChange[][] = runs.map(() => []);
  let lanes = runs.map(waiting);
  const snapshot = (done: boolean): DigitsRunsSnapshot => ({
    lanes: lanes.map((l, i) => ({ ...l, changes: [...changes[i]] })),
    step: lanes.reduce((n, l) => n + l.points.length, 0),
    totalSteps: runs.length * epochs,
    done,
    elapsedMs: now() - t0,
  });
  // The run training now and its optimizer; changes made after a run's last epoch wait for the next run.
  let current: { run: number; optimizer: Settable } | null = null;
  let held: OptionChange[] = [];
  const onStart = (run: number, optimizer: Settable) => {
    current = { run, optimizer };
    const waiting = held.splice(0);
    applyChanges({ paused: false, turn: async () => {}, next: async () => {}, changes: () => waiting }, [{ key: lanes[run].key, optimizer, changes: changes[run], nextStep: 1 }]);
  };
  for (const progress of runDigits({ train, test, runs, epochs, seed, signal, onStart })) {
    lanes = lanes.map((l, i) => (progress.rows[i] ? runLane(progress.rows[i], l) : l));
    if (progress.done) break;
    await nextMacrotask();
    if (signal.aborted) break;
    if (due()) yield snapshot(false);
    // The reader's pause / step (controls.js): a step is one epoch of the run in progress.
    yield* between(control, () => snapshot(false));
    if (signal.aborted) break;
    const c = current as { run: number; optimizer: Settable } | null;
    if (c && lanes[c.run].points.length < epochs) applyChanges(control, [{ key: lanes[c.run].key, optimizer: c.optimizer, changes: changes[c.run], nextStep: lanes[c.run].points.length + 1 }]);
    else held.push(...(control?.changes() ?? []));
  }
  if (signal.aborted) lanes = lanes.map(stop);
  yield snapshot(true);
};

export interface CrossValidationSpec {
  digits: Dataset;
  /** Least time between snapshots while training, ms (default REPORT_EVERY_MS; the first and the last always go). */
  reportEveryMs?: number;
  k: number;
  def: OptimizerChoice["def"];
  options: OptimizerChoice["options"];
  epochs: number;
  seed: number;
}

/** A cross-validation's lane (raw pixels or standardised): one point per finished fold. */
export type CrossValidationLane = Lane<FoldResult & Point> & {
  mean: number;
  sd: number;
  /** The fold being trained (1-based), 0 once done. */
  running: number;
};
export type CrossValidationSnapshot = Omit<Snapshot, "lanes"> & { lanes: CrossValidationLane[] };

function cvLane(key: "raw" | "standardized", cv: CrossValidation | null, status: LaneStatus): CrossValidationLane {
  const label = key === "raw" ? "pixels 0–16" : "standardised";
  return {
    ...lane(key, label, (cv?.folds ?? []).map((f) => ({ ...f }))),
    status,
    mean: cv?.mean ?? NaN,
    sd: cv?.sd ?? NaN,
    running: cv?.running ?? 0,
  };
}

/**
 * The loop both replay experiments share: lane after lane, drain that lane's synchronous generator, turning each
 * value into the lane (`toLane`), yielding to the event loop between values and a snapshot when one is due; a
 * throw ends the lane as failedLane says; an abort stops every lane still going.
 */
async function* laneByLane<V extends { done: boolean }, L extends Lane<any>>(
  lanes: L[],
  sources: (() => Iterable<V>)[],
  toLane: (i: number, v: V) => L,
  { signal, due, snapshot, stop: stopped }: { signal: AbortSignal; due: () => boolean; snapshot: (done: boolean) => unknown; stop: (l: L) => L },
): AsyncGenerator<unknown, void, undefined> {
  for (const [i, source] of sources.entries()) {
    try {
      for (const v of source()) {
        lanes[i] = toLane(i, v);
        if (v.done) break;
        await nextMacrotask();
        if (signal.aborted) break;
        if (due()) yield snapshot(false);
      }
    } catch (error) {
      lanes[i] = failedLane(lanes[i], error);
    }
    if (signal.aborted) break;
  }
  if (signal.aborted) lanes.forEach((l, i) => (lanes[i] = stopped(l)));
  yield snapshot(true);
}

/** k-fold cross-validation of one optimizer, on the raw pixels and then standardised per fold. */
export const digitsCrossValidation: Experiment<CrossValidationSpec> = async function* ({ digits, k, def, options, epochs, seed, reportEveryMs = REPORT_EVERY_MS }, { signal }) {
  const t0 = now();
  const due = reportEvery(reportEveryMs);
  const lanes: CrossValidationLane[] = [cvLane("raw", null, "waiting"), cvLane("standardized", null, "waiting")];
  const snapshot = (done: boolean): CrossValidationSnapshot => ({ lanes: [...lanes], step: lanes.reduce((n, l) => n + l.points.length, 0), totalSteps: 2 * k, done, elapsedMs: now() - t0 });
  const keys = ["raw", "standardized"] as const;
  const sources = [false, true].map((standardize) => () => crossValidate({ data: digits, k, def, options, standardize, epochs, seed, signal }));
  yield* laneByLane(lanes, sources, (i, cv) => cvLane(keys[i], cv, cv.done ? "done" : "running"), { signal, due, snapshot, stop }) as AsyncGenerator<CrossValidationSnapshot>;
};

export interface StaleSpec {
  digits: Dataset;
  /** Least time between snapshots while training, ms (default REPORT_EVERY_MS; the first and the last always go). */
  reportEveryMs?: number;
  epochs: number;
  seed: number;
}

export type StaleLane = Lane<StaleRow & Point> & { running: number };
export type StaleSnapshot = Omit<Snapshot, "lanes"> & { lanes: StaleLane[] };

/** The notebook's SGD cell replayed with one optimizer for three models (its bug), then one per model. */
export const digitsStale: Experiment<StaleSpec> = async function* ({ digits, epochs, seed, reportEveryMs = REPORT_EVERY_MS }, { signal }) {
  const t0 = now();
  const due = reportEvery(reportEveryMs);
  const { train, test } = splitDigits(digits);
  const make = (buggy: boolean, rows: StaleRow[], running: number, status: LaneStatus): StaleLane => ({
    ...lane(buggy ? "buggy" : "fixed", buggy ? "one optimizer (the notebook)" : "one optimizer per model", rows.map((r) => ({ ...r }))),
    status,
    running,
  });
  const lanes: StaleLane[] = [make(true, [], 0, "waiting"), make(false, [], 0, "waiting")];
  const snapshot = (done: boolean): StaleSnapshot => ({ lanes: [...lanes], step: lanes.reduce((n, l) => n + l.points.length, 0), totalSteps: 6, done, elapsedMs: now() - t0 });
  const sources = [true, false].map((buggy) => () => staleOptimizerReplay({ train, test, buggy, epochs, seed, signal }));
  yield* laneByLane(lanes, sources, (i, p) => make(i === 0, p.rows, p.running, p.done ? "done" : "running"), { signal, due, snapshot, stop }) as AsyncGenerator<StaleSnapshot>;
};

/** A run the page has asked for but not started yet (lab.js's `runAfter`): no lanes. */
type Pending = { pending: true; lanes?: undefined };

/** The rows the page's result tables show: the runs that have started, in order (none while pending). */
export function digitsRows(s: Pick<DigitsRunsSnapshot, "lanes"> | Pending) {
  return (s.lanes ?? [])
    .filter((l) => l.status !== "waiting")
    .map((l) => ({
      label: l.label,
      lr: l.lr,
      scale: l.scale,
      standardize: l.standardize,
      gradScale: l.gradScale,
      epoch: l.points.length,
      loss: l.points.at(-1)?.loss ?? NaN,
      accuracy: l.accuracy,
      testLoss: l.testLoss,
      ms: l.ms,
      error: l.error,
      /** Live option changes (`step`: the first epoch they applied to). */
      changes: l.changes ?? [],
    }));
}

/** One row per started cross-validation: the folds' accuracies, their mean ± sd, time and progress. */
export function crossValidationRows(s: Pick<CrossValidationSnapshot, "lanes"> | Pending, k: number) {
  return (s.lanes ?? [])
    .filter((l) => l.status !== "waiting")
    .map((l) => ({
      inputs: l.label,
      folds: l.points.map((f) => f.accuracy.toFixed(3)).join("  "),
      mean: l.mean,
      sd: l.sd,
      ms: l.points.reduce((a, f) => a + f.ms, 0),
      state: l.status === "running" ? `fold ${l.running} of ${k}…` : l.error ?? l.status,
    }));
}

/** The stale-optimizer tables' rows: each replay's finished models, labelled with the version. */
export function staleRows(s: Pick<StaleSnapshot, "lanes"> | Pending) {
  return (s.lanes ?? []).flatMap((l) => l.points.map((r) => ({ version: l.label, ...r })));
}

/**
 * The notebook's four optimizers and learning rates. PyTorch's accuracies for them come from running the
 * page's export (src/data/digits-pytorch.json, made by scripts/digits-pytorch.ts), not from here.
 */
export const NOTEBOOK_OPTIMIZERS: readonly DigitsRunChoice[] = [
  { label: "Adam", def: adam, options: { lr: 1e-3 } },
  { label: "SGD", def: sgd, options: { lr: 1e-3 } },
  { label: "RMSprop", def: rmsprop, options: { lr: 1e-3 } },
  { label: "Adagrad", def: adagrad, options: { lr: 1e-2 } },
];

/** The notebook's input-scaling runs (Adam × 1/50, 1, 50; SGD × 1/50, 1/5, 1, 5, 50), each also at × `c`. */
export function scalingRuns(c: number): DigitsRunChoice[] {
  return [
    ...[1 / 50, 1, 50, c].map((scale) => ({ label: "Adam", def: adam, options: { lr: 1e-3 }, scale })),
    ...[1 / 50, 1 / 5, 1, 5, 50, c].map((scale) => ({ label: "SGD", def: sgd, options: { lr: 1e-3 }, scale })),
  ];
}

/** Adam and SGD with the loss × 1 and × `c`. */
export function lossScalingRuns(c: number): DigitsRunChoice[] {
  return [1, c].flatMap((gradScale) => [
    { label: "Adam", def: adam, options: { lr: 1e-3 }, gradScale },
    { label: "SGD", def: sgd, options: { lr: 1e-3 }, gradScale },
  ]);
}

/** Adam and SGD on raw and on standardised pixels. */
export function standardisingRuns(): DigitsRunChoice[] {
  return [adam, sgd].flatMap((def) => [false, true].map((standardize) => ({ label: def.title, def, options: { lr: 1e-3 }, standardize })));
}

/** One row per run and epoch (for the export): the test accuracy and loss on each run's last epoch only. */
export function epochRows(s: Pick<DigitsRunsSnapshot, "lanes">) {
  return s.lanes.flatMap((r) =>
    r.points.map(({ loss }, i) => ({
      optimizer: r.label,
      lr: r.lr,
      epoch: i + 1,
      loss,
      testAccuracy: i === r.points.length - 1 ? r.accuracy : null,
      testLoss: i === r.points.length - 1 ? r.testLoss : null,
    })),
  );
}

/** The optimizer table's status line: which run trains, or how many ran and how long they took. */
export function digitsStatus(s: Pick<DigitsRunsSnapshot, "lanes" | "done">, { epochs, steps }: { epochs: number; steps: number }): string {
  const rows = digitsRows(s);
  return s.done
    ? `${rows.length} runs of ${epochs} epochs × ${steps} steps, ${rows.reduce((a, r) => a + r.ms, 0).toFixed(0)} ms of computation in all.`
    : `Training ${rows.at(-1)?.label ?? ""}: epoch ${rows.at(-1)?.epoch ?? 0} of ${epochs}…`;
}

/** The scaling runs the page's sentence quotes, found by optimizer and scale (undefined until they ran). */
export function scalingFigures(rows: ReturnType<typeof digitsRows>) {
  const at = (name: string, s: number) => rows.find((r) => r.label === name && Math.abs(r.scale / s - 1) < 1e-9);
  return { sgd1: at("SGD", 1), sgd50: at("SGD", 50), sgdSmall: at("SGD", 1 / 50), adam1: at("Adam", 1), adam50: at("Adam", 50), adamSmall: at("Adam", 1 / 50) };
}
