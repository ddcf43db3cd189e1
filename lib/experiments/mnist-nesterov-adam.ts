/**
 * The page "Nesterov and Adam on MNIST" (src/mnist-nesterov-adam.md): the second notebook's race of SGD,
 * momentum, Nesterov and Adam on a 784-100-10 MLP, run in the page's worker, scored on the training and test
 * sets every `every` samples.
 *
 * A lane's points are its evaluations ({step, samplesSeen, epoch, trainLoss, trainAcc, testLoss, testAcc}):
 * that is all the page draws, and the worker transport sends only the points added since its last message.
 * The data travel by URL, fetched once by the worker (loadSource, shared with the from-scratch page): the
 * training set before the race, the test set once the first step has been taken (trainingRace's test loader).
 */
import type { Dataset } from "../data/dataset.js";
import { adam } from "../optimizers/adam.js";
import { sgd } from "../optimizers/sgd.js";
import { optimizerCheck, type InputRow } from "../url/inputs.js";
import { evaluationPlanNote } from "./mnist-report.js";
import { trainingRace, type Lane as RaceLane, type TrainingRaceOptions } from "../train/race.js";
import { nextMacrotask } from "../train/loop.js";
import { raceProgress, trainingLane, waitingLane, type TrainingLane } from "./lanes.js";
import { loadSource, type DatasetSource } from "./mnist-from-scratch.js";
import type { Experiment, OptimizerChoice, RunContext, Snapshot } from "./types.js";

export interface EvalPoint {
  [k: string]: number;
  step: number;
  samplesSeen: number;
  /** samplesSeen / training images. */
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
}

export interface NesterovAdamSpec extends Omit<TrainingRaceOptions, "signal" | "queue" | "lanes" | "data" | "evaluation" | "control"> {
  data: Omit<TrainingRaceOptions["data"], "dataset"> & { source: DatasetSource };
  /** Scored on the training data and on `test` every `every` samples (and at the start and the end). */
  evaluation: { test: DatasetSource; every: number };
  choices: OptimizerChoice[];
}

export interface NesterovAdamLane extends TrainingLane<EvalPoint> {
  evalImages: number;
}

export type NesterovAdamSnapshot = Omit<Snapshot<EvalPoint>, "lanes"> & {
  lanes: NesterovAdamLane[];
  /** The data files still downloading: bytes so far and in all (null once they are here). */
  loading: { loaded: number; total: number } | null;
};

const waiting = (c: OptimizerChoice): NesterovAdamLane => ({ ...waitingLane<EvalPoint>(c), evalImages: 0 });

/** A lane's points are its evaluations. */
function toLane(l: RaceLane, count: number): NesterovAdamLane {
  return { ...trainingLane(l), points: l.evals.map((e) => ({ ...e, epoch: e.samplesSeen / count })), evalImages: l.evalImages, changes: l.changes };
}

/** A dataset source's dataset, when it has downloaded (an abort rejects). */
async function loaded(source: DatasetSource, signal: AbortSignal): Promise<Dataset> {
  const load = loadSource(source, signal);
  let r = await load.next();
  while (!r.done) r = await load.next();
  if (!r.value) throw new Error(`${source.name}: download stopped (the run was cancelled)`);
  return r.value;
}

export const nesterovAdamRace = async function* (
  { choices, data, evaluation, ...setup }: NesterovAdamSpec,
  { signal, control }: RunContext,
): AsyncGenerator<NesterovAdamSnapshot, void, undefined> {
  const t0 = performance.now();
  // The training set first: while it downloads the lanes wait and the page shows the bytes.
  const load = loadSource(data.source, signal);
  let r = await load.next();
  for (; !r.done; r = await load.next()) {
    yield { lanes: choices.map(waiting), step: 0, totalSteps: 0, done: false, elapsedMs: performance.now() - t0, loading: r.value };
  }
  const train = r.value;
  if (!train) return;
  const { source: _source, ...rest } = data;
  await nextMacrotask();
  for await (const s of trainingRace({
    ...setup,
    data: { ...rest, dataset: train },
    // The test set (all of it) only once training has begun: the race scores the evaluations it took meanwhile
    // on copies of their weights when it is here, so the first step does not wait for its bytes.
    evaluation: { train, test: () => loaded(evaluation.test, signal), every: evaluation.every },
    lanes: choices,
    signal,
    control,
    reportEveryMs: setup.reportEveryMs ?? 100,
  })) {
    yield { lanes: s.lanes.map((l) => toLane(l, train.count)), ...raceProgress(s), loading: null };
  }
} satisfies Experiment<NesterovAdamSpec, EvalPoint>;

