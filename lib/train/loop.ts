/**
 * The training loop every page runs: an async generator that trains and reports.
 *
 * ```ts
 * const model = mlp({ sizes: [784, 100, 10], init: "torch-default", seed: 1 });
 * const opt = createOptimizer(adam, { lr: 1e-3 });
 * for await (const p of train({
 *   params: model.params,
 *   loss: (x, y) => crossEntropy(forward(model, x), y),
 *   data: { dataset: subset, batchSize: 64, seed: 1, normalize: { scale: 255, mean, std } },
 *   optimizer: opt,
 *   epochs: 1,
 *   signal: invalidationController.signal,
 * })) {
 *   plot(p.step, p.loss);
 * }                      // throws DivergedError if the loss becomes NaN or ±∞
 * opt.dispose(); disposeModel(model);
 * ```
 *
 * Schedules: give `scheduler` (createScheduler(def, options, optimizer), lib/schedules) and the loop calls its
 * `step()` after every optimizer step — torch's order — and reports the rate each step used as `Progress.lr`.
 *
 * One step = one optimizer update = `accumulation` micro-batches (accumulate.ts), taken from one epoch; an
 * epoch whose batch count is not a multiple of k ends with a shorter group, weighted by its samples.
 *
 * Stopping:
 * - after `epochs` epochs or `steps` steps, whichever comes first (give at least one);
 * - `signal` aborted: checked before every step and after every yield, so the run stops within one step; the generator
 *   *returns* (no exception, no progress object for the unfinished step);
 * - the consumer calls `return()` (what Framework does on invalidation) or breaks out of `for await`;
 * - divergence: the generator throws `DivergedError` ("diverged at step k (loss = NaN)", with `.step` and
 *   `.loss`, k the first step whose loss is NaN or ±∞), after releasing its tensors. Losses are read only at
 *   reporting steps (see Reads), and a reporting step's loss is read before its update: when k is a reporting
 *   step (always, with the default yieldEvery = 1) the optimizer does NOT take it and the parameters keep
 *   their last finite values — the same contract as `minimize` (minimize.ts). Between reports steps are not
 *   read, so a k found at the next report has already been stepped past. Pages catch the error and show the
 *   message next to the curve.
 * In every case the loop disposes every tensor it created (gradient buffers it made for bare variables, batch
 * tensors); the model's variables, a given `Parameters`' buffers and the optimizer stay the caller's.
 *
 * Reads: nothing on the training path reads the device synchronously (`dataSync` stalls a GPU's queue, and
 * WebGPU without canvas interop reads zeros). Each step's loss stays a tensor; at a reporting step (one that
 * yields a progress object) the losses of every step since the last report are stacked and read with one
 * `await data()`. Steps in between are only queued, so the GPU stays busy and the number of round trips is
 * one per progress object, not one per step.
 *
 * Responsiveness: the loop yields to the event loop with a macrotask (setImmediate in Node, a MessageChannel
 * message in browsers, neither clamped to 4 ms like nested setTimeout) before each progress object, and
 * between steps whenever another step (timed by the last one) would take it past `maxBlockMs` since the
 * last turn. So input events wait at most max(maxBlockMs, one step): a step itself cannot be split.
 */
import * as tf from "@tensorflow/tfjs-core";
import { batches, type Batch, type BatchOptions } from "../data/batches.js";
import type { Dataset } from "../data/dataset.js";
import { accumulateLoss, type AccumulateMode, type BatchLoss } from "./accumulate.js";
import { checkFinite } from "./diverged.js";
import type { Evaluation } from "./evaluate.js";
import { nextMacrotask } from "./macrotask.js";
import { Parameters } from "./parameters.js";
import type { Stepper } from "../optimizers/choice.js";
import type { StepScheduler } from "./minimize.js";

export type { StepScheduler };

export { nextMacrotask };

/** A dataset with the options of `batches` (batch size, seed, augmentation, normalisation). */
export interface DataSource extends BatchOptions {
  dataset: Dataset;
}

