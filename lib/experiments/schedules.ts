/**
 * The page "Learning-rate schedules": runs that differ only in how the learning rate moves. Each lane is an
 * optimizer choice with a schedule — plain data, `{name, options}` from lib/schedules, resolved here (in the
 * worker) with `createScheduler` — and, optionally, option changes between steps. Two problems:
 *  - "schedule-mnist": an MLP on the MNIST subset; every lane starts from the same weights and sees the same
 *    batches (one init seed, one data seed), so lanes differ only by their rates;
 *  - "schedule-surface": a point on one of lib/surfaces' functions, lib's `minimize` loop.
 * Every point records the rate (and the momentum or β₁) the step used, read from the optimizer itself.
 *
 * MNIST runs take turns on one queue (lib/train/race.ts's RunQueue): one trains at a time, the lowest `priority`
 * first, and a running one hands over after its current step when a lower number is waiting. A page with five
 * figures then fills them one after another, its first figure first, and redraws one chart at a time.
 *
 * A change `{step: k, options}` is applied after step k with the optimizer's `setOptions`, which keeps every
 * state buffer and the step count (torch: assigning to `param_groups[0][name]`); with `reset: true` the state is
 * dropped first — what building a new optimizer mid-run does.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { DataSource } from "../train/loop.js";
import { nextMacrotask, train } from "../train/loop.js";
import { RunQueue, type QueueTicket } from "../train/race.js";
import { minimize } from "../train/minimize.js";
import { variable } from "../train/parameters.js";
import { crossEntropy } from "../models/losses.js";
import { disposeModel, forward, mlp, type Init, type MLP } from "../models/mlp.js";
import { createOptimizer } from "../optimizers/optimizer.js";
import type { OptimizerChoice } from "../optimizers/choice.js";
import { createScheduler, type Scheduler } from "../schedules/scheduler.js";
import { schedules } from "../schedules/index.js";
import type { ScheduleSpec } from "../schedules/sequentiallr.js";
import type { AnyScheduleDef } from "../schedules/types.js";
import { surfaces } from "../surfaces.js";
import type { Dataset, Normalization } from "../data/dataset.js";
import { adam } from "../optimizers/adam.js";
import { sgd } from "../optimizers/sgd.js";
import { recipeSchedule } from "../schedules/recipe.js";
import { applyChanges as applyLiveChanges, between, failedLane, lane as newLane, now } from "./lanes.js";
import type { Experiment, Lane, RunContext, Snapshot } from "./types.js";

export interface OptionChange {
  /** Applied after this optimizer step (before step + 1). */
  step: number;
  options: Record<string, unknown>;
  /** Drop the optimizer's state first, as a newly built optimizer would have none. */
  reset?: boolean;
}

export interface ScheduledChoice extends OptimizerChoice {
  /** A schedule by name with its options (lib/schedules); null or absent: a constant rate. */
  schedule?: ScheduleSpec | null;
  changes?: readonly OptionChange[];
}

/**
 * One step of a lane. `loss` is the loss the step's gradient was taken at (MNIST: the batch's mean loss; a
 * surface: f before the step); `lr` and `momentum` (SGD's momentum or Adam's β₁) are what the step used.
 * With `measureSteps`, `stepMedian` and `stepP90` are the median and 90th percentile over all weights of
 * |Δθ|, the size of the update the step made.
 */
export type SchedulePoint = { step: number; loss: number; lr: number; momentum?: number; stepMedian?: number; stepP90?: number; x?: number; y?: number };
export type ScheduleMeta = { changes: { key: string; step: number }[] };
export type ScheduleSnapshot = Snapshot<SchedulePoint, ScheduleMeta>;

export interface ScheduleMnistSpec {
  sizes: number[];
  init?: Init;
  initSeed: number;
  data: DataSource;
  steps: number;
  lanes: readonly ScheduledChoice[];
  /** Record the update sizes |Δθ| of every step (reads every weight each step: slower). */
  measureSteps?: boolean;
  /** Place on the queue the MNIST runs share: the lowest number trains first (page order). Default 0. */
  priority?: number;
}