/** The page's settings (URLs from FileAttachment(...).href). */
export interface NesterovAdamSettings {
  seed: number;
  epochs: number;
  batchSize: number;
  every: number;
  full: boolean;
  files: { subset: string; train: string; test: string };
  normalize: { scale: number; mean: number; std: number };
  rates: { sgd: number; momentumLr: number; momentum: number; adam: number };
}

/** The notebook's four optimizers: plain SGD, momentum and Nesterov (one torch.optim.SGD), and Adam. */
export function nesterovAdamChoices(defs: { sgd: OptimizerChoice["def"]; adam: OptimizerChoice["def"] }, r: NesterovAdamSettings["rates"]): OptimizerChoice[] {
  return [
    { key: "sgd", label: "SGD", def: defs.sgd, options: { lr: r.sgd } },
    { key: "momentum", label: "SGD with momentum", def: defs.sgd, options: { lr: r.momentumLr, momentum: r.momentum } },
    { key: "nesterov", label: "Nesterov", def: defs.sgd, options: { lr: r.momentumLr, momentum: r.momentum, nesterov: true } },
    { key: "adam", label: "Adam", def: defs.adam, options: { lr: r.adam } },
  ];
}

/** The race's spec: the notebook's 784-100-10 MLP with torch's default nn.Linear init, on the page's data. */
export function nesterovAdamSpec(choices: OptimizerChoice[], s: NesterovAdamSettings): NesterovAdamSpec {
  return {
    sizes: [784, 100, 10],
    init: "torch-default",
    initSeed: s.seed,
    epochs: s.full ? 2 : s.epochs,
    choices,
    data: {
      source: s.full ? { url: s.files.train, name: "mnist-train.bin" } : { url: s.files.subset, name: "mnist-subset.bin" },
      batchSize: s.batchSize,
      seed: s.seed,
      normalize: s.normalize,
    },
    evaluation: { test: { url: s.files.test, name: "mnist-test.bin" }, every: s.every },
  };
}

/**
 * The page's input table (lib/url/inputs.ts), keyed as in the URL; `main` is the value the browser test sets.
 * Defaults: 3 epochs of the 6,000-image subset in batches of 64 (282 steps per optimizer), scored every 2,000
 * samples — 10 points per curve. At 5 epochs, seeds 1 and 2 (scratch check in Node) both ranked SGD (31 %, 21 %)
 * far below momentum ≈ Nesterov (82 %, 80 %) below Adam (91 %); 3 epochs keeps the page's default run short.
 */
export const nesterovAdamInputs: readonly InputRow[] = [
  { name: "epochs", input: "range", label: "epochs", default: 3, range: [1, 20], step: 1, main: 1 },
  { name: "every", input: "select", label: "evaluate every (samples)", default: 2000, options: [1000, 2000, 5000, 10000, 20000], format: (v: number) => v.toLocaleString("en-US") },
  { name: "batch", input: "select", label: "batch size", default: 64, options: [16, 32, 64, 128, 256] },
  { name: "seed", input: "range", label: "seed (weights and batches)", default: 4, range: [1, 1000], step: 1 },
  { name: "sgd.lr", input: "range", label: "SGD lr", default: 1e-3, range: [1e-4, 1], scale: "log", check: optimizerCheck(sgd, {}, "lr") },
  { name: "momentum.lr", input: "range", label: "momentum & Nesterov lr", default: 1e-3, range: [1e-4, 1], scale: "log", check: optimizerCheck(sgd, {}, "lr") },
  { name: "momentum", input: "range", label: "momentum μ", default: 0.9, range: [0, 0.99], step: 0.01, check: optimizerCheck(sgd, {}, "momentum") },
  { name: "adam.lr", input: "range", label: "Adam lr", default: 1e-3, range: [1e-5, 1], scale: "log", check: optimizerCheck(adam, {}, "lr") },
  // Bound too: a link with full=true asks for the full data (and its 55 MB download).
  { name: "full", input: "checkbox", label: "the notebook's data: all 60,000 training and 10,000 test images, 2 epochs (downloads 55 MB)", default: false },
  { name: "normalize", input: "checkbox", label: "normalise the pixels with the training set's mean and standard deviation", default: false },
] as InputRow[];

