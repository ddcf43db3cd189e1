/**
 * A fair race between optimizers on a real classifier (the MNIST pages): every lane builds the same MLP from
 * the same init seed — identical initial weights — and trains on the same batches (one data seed, so the same
 * shuffle and augmentation every epoch). Only the optimizer (or its settings, or the accumulation mode) differs.
 *
 * ```ts
 * const lanes = [
 *   { key: "sgd", label: "SGD", def: sgd, options: { lr: 1e-3 } },
 *   { key: "adam", label: "Adam", def: adam, options: { lr: 1e-3 } },
 * ];
 * for await (const snap of trainingRace({
 *   sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: 2,
 *   data: { dataset, batchSize: 128, seed: 2, normalize },
 *   epochs: 1, lanes, signal,
 * })) draw(snap.lanes);            // snap.lanes[i].points: per-step loss; .status, .step / .totalSteps
 * ```
 *
 * Lanes run interleaved (one step of each in turn, default) or one after another. A lane that diverges or
 * whose hyperparameters are invalid stops with `status` "diverged" / "invalid" and its `error`; the others go
 * on. Every model, optimizer and gradient buffer is freed when the generator finishes, is returned, or is aborted.
 *
 * Several races on one page can share a `RunQueue`: one race trains at a time, the lowest `priority` number
 * first (page order), and a running race hands over after its current step when a race of a lower number is
 * waiting — so a reader's change to the first section reruns at once even while later sections still train.
 */
import * as tf from "@tensorflow/tfjs-core";
import { batchesPerEpoch } from "../data/batches.js";
import type { Dataset, Normalization } from "../data/dataset.js";
import { crossEntropy } from "../models/losses.js";
import { disposeModel, forward, mlp, type Init, type MLP } from "../models/mlp.js";
import { createOptimizer } from "../optimizers/optimizer.js";
import type { ClassifierChoice } from "../experiments/choices.js";
import type { LaneChange, RunControl } from "../experiments/types.js";
import { applyChanges, between } from "../experiments/lanes.js";
import { DivergedError } from "./diverged.js";
import { evaluateClassifier, type ClassifierScore, type Evaluation } from "./evaluate.js";
import { train, type DataSource, type Progress } from "./loop.js";

export interface LanePoint {
  step: number;
  epoch: number;
  samplesSeen: number;
  /** Mean loss of the step's samples, before the update. */
  loss: number;
}

export interface LaneEvaluation extends Evaluation {
  step: number;
  samplesSeen: number;
}

export type LaneStatus = "waiting" | "running" | "done" | "diverged" | "invalid" | "stopped";

export interface Lane {
  readonly key: string;
  readonly label: string;
  readonly spec: ClassifierChoice;
  status: LaneStatus;
  /** One point per optimizer step. */
  points: LanePoint[];
  /** Evaluations (with `evaluation`): at step 0, every `every` samples, and at the end. */
  evals: LaneEvaluation[];
  step: number;
  totalSteps: number;
  samplesSeen: number;
  /** Time this lane spent training and evaluating (not waiting for other lanes or for the page). */
  elapsedMs: number;
  /** Of which inside the training loop (steps, and evaluations every `every` samples). */
  trainMs: number;
  /** Of which evaluating, and the images scored in that time (for time estimates). */
  evalMs: number;
  evalImages: number;
  error?: Error;
  /** Option changes made during the run (RunControl), each from the step it first applied to. */
  changes: LaneChange[];
}

export interface RaceEvaluation {
  /** Scored for trainLoss / trainAcc (NaN when absent). */
  train?: Dataset;
  /**
   * Scored for testLoss / testAcc (NaN when absent). A loader instead of a dataset is called once the first
   * training step has been taken, so its download does not delay the first step: every evaluation until it
   * resolves keeps a copy of the weights it scores, and is scored (train and test, in order) when the test
   * set is here. Its rejection ends the race with that error.
   */
  test?: Dataset | (() => Promise<Dataset>);
  /** Samples between evaluations (the gradient-descent tutorial: 10,000). */
  every: number;
  /** Normalisation of the evaluated images (default: the training data's). */
  normalize?: Normalization;
  /** Images per forward pass; the race yields to the event loop between them. Default 500. */
  batchSize?: number;
}

