/**
 * The Adam-on-digits notebook's experiments on sklearn's digits, on the fast path: train a small dense net per sample with one
 * optimizer and report accuracy, loss and time; the seed's SGD cell replayed with and without its bug; k-fold
 * cross-validation. Every function is a generator that yields after each epoch, so a page can draw progress
 * and Framework can cancel a run between epochs.
 */
import type { Dataset } from "../data/dataset.js";
import { columnStats, foldSplit, kFolds, standardize as standardizeRows, toFeatures } from "../data/digits.js";
import { createFloatOptimizer } from "../optimizers/optimizer.js";
import { sgd } from "../optimizers/sgd.js";
import type { OptimizerChoice } from "../optimizers/choice.js";
import type { AnyOptimizerDef } from "../optimizers/types.js";
import { DenseNet } from "./dense.js";
import { fitDense } from "./train.js";

/** Inputs and labels of a train/test split, as the fast path takes them. */
export interface DigitsData {
  xTrain: Float32Array;
  yTrain: Uint8Array;
  xTest: Float32Array;
  yTest: Uint8Array;
}

export interface FeatureOptions {
  /** Multiply every pixel by this (the Adam-on-digits notebook: 1/50, 50 for Adam; 1/5, 5 for SGD). */
  scale?: number;
  /** (x − mean) / (std + 1e-8) per pixel, with the training rows' mean and std (the Adam-on-digits notebook's normalisation cell). */
  standardize?: boolean;
}

/** Features of a split: pixels × scale, then optionally standardised by the training rows' statistics. */
export function digitsFeatures(train: Dataset, test: Dataset, { scale = 1, standardize = false }: FeatureOptions = {}): DigitsData {
  let xTrain = toFeatures(train, scale);
  let xTest = toFeatures(test, scale);
  if (standardize) {
    const stats = columnStats(xTrain, train.height * train.width);
    xTrain = standardizeRows(xTrain, stats);
    xTest = standardizeRows(xTest, stats);
  }
  return { xTrain, yTrain: train.labels, xTest, yTest: test.labels };
}

export interface DenseRunSpec {
  data: DigitsData;
  def: AnyOptimizerDef;
  /** The optimizer's options on top of its defaults, e.g. { lr: 1e-3 }. */
  options?: Record<string, unknown>;
  /** Default 15, as the Adam-on-digits notebook. */
  epochs?: number;
  /** Seed of the initial weights (torch's nn.Linear default, U(−1/√64, 1/√64)). Default 1. */
  seed?: number;
  /** Layer widths; default [64, 10], the Adam-on-digits notebook's one linear layer. */
  sizes?: number[];
  /** Multiply the gradient by this constant (the loss × c); default 1. */
  gradScale?: number;
  signal?: AbortSignal;
  /**
   * Called with the run's optimizer once it exists, before the first step: a caller that changes its options
   * between two epochs (`setOptions`, as torch's param_groups) changes the epochs after.
   */
  onStart?: (optimizer: { setOptions(o: Record<string, unknown>): void }) => void;
}

export interface DenseRunState {
  /** The optimizer's display name and learning rate. */
  optimizer: string;
  lr: number;
  epoch: number;
  epochs: number;
  /** Mean training loss of each epoch so far (the Adam-on-digits notebook's `train_model` return value is the last one). */
  losses: number[];
  /** The last epoch's mean training loss (NaN before the first epoch ends). */
  loss: number;
  /** Computation time so far, ms. */
  ms: number;
  done: boolean;
  /** Test accuracy and mean test loss, once done (of the parameters reached, also after a divergence). */
  accuracy?: number;
  testLoss?: number;
  /** Why the run stopped early: "diverged at step k (loss = …)" or an invalid hyperparameter. */
  error?: string;
  /** The error itself, for lib/experiments' one rule on how a lane ends (failedLane). */
  cause?: unknown;
}

/**
 * Trains a fresh net (init `seed`) with `def` for `epochs` epochs, one sample per step, rows in order; yields
 * after every epoch and once more with `done: true` and the test accuracy.
 */