/** The page's settings from its inputs' values and the data's facts (mnist-meta.json). */
export function nesterovAdamSettings(
  v: { epochs: number; every: number; batch: number; seed: number; "sgd.lr": number; "momentum.lr": number; momentum: number; "adam.lr": number; full: boolean; normalize: boolean },
  files: NesterovAdamSettings["files"],
  normalization: { scale: number; mean: number; std: number },
): NesterovAdamSettings {
  return {
    seed: v.seed,
    epochs: v.epochs,
    batchSize: v.batch,
    every: v.every,
    full: v.full,
    files,
    // The notebook's inputs are x / 255 (its Normalize(0, 1) changes nothing); normalising is an option.
    normalize: v.normalize ? normalization : { scale: 255, mean: 0, std: 1 },
    rates: { sgd: v["sgd.lr"], momentumLr: v["momentum.lr"], momentum: v.momentum, adam: v["adam.lr"] },
  };
}

/** What the export menu offers for a finished race: every evaluation, the settings, and the PyTorch program. */
export function nesterovAdamExport(s: Pick<NesterovAdamSnapshot, "lanes">, o: NesterovAdamSettings, counts: { train: number; test: number }) {
  const epochs = o.full ? 2 : o.epochs;
  return {
    name: `mnist-nesterov-adam-seed${o.seed}`,
    rows: s.lanes.flatMap((l) => l.points.map((e) => ({ optimizer: l.label, step: e.step, samples: e.samplesSeen, epoch: e.epoch, trainLoss: e.trainLoss, testLoss: e.testLoss, trainAcc: e.trainAcc, testAcc: e.testAcc }))),
    meta: {
      epochs, every: o.every, batchSize: o.batchSize, seed: o.seed, full: o.full, trainImages: counts.train, testImages: counts.test,
      optimizers: s.lanes.map((l) => ({ label: l.label, optimizer: l.spec.optimizer, options: l.spec.options, status: l.status })),
    },
    pytorch: {
      optimizers: s.lanes.map((l) => ({ label: l.label, name: l.spec.optimizer, options: l.spec.options })),
      model: { kind: "mlp" as const, sizes: [784, 100, 10], init: "torch-default" as const, initSeed: o.seed },
      data: { name: "mnist" as const, batchSize: o.batchSize, epochs, seed: o.seed, ...(o.full ? {} : { perClass: counts.train / 10 }), every: o.every, ...(o.normalize.mean !== 0 ? { normalize: o.normalize } : {}) },
      loss: "cross_entropy" as const,
    },
  };
}

/** The page's facts about its data files (mnist-meta.json). */
export interface MnistMeta {
  normalization: { scale: number; mean: number; std: number };
  files: { train: { count: number }; test: { count: number }; subset: { count: number } };
}

/**
 * Everything the page derives from its inputs: the settings, the race's spec, the image counts, the charts'
 * common options (a fixed x-axis to grow into, the runs' colours) and the line that says what will run.
 */
export function nesterovAdamSetup(v: Parameters<typeof nesterovAdamSettings>[0], meta: MnistMeta, files: NesterovAdamSettings["files"], width: number) {
  const settings = nesterovAdamSettings(v, files, meta.normalization);
  const choices = nesterovAdamChoices({ sgd, adam }, settings.rates);
  const spec = nesterovAdamSpec(choices, settings);
  const counts = { train: v.full ? meta.files.train.count : meta.files.subset.count, test: meta.files.test.count };
  const steps = Math.ceil(counts.train / v.batch) * spec.epochs!;
  return {
    settings,
    spec,
    counts,
    chart: { width, xMax: spec.epochs! * counts.train, labels: choices.map((c) => c.label) },
    plan: evaluationPlanNote({ ...counts, epochs: spec.epochs!, batchSize: v.batch, every: v.every, steps }),
  };
}
