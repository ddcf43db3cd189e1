/**
 * The page "Nesterov and Adam on MNIST" (src/mnist-nesterov-adam.md): the second notebook's race of SGD,
 * momentum, Nesterov and Adam on a 784-100-10 MLP, run in the page's worker, scored on the training and test
 * sets every `every` samples.
 *
 * A lane's points are its evaluations ({step, samplesSeen, epoch, trainLoss, trainAcc, testLoss, testAcc}):
 * that is all the page draws, and the worker transport sends only the points added since its last message.
 * The data travel by URL, fetched once by the worker (loadSource, shared with the from-scratch page).
 */
import type { Dataset } from "../data/dataset.js";
import { trainingRace, type Lane as RaceLane, type TrainingRaceOptions } from "../train/race.js";
import { nextMacrotask } from "../train/loop.js";
import { raceLane } from "./classifier-race.js";
import { loadSource, type DatasetSource } from "./mnist-from-scratch.js";
import type { Experiment, Lane, OptimizerChoice, RunContext, Snapshot } from "./types.js";

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

export interface NesterovAdamLane extends Lane<EvalPoint> {
  step: number;
  totalSteps: number;
  elapsedMs: number;
  evalMs: number;
  evalImages: number;
  /** What the lane ran, as plain data (exports). */
  spec: { optimizer: string; options: Record<string, unknown> };
}

export type NesterovAdamSnapshot = Omit<Snapshot<EvalPoint>, "lanes"> & {
  lanes: NesterovAdamLane[];
  /** The data files still downloading: bytes so far and in all (null once they are here). */
  loading: { loaded: number; total: number } | null;
};

const waiting = (c: OptimizerChoice): NesterovAdamLane => ({
  key: c.key,
  label: c.label,
  status: "waiting",
  error: null,
  points: [],
  step: 0,
  totalSteps: 0,
  elapsedMs: 0,
  evalMs: 0,
  evalImages: 0,
  spec: { optimizer: c.def.name, options: c.options },
});

function toLane(l: RaceLane, count: number): NesterovAdamLane {
  return {
    ...raceLane(l),
    points: l.evals.map((e) => ({ ...e, epoch: e.samplesSeen / count })),
    step: l.step,
    evalMs: l.evalMs,
    evalImages: l.evalImages,
    changes: l.changes,
    spec: { optimizer: l.spec.def.name, options: l.spec.options },
  };
}

export const nesterovAdamRace = async function* (
  { choices, data, evaluation, ...setup }: NesterovAdamSpec,
  { signal, control }: RunContext,
): AsyncGenerator<NesterovAdamSnapshot, void, undefined> {
  const t0 = performance.now();
  const sets: Dataset[] = [];
  // Both files, one after the other; while they download the lanes wait and the page shows the bytes.
  for (const source of [data.source, evaluation.test]) {
    const load = loadSource(source, signal);
    let r = await load.next();
    for (; !r.done; r = await load.next()) {
      yield { lanes: choices.map(waiting), step: 0, totalSteps: 0, done: false, elapsedMs: performance.now() - t0, loading: r.value };
    }
    if (!r.value) return;
    sets.push(r.value);
  }
  const [train, test] = sets;
  const { source: _source, ...rest } = data;
  await nextMacrotask();
  for await (const s of trainingRace({
    ...setup,
    data: { ...rest, dataset: train },
    evaluation: { train, test, every: evaluation.every },
    lanes: choices,
    signal,
    control,
    reportEveryMs: setup.reportEveryMs ?? 100,
  })) {
    const lanes = s.lanes.map((l) => toLane(l, train.count));
    yield {
      lanes,
      step: lanes.reduce((n, l) => n + l.step, 0),
      totalSteps: lanes.reduce((n, l) => n + l.totalSteps, 0),
      done: s.done,
      elapsedMs: s.wallMs,
      loading: null,
    };
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