export interface TrainingRaceOptions {
  /** MLP layer widths, e.g. [784, 256, 256, 10]. */
  sizes: number[];
  init?: Init;
  /** Every lane's model starts from `mlp({sizes, init, seed: initSeed})`: the same weights. */
  initSeed: number;
  /** The same dataset, batch size, data seed, augmentation and normalisation for every lane. */
  data: DataSource;
  epochs?: number;
  steps?: number;
  lanes: ClassifierChoice[];
  /** "interleaved" (default): one step of each lane in turn; "sequential": each lane to the end in turn. */
  order?: "interleaved" | "sequential";
  evaluation?: RaceEvaluation;
  signal?: AbortSignal;
  /** Least time between snapshots, in ms (default 200); the first and the last are always reported. */
  reportEveryMs?: number;
  queue?: RunQueue;
  /** Lower runs first on a shared queue (default 0). */
  priority?: number;
  /** The reader's pause / step buttons and mid-run option changes (lib/experiments' RunControl). */
  control?: RunControl;
}

export interface RaceSnapshot {
  /** Copies of the lanes' fields at this moment (their `points` and `evals` arrays are shared and grow). */
  lanes: Lane[];
  /** Every lane finished (done, diverged, invalid). */
  done: boolean;
  /** Still waiting for its turn on the queue. */
  queued: boolean;
  /** Wall time since the race started, including time queued. */
  wallMs: number;
}

// #region queue
/** A place in a `RunQueue`: hold it while training, give it back when done or when preempted. */
export interface QueueTicket {
  readonly priority: number;
  /** A run with a lower priority number is waiting: release now and queue again. */
  preempted(): boolean;
  release(): void;
}

/** One run trains at a time; waiting runs go lowest priority number first, then first come first served. */
export class RunQueue {
  private holder: QueueTicket | null = null;
  private waiters: { priority: number; seq: number; grant: (t: QueueTicket | null) => void }[] = [];
  private seq = 0;

  get busy(): boolean {
    return this.holder !== null;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a ticket when it is this run's turn, or with null if `signal` aborts first. */
  acquire(priority = 0, signal?: AbortSignal): Promise<QueueTicket | null> {
    if (signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = { priority, seq: this.seq++, grant: resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) {
            this.waiters.splice(i, 1);
            resolve(null);
          }
        },
        { once: true },
      );
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.holder || this.waiters.length === 0) return;
    let best = 0;
    for (let i = 1; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      const b = this.waiters[best];
      if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    }
    const [next] = this.waiters.splice(best, 1);
    let released = false;
    const ticket: QueueTicket = {
      priority: next.priority,
      preempted: () => !released && this.waiters.some((w) => w.priority < next.priority),
      release: () => {
        if (released) return;
        released = true;
        if (this.holder === ticket) this.holder = null;
        this.dispatch();
      },
    };
    this.holder = ticket;
    next.grant(ticket);
  }
}
// #endregion queue

/** Optimizer steps a run takes: per epoch ⌈batches / k⌉ (the loop never mixes epochs in one step), capped by `steps`. */
export function plannedSteps({
  count,
  batchSize,
  accumulation = 1,
  epochs,
  steps,
  dropLast = false,
}: {
  count: number;
  batchSize: number;
  accumulation?: number;
  epochs?: number;
  steps?: number;
  dropLast?: boolean;
}): number {
  const perEpoch = Math.ceil(batchesPerEpoch(count, batchSize, dropLast) / accumulation);
  const byEpochs = epochs === undefined ? Infinity : epochs * perEpoch;
  const total = Math.min(byEpochs, steps ?? Infinity);
  if (!Number.isFinite(total)) throw new Error("plannedSteps: give epochs or steps");
  return total;
}

/** `evaluateClassifier` with a smaller default batch (it yields between batches, so the page stays responsive). */
export function evaluateClassifierAsync(
  logits: (x: tf.Tensor2D) => tf.Tensor2D,
  ds: Dataset,
  { batchSize = 500, normalize, signal }: { batchSize?: number; normalize?: Normalization; signal?: AbortSignal } = {},
): Promise<ClassifierScore> {
  return evaluateClassifier(logits, ds, { batchSize, normalize, signal });
}