export interface ScheduleSurfaceSpec {
  surface: string;
  start?: [number, number];
  steps: number;
  lanes: readonly ScheduledChoice[];
}

type Optimizer = ReturnType<typeof createOptimizer>;

/** The schedule spec bound to `optimizer`, or undefined for a constant rate. Throws the schedule's own message. */
export function bindSchedule(spec: ScheduleSpec | null | undefined, optimizer: Optimizer): Scheduler | undefined {
  if (!spec) return undefined;
  const def = (schedules as Record<string, AnyScheduleDef>)[spec.name];
  if (!def) throw new Error(`Unknown schedule "${spec.name}" (known: ${Object.keys(schedules).join(", ")})`);
  return createScheduler(def, spec.options, optimizer);
}

/** The rate and the momentum (β₁ for Adam-style optimizers) the optimizer's next step will use. */
function rates(optimizer: Optimizer): { lr: number; momentum?: number } {
  const o = optimizer.options as { lr: number; momentum?: number; betas?: readonly number[] };
  const momentum = o.betas ? o.betas[0] : o.momentum;
  return momentum === undefined ? { lr: o.lr } : { lr: o.lr, momentum };
}

// #region change
/** Apply the changes due after step `step`: setOptions keeps m, v, the momentum buffer and t. */
function applyChanges(optimizer: Optimizer, changes: readonly OptionChange[] | undefined, step: number): void {
  for (const change of changes ?? []) {
    if (change.step !== step) continue;
    if (change.reset) optimizer.reset(); // a new optimizer: no state, t starts again at 1
    optimizer.setOptions(change.options);
  }
}
// #endregion change

/** Median and 90th percentile of |a − b| over all entries. */
function spread(before: Float32Array, after: Float32Array): { stepMedian: number; stepP90: number } {
  const d = new Float32Array(after.length);
  for (let i = 0; i < d.length; i++) d[i] = Math.abs(after[i] - before[i]);
  d.sort();
  return { stepMedian: d[Math.floor(0.5 * (d.length - 1))], stepP90: d[Math.floor(0.9 * (d.length - 1))] };
}