export function* denseRun(spec: DenseRunSpec): Generator<DenseRunState, DenseRunState, unknown> {
  const { data, def, options = {}, epochs = 15, seed = 1, sizes = [64, 10], gradScale = 1, signal, onStart } = spec;
  const state: DenseRunState = { optimizer: def.title, lr: Number(options.lr ?? def.defaults.lr), epoch: 0, epochs, losses: [], loss: NaN, ms: 0, done: false };
  const net = new DenseNet({ sizes, seed });
  try {
    const optimizer = createFloatOptimizer(def, options);
    onStart?.(optimizer as unknown as { setOptions(o: Record<string, unknown>): void });
    for (const e of fitDense({ net, optimizer, x: data.xTrain, y: data.yTrain, epochs, gradScale, signal })) {
      state.epoch = e.epoch;
      state.losses = [...state.losses, e.loss];
      state.loss = e.loss;
      state.ms = e.totalMs;
      yield { ...state };
    }
  } catch (e) {
    state.error = (e as Error).message;
    state.cause = e;
  }
  if (signal?.aborted) return state;
  const test = net.evaluate(data.xTest, data.yTest);
  const final = { ...state, done: true, accuracy: test.accuracy, testLoss: test.loss };
  yield final;
  return final;
}

export interface StaleRow {
  /** 1, 2, 3: the order of the models in the seed's cell. */
  model: number;
  /** The input scale this model was trained and tested on. */
  scale: number;
  /** Which model's parameters the optimizer stepped while this one was "trained". */
  stepped: number;
  accuracy: number;
  /** Mean training loss of the last epoch. */
  loss: number;
  /** Accuracy of this model before training (its random initial weights). */
  initialAccuracy: number;
  /** Largest change of any of this model's parameters over its training: 0 means it never trained. */
  moved: number;
  ms: number;
}

export interface StaleOptions {
  train: Dataset;
  test: Dataset;
  /** The seed's SGD learning rate, 1e-3. */
  lr?: number;
  epochs?: number;
  /** The seed's cell trains three new models on inputs × 1/5, × 5 and × 1, in that order. */
  scales?: number[];
  /** true: one optimizer, created for the first model, as in the seed; false: a new optimizer per model. */
  buggy: boolean;
  /** Model i starts from init seed `seed + i`. */
  seed?: number;
  /** The seed's cell uses SGD (the default). */
  optimizer?: AnyOptimizerDef;
  signal?: AbortSignal;
}

/**
 * The Adam-on-digits notebook's SGD cell replayed: `optimizer = SGD(classifier.parameters())` once, then three new
 * `classifier = classifier_model(...)`, each trained with `train_model(L, optimizer, classifier, …)`. With the
 * bug, `optimizer.zero_grad()` and `optimizer.step()` keep acting on model 1 while `backward()` fills the new
 * model's gradients, so models 2 and 3 are evaluated with their random initial weights. Fixed: a new optimizer
 * for each model. Yields the rows so far after every epoch.
 */
export function* staleOptimizerReplay(o: StaleOptions): Generator<{ rows: StaleRow[]; running: number; done: boolean }, void, unknown> {
  const { train, test, lr = 1e-3, epochs = 15, scales = [1 / 5, 5, 1], buggy, seed = 1, signal } = o;
  const def: AnyOptimizerDef = o.optimizer ?? sgd;
  const rows: StaleRow[] = [];
  let first: DenseNet | null = null;
  let shared: ReturnType<typeof createFloatOptimizer> | null = null;
  for (let i = 0; i < scales.length; i++) {
    const scale = scales[i];
    const data = digitsFeatures(train, test, { scale });
    const net = new DenseNet({ sizes: [64, 10], seed: seed + i });
    const start = net.params.map((p) => p.slice());
    const initialAccuracy = net.evaluate(data.xTest, data.yTest).accuracy;
    if (i === 0) first = net;
    const optimizer = buggy ? (shared ??= createFloatOptimizer(def, { lr })) : createFloatOptimizer(def, { lr });
    const stepped = buggy ? (first as DenseNet) : net;
    let loss = NaN;
    let ms = 0;
    for (const e of fitDense({ net, optimizer, stepped, x: data.xTrain, y: data.yTrain, epochs, signal })) {
      loss = e.loss;
      ms = e.totalMs;
      yield { rows: [...rows], running: i + 1, done: false };
    }
    if (signal?.aborted) return;
    let moved = 0;
    net.params.forEach((p, j) => {
      for (let k = 0; k < p.length; k++) moved = Math.max(moved, Math.abs(p[k] - start[j][k]));
    });
    rows.push({
      model: i + 1,
      scale,
      stepped: buggy ? 1 : i + 1,
      accuracy: net.evaluate(data.xTest, data.yTest).accuracy,
      loss,
      initialAccuracy,
      moved,
      ms,
    });
  }
  yield { rows: [...rows], running: 0, done: true };
}

export interface FoldResult {
  fold: number;
  /** Test rows [start, end). */
  start: number;
  end: number;
  accuracy: number;
  ms: number;
}