/** An evaluation waiting for the test set: the weights at that moment (a copy, freed once scored). */
interface PendingEvaluation {
  at: { step: number; samplesSeen: number };
  params: tf.Tensor[];
}

interface Runner {
  lane: Lane;
  /** Evaluations taken before the test set arrived, oldest first. */
  pending: PendingEvaluation[];
  /** Time spent on evaluations outside train() (at step 0 and at the end). */
  outsideMs: number;
  model: MLP;
  optimizer: ReturnType<typeof createOptimizer>;
  gen: AsyncGenerator<Progress, void, undefined>;
}

const finished = (s: LaneStatus) => s === "done" || s === "diverged" || s === "invalid" || s === "stopped";

/** Runs the race; see the module comment. Yields snapshots, the last one with `done: true` (unless aborted). */
export async function* trainingRace(o: TrainingRaceOptions): AsyncGenerator<RaceSnapshot, void, undefined> {
  const { signal, queue } = o;
  const reportEveryMs = o.reportEveryMs ?? 200;
  const started = performance.now();
  const lanes: Lane[] = o.lanes.map((spec) => ({
    key: spec.key,
    label: spec.label,
    spec,
    status: "waiting",
    points: [],
    evals: [],
    step: 0,
    totalSteps: 0,
    samplesSeen: 0,
    elapsedMs: 0,
    trainMs: 0,
    evalMs: 0,
    evalImages: 0,
    changes: [],
  }));
  const runners: Runner[] = [];
  const snapshot = (queued = false): RaceSnapshot => ({
    lanes: lanes.map((l) => ({ ...l })),
    // A lane that has finished may still owe evaluations that wait for the test set.
    done: lanes.every((l) => finished(l.status)) && runners.every((r) => r.pending.length === 0),
    queued,
    wallMs: performance.now() - started,
  });
  const aborted = () => signal?.aborted === true;
  const evaluation = o.evaluation;
  const evalNorm = evaluation?.normalize ?? o.data.normalize;
  let ticket: QueueTicket | null = null;

  // The test set: here from the start, or loaded after the first step (see RaceEvaluation.test).
  const testSource = evaluation?.test;
  let test: Dataset | undefined = typeof testSource === "function" ? undefined : testSource;
  let testLoad: Promise<void> | undefined;
  let testError: unknown;
  const testReady = () => typeof testSource !== "function" || test !== undefined;
  const loadTest = (): Promise<void> => {
    if (typeof testSource !== "function") return Promise.resolve();
    return (testLoad ??= testSource().then(
      (ds) => void (test = ds),
      (e) => void (testError = e),
    ));
  };
  const failIfTestFailed = () => {
    if (testError !== undefined) throw testError;
  };

  const score = async (lane: Lane, model: { readonly params: readonly tf.Tensor[] }, at: { step: number; samplesSeen: number }): Promise<LaneEvaluation> => {
    const t0 = performance.now();
    const logits = (x: tf.Tensor2D) => forward(model, x);
    const opts = { batchSize: evaluation?.batchSize, normalize: evalNorm, signal };
    const tr = evaluation?.train ? await evaluateClassifierAsync(logits, evaluation.train, opts) : { loss: NaN, accuracy: NaN };
    const te = test ? await evaluateClassifierAsync(logits, test, opts) : { loss: NaN, accuracy: NaN };
    lane.evalMs += performance.now() - t0;
    lane.evalImages += (evaluation?.train?.count ?? 0) + (test?.count ?? 0);
    return { ...at, trainLoss: tr.loss, trainAcc: tr.accuracy, testLoss: te.loss, testAcc: te.accuracy };
  };

  /**
   * Scores `model` now, or — while the test set is still on its way, or earlier evaluations still wait for it —
   * keeps a copy of its weights for later. A real copy (x·1 writes a new buffer): tf.clone would share the
   * variable's buffer, which an optimizer that updates in place would change under it.
   */
  const evaluateAt = async (r: Runner, at: { step: number; samplesSeen: number }): Promise<LaneEvaluation | undefined> => {
    if (testReady() && r.pending.length === 0) return score(r.lane, r.model, at);
    r.pending.push({ at, params: r.model.params.map((p) => tf.tidy(() => tf.mul(p, 1))) });
    return undefined;
  };

  /** Scores every lane's evaluations that waited for the test set, in order, once it is here. */
  const settlePending = async (): Promise<void> => {
    failIfTestFailed();
    if (!testReady()) return;
    for (const r of runners) {
      while (r.pending.length > 0) {
        if (aborted()) return;
        const t0 = performance.now();
        const { at, params } = r.pending[0];
        try {
          r.lane.evals.push(await score(r.lane, { params }, at));
        } finally {
          r.pending.shift();
          tf.dispose(params);
        }
        r.outsideMs += performance.now() - t0;
        r.lane.elapsedMs = r.lane.trainMs + r.outsideMs;
      }
    }
  };

  try {
    for (const lane of lanes) {
      const spec = lane.spec;
      let optimizer: Runner["optimizer"];
      try {
        lane.totalSteps = plannedSteps({
          count: o.data.dataset.count,
          batchSize: o.data.batchSize,
          accumulation: spec.accumulation ?? 1,
          epochs: o.epochs,
          steps: o.steps,
          dropLast: o.data.dropLast,
        });
        optimizer = createOptimizer(spec.def, spec.options);
      } catch (e) {
        lane.status = "invalid";
        lane.error = e as Error;
        continue;
      }
      // #region fair-start
      // Same seed → same initial weights in every lane; same `o.data` (dataset, batch size, data seed) → same
      // shuffled, augmented batches. Only the optimizer and the accumulation differ.
      const model = mlp({ sizes: o.sizes, init: o.init, seed: o.initSeed });
      const gen = train({
        params: model.params,
        loss: (x, y) => crossEntropy(forward(model, x), y),
        data: o.data,
        optimizer,
        epochs: o.epochs,
        steps: o.steps,
        accumulation: spec.accumulation,
        accumulate: spec.accumulate,
        signal,
        ...(evaluation && {
          evaluateEvery: evaluation.every,
          evaluate: ({ step, samplesSeen }: { step: number; samplesSeen: number }) => evaluateAt(runner, { step, samplesSeen }),
        }),
      });
      // #endregion fair-start
      const runner: Runner = { lane, pending: [], outsideMs: 0, model, optimizer, gen };
      runners.push(runner);
    }

    yield snapshot(queue !== undefined);
    if (aborted()) return;
    if (queue) {
      ticket = await queue.acquire(o.priority ?? 0, signal);
      if (!ticket) return;
    }
    let lastReport = performance.now();

    /** One step of one lane; false when the lane has finished. */
    const step = async (r: Runner): Promise<boolean> => {
      const { lane } = r;
      if (lane.status === "waiting") {
        lane.status = "running";
        if (evaluation) {
          const t0 = performance.now();
          const e = await evaluateAt(r, { step: 0, samplesSeen: 0 });
          if (e) lane.evals.push(e);
          r.outsideMs += performance.now() - t0;
          lane.elapsedMs = r.outsideMs;
        }
      }
      let result: IteratorResult<Progress, void>;
      try {
        result = await r.gen.next();
        // The test set is fetched only now, in parallel with the training: its bytes never delay the first step.
        if (evaluation) void loadTest();
      } catch (e) {
        lane.error = e as Error;
        lane.status = e instanceof DivergedError ? "diverged" : "invalid";
        return false;
      }
      if (result.done) {
        if (aborted()) {
          lane.status = "stopped";
          return false;
        }
        const last = r.pending.at(-1)?.at ?? lane.evals.at(-1);
        if (evaluation && last?.samplesSeen !== lane.samplesSeen) {
          const t0 = performance.now();
          const e = await evaluateAt(r, { step: lane.step, samplesSeen: lane.samplesSeen });
          if (e) lane.evals.push(e);
          r.outsideMs += performance.now() - t0;
          lane.elapsedMs = lane.trainMs + r.outsideMs;
        }
        lane.status = aborted() ? "stopped" : "done";
        return false;
      }
      const p = result.value;
      lane.points.push({ step: p.step, epoch: p.epoch, samplesSeen: p.samplesSeen, loss: p.loss });
      if (p.eval) lane.evals.push({ ...p.eval, step: p.step, samplesSeen: p.samplesSeen });
      lane.step = p.step;
      lane.samplesSeen = p.samplesSeen;
      lane.trainMs = p.elapsedMs;
      lane.elapsedMs = p.elapsedMs + r.outsideMs;
      return true;
    };

    let active = runners.filter((r) => !finished(r.lane.status));
    const order = o.order ?? "interleaved";
    while (active.length > 0) {
      const turn = order === "interleaved" ? active : active.slice(0, 1);
      // The reader's pause / step and option changes act on the race's step — every lane in this turn takes
      // one step — so Step moves each curve by one point and a change starts on the same step in every lane.
      yield* between(o.control, () => snapshot());
      applyChanges(o.control, runners.map((q) => ({ key: q.lane.key, optimizer: q.optimizer, changes: q.lane.changes, nextStep: q.lane.step + 1 })));
      await settlePending(); // evaluations that waited for the test set, once it is here
      for (const r of turn) {
        if (aborted()) return;
        if (ticket?.preempted()) {
          ticket.release();
          ticket = null;
          yield snapshot(true);
          ticket = await queue!.acquire(o.priority ?? 0, signal);
          if (!ticket) return;
        }
        await step(r);
        if (performance.now() - lastReport >= reportEveryMs) {
          lastReport = performance.now();
          yield snapshot();
        }
      }
      active = active.filter((r) => !finished(r.lane.status));
    }
    // Every lane has finished; evaluations that still wait for the test set are scored when it arrives.
    if (runners.some((r) => r.pending.length > 0)) {
      await loadTest();
      if (aborted()) return;
      await settlePending();
    }
    if (aborted()) return;
    yield snapshot();
  } finally {
    ticket?.release();
    for (const r of runners) {
      await r.gen.return(undefined);
      r.optimizer.dispose();
      disposeModel(r.model);
      for (const e of r.pending) tf.dispose(e.params);
      r.pending.length = 0;
    }
  }
}