export interface TrainOptions {
  /** The model's variables, or a `Parameters` whose gradient buffers the loop fills (and leaves filled). */
  params: Parameters | tf.Variable[];
  loss: BatchLoss;
  /** A dataset to batch (seeded shuffle per epoch), or any stream of batches (its `epoch` fields count epochs). */
  data: DataSource | Iterable<Batch>;
  /** lib/optimizers' `createOptimizer(...)`, or anything with its `step`. */
  optimizer: Stepper;
  /** A schedule bound to `optimizer` (createScheduler): stepped after every optimizer step, as in torch. */
  scheduler?: StepScheduler;
  epochs?: number;
  steps?: number;
  /** Micro-batches per optimizer step, k ≥ 1. Default 1. */
  accumulation?: number;
  /** "correct" (default) or "broken": the optimizers-lab notebook's zero-grad-every-micro-batch bug (accumulate.ts). */
  accumulate?: AccumulateMode;
  /**
   * Called whenever samplesSeen passes a multiple of `evaluateEvery`; its result rides on that progress object
   * (none when it returns undefined: the caller keeps the evaluation for later, as the races do for a test set
   * still downloading).
   */
  evaluate?: (at: { step: number; epoch: number; samplesSeen: number }) => Evaluation | undefined | Promise<Evaluation | undefined>;
  /** Samples between evaluations. Default: the dataset's size (once per epoch), or 10,000 for a stream. */
  evaluateEvery?: number;
  signal?: AbortSignal;
  /** Steps between progress objects. Default 1. Evaluations and the last step are always reported. */
  yieldEvery?: number;
  /** Longest stretch, in ms, of training without giving the event loop a turn. Default 50. */
  maxBlockMs?: number;
}

export interface Progress {
  /** Optimizer steps taken so far (1 after the first). */
  step: number;
  /** 0-based epoch of this step's micro-batches. */
  epoch: number;
  /** 0-based index, within its epoch, of the last micro-batch this step used. */
  batch: number;
  /** Mean loss over the step's samples, measured before the update (as torch's `loss.item()`). */
  loss: number;
  /** The learning rate this step used, when a scheduler drives it. */
  lr?: number;
  /** Time spent training, in ms: wall time inside the generator, not counting time suspended at `yield`. */
  elapsedMs: number;
  /** Samples that went into steps so far (k micro-batches per step). */
  samplesSeen: number;
  eval?: Evaluation;
}

/** A performance mark at the page's first training step: scripts/page-bytes.ts counts the bytes loaded before it. */
function markFirstStep(): void {
  if (typeof performance.mark === "function" && performance.getEntriesByName("descent:first-step").length === 0) performance.mark("descent:first-step");
}

function isDataSource(data: DataSource | Iterable<Batch>): data is DataSource {
  return "dataset" in data;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new Error(`train: ${name} must be a positive integer, got ${value}`);
  }
}