export interface CrossValidation {
  folds: FoldResult[];
  /** Mean and sample standard deviation (n − 1) of the folds' accuracies so far. */
  mean: number;
  sd: number;
  /** Fold being trained (1-based), 0 when done. */
  running: number;
  done: boolean;
}

export interface CrossValidationOptions {
  /** All rows (sklearn's digits: 1,797), split into k contiguous folds without shuffling, like KFold(k). */
  data: Dataset;
  k: number;
  def: AnyOptimizerDef;
  options?: Record<string, unknown>;
  /** Standardise each fold with the statistics of that fold's training rows only. */
  standardize?: boolean;
  scale?: number;
  epochs?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** Mean and sample standard deviation (n − 1; 0 for one value). */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}

/** k-fold cross-validation of per-sample training on the digits; yields after every epoch of every fold. */
export function* crossValidate(o: CrossValidationOptions): Generator<CrossValidation, CrossValidation, unknown> {
  const { data, k, def, options = {}, standardize = false, scale = 1, epochs = 15, seed = 1, signal } = o;
  const features = data.height * data.width;
  const x = toFeatures(data, scale);
  const folds: FoldResult[] = [];
  const summary = (running: number): CrossValidation => ({ folds: [...folds], ...meanSd(folds.map((f) => f.accuracy)), running, done: running === 0 });
  const ranges = kFolds(data.count, k);
  for (let f = 0; f < ranges.length; f++) {
    const split = foldSplit(x, data.labels, features, ranges[f]);
    let { xTrain, xTest } = split;
    if (standardize) {
      const stats = columnStats(xTrain, features);
      xTrain = standardizeRows(xTrain, stats);
      xTest = standardizeRows(xTest, stats);
    }
    let last: DenseRunState | null = null;
    for (const s of denseRun({ data: { xTrain, yTrain: split.yTrain, xTest, yTest: split.yTest }, def, options, epochs, seed, signal })) {
      last = s;
      if (!s.done) yield summary(f + 1);
    }
    if (signal?.aborted || !last) return summary(f + 1);
    if (last.error) throw new Error(`fold ${f + 1}: ${last.error}`);
    folds.push({ fold: f + 1, start: ranges[f][0], end: ranges[f][1], accuracy: last.accuracy ?? NaN, ms: last.ms });
  }
  const done = summary(0);
  yield done;
  return done;
}

/**
 * One run of the digits table: an optimizer choice (lib/optimizers/choice.ts; `key` optional, the lane's
 * index by default) and what is done to its inputs or its loss.
 */
export interface DigitsRunChoice extends Omit<OptimizerChoice, "key"> {
  key?: string;
  /** Inputs × scale (default 1), then optional standardisation, as `digitsFeatures`. */
  scale?: number;
  /** Standardise with the training rows' mean and std (default false). */
  standardize?: boolean;
  /** The loss, so every gradient, × this (default 1). */
  gradScale?: number;
}

export type DigitsRunRow = DenseRunState & { label: string; scale: number; standardize: boolean; gradScale: number };

/**
 * Several runs on the Adam-on-digits notebook's split, one after the other, all from the same initial weights (`seed`): yields the
 * rows so far (finished runs, then the one in progress) after every epoch, and `done` at the end.
 */
export function* digitsRuns(o: {
  train: Dataset;
  test: Dataset;
  runs: DigitsRunChoice[];
  epochs?: number;
  seed?: number;
  signal?: AbortSignal;
  /** denseRun's `onStart`, with the run's index. */
  onStart?: (run: number, optimizer: { setOptions(o: Record<string, unknown>): void }) => void;
}): Generator<{ rows: DigitsRunRow[]; done: boolean }, void, unknown> {
  const { train, test, runs, epochs = 15, seed = 1, signal, onStart } = o;
  const rows: DigitsRunRow[] = [];
  for (const [i, r] of runs.entries()) {
    const scale = r.scale ?? 1;
    const standardize = r.standardize ?? false;
    const gradScale = r.gradScale ?? 1;
    const data = digitsFeatures(train, test, { scale, standardize });
    for (const s of denseRun({ data, def: r.def, options: r.options, epochs, seed, gradScale, signal, onStart: onStart && ((opt) => onStart(i, opt)) })) {
      const row = { ...s, label: r.label, scale, standardize, gradScale };
      if (s.done) rows.push(row);
      else yield { rows: [...rows, row], done: false };
    }
    if (signal?.aborted) return;
  }
  yield { rows, done: true };
}