/** Training speed over lanes: Σ steps / Σ training time (evaluations excluded), in steps per second (NaN before any step). */
export function stepsPerSecond(lanes: readonly (Pick<Lane, "step" | "elapsedMs"> & { evalMs?: number })[]): number {
  let steps = 0;
  let ms = 0;
  for (const l of lanes) {
    steps += l.step;
    ms += l.elapsedMs - (l.evalMs ?? 0);
  }
  return steps > 0 && ms > 0 ? (steps / ms) * 1000 : NaN;
}

export interface TimeEstimate {
  stepsPerSecond: number;
  /** Time left for the remaining steps, in ms (NaN without a measured rate). */
  remainingMs: number;
  /** Time for all `total` steps at that rate, in ms. */
  totalMs: number;
}

/** How long `total` steps take at the rate measured so far (`done` steps in `elapsedMs`). */
export function timeEstimate({ done, total, elapsedMs }: { done: number; total: number; elapsedMs: number }): TimeEstimate {
  const rate = done > 0 && elapsedMs > 0 ? (done / elapsedMs) * 1000 : NaN;
  return {
    stepsPerSecond: rate,
    remainingMs: (Math.max(0, total - done) / rate) * 1000,
    totalMs: (total / rate) * 1000,
  };
}

/** Evaluation speed over lanes, in images per second (NaN before any evaluation). */
export function imagesPerSecond(lanes: readonly Pick<Lane, "evalMs" | "evalImages">[]): number {
  let images = 0;
  let ms = 0;
  for (const l of lanes) {
    images += l.evalImages;
    ms += l.evalMs;
  }
  return images > 0 && ms > 0 ? (images / ms) * 1000 : NaN;
}

/** "45 s", "3 min 05 s", "1 h 02 min"; "—" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}