export async function* train(options: TrainOptions): AsyncGenerator<Progress, void, undefined> {
  const { loss, optimizer, scheduler, epochs, steps, signal, accumulate: mode = "correct" } = options;
  const k = options.accumulation ?? 1;
  const yieldEvery = options.yieldEvery ?? 1;
  const maxBlockMs = options.maxBlockMs ?? 50;
  positiveInteger("accumulation", k);
  positiveInteger("yieldEvery", yieldEvery);
  positiveInteger("steps", steps);
  positiveInteger("epochs", epochs);
  if (epochs === undefined && steps === undefined) throw new Error("train: give epochs or steps (or both)");
  if (mode !== "correct" && mode !== "broken") throw new Error(`train: accumulate must be "correct" or "broken", got ${mode}`);
  const evaluateEvery = options.evaluateEvery ?? (isDataSource(options.data) ? options.data.dataset.count : 10_000);
  positiveInteger("evaluateEvery", evaluateEvery);

  const owned = !(options.params instanceof Parameters);
  const params = options.params instanceof Parameters ? options.params : new Parameters(options.params);
  const source: Iterator<Batch> = isDataSource(options.data)
    ? batches(options.data.dataset, options.data, epochs ?? Infinity)
    : options.data[Symbol.iterator]();
  const maxEpochs = epochs ?? Infinity;

  let step = 0;
  let samplesSeen = 0;
  let elapsedMs = 0;
  let resumed = performance.now(); // start of the current stretch of work inside the generator
  let lastBreak = resumed;
  let lastStepMs = 0;
  let pending: Batch | undefined;
  let exhausted = false;
  const next = (): Batch | undefined => {
    if (pending) {
      const b = pending;
      pending = undefined;
      return b;
    }
    if (exhausted) return undefined;
    const r = source.next();
    if (r.done || r.value.epoch >= maxEpochs) {
      exhausted = true;
      return undefined;
    }
    return r.value;
  };
  const aborted = () => signal?.aborted === true;

  // Losses of the steps since the last report, still on the device.
  let unread: { step: number; loss: tf.Scalar }[] = [];
  const dropUnread = () => {
    for (const u of unread) u.loss.dispose();
    unread = [];
  };
  /** Reads every unread loss in one round trip; throws DivergedError at the first that is not finite. Returns the last. */
  const readLosses = async (): Promise<number> => {
    const batch = unread;
    unread = [];
    const stacked = batch.length === 1 ? batch[0].loss : tf.stack(batch.map((u) => u.loss));
    let values: Float32Array;
    try {
      values = (await stacked.data()) as Float32Array;
    } finally {
      if (stacked !== batch[0].loss) stacked.dispose();
      for (const u of batch) u.loss.dispose();
    }
    values.forEach((v, i) => checkFinite(batch[i].step, v));
    return values[values.length - 1];
  };

  try {
    while (!aborted() && (steps === undefined || step < steps)) {
      const stepStart = performance.now();
      // Gather up to k micro-batches from one epoch.
      const first = next();
      if (!first) break;
      const micro = [first];
      while (micro.length < k) {
        const b = next();
        if (!b) break;
        if (b.epoch !== first.epoch) {
          pending = b;
          break;
        }
        micro.push(b);
      }
      if (aborted()) break;

      if (step === 0) markFirstStep();
      const value = accumulateLoss(params, micro, loss, mode);
      unread.push({ step: step + 1, loss: value });
      const last = micro[micro.length - 1];
      const size = micro.reduce((n, b) => n + b.size, 0);
      const at = { step: step + 1, epoch: first.epoch, batch: last.index };
      const before = samplesSeen;
      const evaluating = options.evaluate !== undefined && Math.floor((samplesSeen + size) / evaluateEvery) > Math.floor(before / evaluateEvery);
      // Peek whether this is the last step, so the final loss is always reported.
      let final = steps !== undefined && at.step >= steps;
      if (!final) {
        pending ??= next();
        final = pending === undefined;
      }
      const reporting = evaluating || final || at.step % yieldEvery === 0;

      // A reporting step reads its loss (and every unread one) before the update, so it can refuse a NaN step.
      let lossValue = NaN;
      if (reporting) lossValue = await readLosses();

      const lr = scheduler?.lr;
      optimizer.step(params.vars, params.grads);
      scheduler?.step();
      step++;
      samplesSeen += size;

      let evaluation: Evaluation | undefined;
      if (evaluating) evaluation = await options.evaluate!({ step, epoch: first.epoch, samplesSeen });

      lastStepMs = performance.now() - stepStart;

      if (reporting) {
        await nextMacrotask();
        if (aborted()) break;
        const now = performance.now();
        elapsedMs += now - resumed;
        const progress: Progress = { ...at, loss: lossValue, elapsedMs, samplesSeen };
        if (lr !== undefined) progress.lr = lr;
        if (evaluation) progress.eval = evaluation;
        yield progress;
        resumed = lastBreak = performance.now();
      } else if (performance.now() - lastBreak + lastStepMs > maxBlockMs) {
        await nextMacrotask();
        lastBreak = performance.now();
      }
    }
  } finally {
    dropUnread();
    if (owned) params.disposeGrads();
    source.return?.();
  }
}