function flatValues(vars: readonly tf.Variable[]): Float32Array {
  const parts = vars.map((v) => v.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A lane being trained: `next()` takes one step and returns its point, or null when the lane is over. */
interface Runner {
  next(): Promise<SchedulePoint | null>;
  dispose(): Promise<void> | void;
  /** The lane's optimizer, for the reader's live option changes (RunControl). */
  optimizer: Optimizer;
}

/**
 * One step of each lane in turn until all have finished; a snapshot at most every `reportMs`, and the last.
 * A lane whose setup or step throws ends "invalid" or "diverged" (failedLane) and the others go on.
 */
async function* interleave(
  choices: readonly ScheduledChoice[],
  steps: number,
  start: (choice: ScheduledChoice) => { runner: Runner; first?: SchedulePoint },
  { signal, control }: RunContext,
  queue?: { queue: RunQueue; priority: number },
  reportMs = 150,
): AsyncGenerator<ScheduleSnapshot> {
  const t0 = now();
  const lanes: Lane<SchedulePoint>[] = [];
  const runners: (Runner | null)[] = [];
  const changes = choices.flatMap((c) => (c.changes ?? []).map((ch) => ({ key: c.key, step: ch.step })));
  const snapshot = (done: boolean): ScheduleSnapshot => ({
    lanes: lanes.map((l) => ({ ...l, points: l.points.slice() })),
    step: lanes.reduce((n, l) => n + l.points.filter((p) => p.step > 0).length, 0),
    totalSteps: steps * lanes.length,
    done,
    elapsedMs: now() - t0,
    meta: { changes },
  });
  // One place on the queue, held while training (null: not holding one).
  const held: { ticket: QueueTicket | null } = { ticket: null };
  const turn = async (): Promise<boolean> => {
    if (!queue) return true;
    if (!held.ticket) {
      held.ticket = await queue.queue.acquire(queue.priority, signal);
      for (let i = 0; i < lanes.length; i++) if (lanes[i].status === "waiting") lanes[i] = { ...lanes[i], status: "running" };
    }
    return held.ticket !== null;
  };
  try {
    for (const choice of choices) {
      const lane = { ...newLane<SchedulePoint>(choice.key, choice.label), ...(queue && { status: "waiting" as const }) };
      try {
        const { runner, first } = start(choice);
        if (first) lane.points.push(first);
        runners.push(runner);
      } catch (error) {
        Object.assign(lane, failedLane(lane, error));
        runners.push(null);
      }
      lanes.push(lane);
    }
    yield snapshot(false);
    let last = now();
    let active = true;
    while (active && !signal.aborted) {
      if (held.ticket?.preempted()) {
        held.ticket.release(); // a run higher on the page is waiting: let it train first
        held.ticket = null;
        yield snapshot(false);
      }
      if (!(await turn())) break;
      active = false;
      for (let i = 0; i < lanes.length; i++) {
        const runner = runners[i];
        if (!runner || signal.aborted) continue;
        try {
          const point = await runner.next();
          if (point) {
            lanes[i].points.push(point);
            active = true;
            continue;
          }
          lanes[i] = { ...lanes[i], status: "done" };
        } catch (error) {
          lanes[i] = failedLane(lanes[i], error);
        }
        await runner.dispose();
        runners[i] = null;
      }
      // The reader's pause / step and live option changes (the page's run controls), between two rounds of steps.
      const round = Math.max(0, ...lanes.map((l) => l.points.at(-1)?.step ?? 0));
      if (control) {
        yield* between(control, () => snapshot(false));
        applyLiveChanges(control, lanes.map((l, i) => ({ key: l.key, optimizer: runners[i]?.optimizer ?? null, changes: (lanes[i].changes ??= []), nextStep: round + 1 })));
      }
      if (now() - last >= reportMs) {
        yield snapshot(false);
        await nextMacrotask(); // surface steps never wait: let a cancel message in
        last = now();
      }
    }
    for (let i = 0; i < lanes.length; i++) if (runners[i]) lanes[i] = { ...lanes[i], status: "stopped" };
  } finally {
    held.ticket?.release();
    for (const r of runners) await r?.dispose();
  }
  yield snapshot(true);
}

/** The queue every MNIST run of this module takes turns on (one per worker: a page's runs share it). */
export const mnistQueue = new RunQueue();

export const scheduleMnist: Experiment<ScheduleMnistSpec, SchedulePoint, ScheduleMeta> = (spec, context) => {
  const { sizes, init, initSeed, data, steps, measureSteps = false, priority = 0 } = spec;
  return interleave(spec.lanes, steps, (choice) => {
    let model: MLP | null = null;
    let optimizer: Optimizer | null = null;
    const dispose = () => {
      optimizer?.dispose();
      if (model) disposeModel(model);
      optimizer = null;
      model = null;
    };
    try {
      optimizer = createOptimizer(choice.def, choice.options);
      const opt = optimizer;
      const scheduler = bindSchedule(choice.schedule, opt);
      const m = (model = mlp({ sizes, init, seed: initSeed })); // the same weights in every lane
      const gen = train({ params: m.params, loss: (x, y) => crossEntropy(forward(m, x), y), data, optimizer: opt, scheduler, steps, signal: context.signal });
      let before = measureSteps ? flatValues(m.params) : null;
      const runner: Runner = {
        async next() {
          const used = rates(opt); // the rate this step uses: the schedule's, or one the reader just set
          const r = await gen.next();
          if (r.done) return null;
          const point: SchedulePoint = { step: r.value.step, loss: r.value.loss, ...used };
          if (before) {
            const after = flatValues(m.params);
            Object.assign(point, spread(before, after));
            before = after;
          }
          applyChanges(opt, choice.changes, r.value.step);
          return point;
        },
        optimizer: opt,
        async dispose() {
          await gen.return(undefined);
          dispose();
        },
      };
      return { runner };
    } catch (error) {
      dispose();
      throw error;
    }
  }, context, { queue: mnistQueue, priority });
};

export const scheduleSurface: Experiment<ScheduleSurfaceSpec, SchedulePoint, ScheduleMeta> = (spec, context) => {
  const surface = surfaces.find((s) => s.key === spec.surface);
  if (!surface) throw new Error(`Unknown surface "${spec.surface}"`);
  const [x0, y0] = spec.start ?? surface.start;
  return interleave(spec.lanes, spec.steps, (choice) => {
    const θ = variable([x0, y0], [2]);
    let optimizer: Optimizer | null = null;
    try {
      optimizer = createOptimizer(choice.def, choice.options);
      const opt = optimizer;
      const scheduler = bindSchedule(choice.schedule, opt);
      const gen = minimize({ params: [θ], loss: () => surface.f(θ as tf.Tensor1D), optimizer: opt, scheduler, steps: spec.steps, signal: context.signal });
      const runner: Runner = {
        async next() {
          const used = rates(opt); // the rate this step uses: the schedule's, or one the reader just set
          const r = gen.next();
          if (r.done) return null;
          const [x, y] = r.value.params[0];
          applyChanges(opt, choice.changes, r.value.step);
          return { step: r.value.step, loss: r.value.loss, ...used, x, y };
        },
        optimizer: opt,
        dispose() {
          gen.return(undefined);
          opt.dispose();
          θ.dispose();
        },
      };
      return { runner };
    } catch (error) {
      optimizer?.dispose();
      θ.dispose();
      throw error;
    }
  }, context);
};

/**
 * The lanes of the page's figures, as plain specs for "schedule-mnist" (the page's wiring stays one line each).
 * Warm-up: Adam at `lr`, without and with LinearLR from lr/warmup up to lr over `warmup` steps.
 */
export function warmupLanes({ lr, warmup, steps = 150 }: { lr: number; warmup: number; steps?: number }): ScheduledChoice[] {
  const schedule = recipeSchedule({ steps, warmup, shape: "constant", floor: 1, lr }); // LinearLR
  return [
    { key: "none", label: "no warm-up", def: adam, options: { lr } },
    { key: "warm", label: `warm-up over ${warmup} steps`, def: adam, options: { lr }, schedule },
  ];
}

/** One cycle: SGD with momentum 0.9 at a constant η_max against OneCycleLR up to η_max (which also moves the momentum). */
export function oneCycleLanes({ lr, steps = 200 }: { lr: number; steps?: number }): ScheduledChoice[] {
  return [
    { key: "constant", label: "constant η_max, μ = 0.9", def: sgd, options: { lr, momentum: 0.9 } },
    { key: "cycle", label: "OneCycleLR", def: sgd, options: { lr, momentum: 0.9 }, schedule: { name: "onecyclelr", options: { max_lr: lr, total_steps: steps } } },
  ];
}

/** The reader's recipe (a schedule spec, or null for none) for Adam beside Adam at its constant peak rate. */
export function recipeLanes({ lr, schedule }: { lr: number; schedule: ScheduleSpec | null }): ScheduledChoice[] {
  return [
    { key: "constant", label: "constant", def: adam, options: { lr } },
    { key: "yours", label: "your schedule", def: adam, options: { lr }, schedule },
  ];
}

/** Adam at 0.001 unchanged, and changed to `lr` after step `step` by setOptions (state kept) or as a new optimizer. */
export function changeLanes({ step, lr }: { step: number; lr: number }): ScheduledChoice[] {
  const change = { step, options: { lr } }; // applied after step `step`
  return [
    { key: "same", label: "unchanged", def: adam, options: { lr: 0.001 } },
    { key: "kept", label: "setOptions: state kept", def: adam, options: { lr: 0.001 }, changes: [change] },
    { key: "reset", label: "new optimizer: state lost", def: adam, options: { lr: 0.001 }, changes: [{ ...change, reset: true }] },
  ];
}

/**
 * The MNIST network the schedules and beyond-Adam pages train: torch's default initialisation from seed 1, batches
 * of 64 in a seeded order, the pixels normalised with the training set's mean and standard deviation.
 */
export function mnistNetwork(dataset: Dataset, { normalization }: { normalization: Normalization }, sizes: number[] = [784, 100, 10]): Pick<ScheduleMnistSpec, "sizes" | "init" | "initSeed" | "data"> {
  return { sizes, init: "torch-default", initSeed: 1, data: { dataset, batchSize: 64, seed: 1, normalize: normalization } };
}
