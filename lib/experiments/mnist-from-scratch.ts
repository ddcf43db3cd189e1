/**
 * The page "Optimizers from scratch on MNIST" (src/mnist-from-scratch.md): nine fair races of the notebook's
 * MLP (lib/train/race.ts), one per section, run in the page's worker.
 *
 * Data: the spec names the file by URL (the page passes FileAttachment(...).href), and the worker fetches it
 * once and keeps it, so neither the 4.7 MB subset nor the 47 MB full training set is copied per run. While it
 * downloads, every waiting run reports the bytes so far in `loading`.
 *
 * Order: the page's races share one RunQueue here in the worker, named by the spec's `queue`: one race
 * trains at a time, the lowest `priority` first (page order), and a rerun of an earlier section takes over
 * from a later one after its current step — what the page did when it trained on the main thread.
 */
import { augmentDefaults } from "../data/augment.js";
import { decodeDataset } from "../data/format.js";
import { stratifiedSubset, type Dataset } from "../data/dataset.js";
import { RunQueue, trainingRace, type TrainingRaceOptions } from "../train/race.js";
import { nextMacrotask } from "../train/loop.js";
import type { ClassifierChoice } from "./choices.js";
import type { ClassifierPoint } from "./classifier-race.js";
import { acceptedChanges, raceProgress, trainingLane, waitingLane, type TrainingLane } from "./lanes.js";
import type { Experiment, Lane, OptimizerChoice, RunContext, Snapshot } from "./types.js";
import { adadelta } from "../optimizers/adadelta.js";
import { adagrad } from "../optimizers/adagrad.js";
import { adam } from "../optimizers/adam.js";
import { rmsprop } from "../optimizers/rmsprop.js";
import { sgd } from "../optimizers/sgd.js";
import type { InputRow } from "../url/inputs.js";
import { runPlanNote } from "./mnist-report.js";

/** A dataset file of lib/data/format.ts, by absolute URL; `perClass` takes a balanced subset of it. */
export interface DatasetSource {
  url: string;
  /** For error messages ("mnist-subset.bin: …"). */
  name: string;
  perClass?: number;
}

export interface MnistRaceSpec extends Omit<TrainingRaceOptions, "signal" | "queue" | "lanes" | "data"> {
  data: Omit<TrainingRaceOptions["data"], "dataset"> & { source: DatasetSource };
  choices: ClassifierChoice[];
  /** Races with the same queue name train one at a time, lowest `priority` first. */
  queue?: string;
}

export type MnistLane = TrainingLane<ClassifierPoint>;

export type MnistRaceSnapshot = Omit<Snapshot<ClassifierPoint>, "lanes"> & {
  lanes: MnistLane[];
  /** Waiting for its turn on the queue. */
  queued: boolean;
  /** The data file still downloading: bytes so far and in all (null once it is here). */
  loading: { loaded: number; total: number } | null;
};

const datasets = new Map<string, { promise: Promise<Dataset>; loaded: number; total: number }>();
const subsets = new Map<string, Dataset>();
const queues = new Map<string, RunQueue>();

/** Fetches and decodes a dataset file once per URL (a failed download is forgotten, so a rerun tries again). */
function fetchDataset(url: string, name: string) {
  let entry = datasets.get(url);
  if (entry) return entry;
  const state = { loaded: 0, total: NaN, promise: null as unknown as Promise<Dataset> };
  state.promise = (async () => {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`${name}: HTTP ${response.status} ${response.statusText}`);
    state.total = Number(response.headers.get("content-length") ?? NaN);
    const chunks: Uint8Array[] = [];
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      state.loaded += value.length;
    }
    const bytes = new Uint8Array(state.loaded);
    let at = 0;
    for (const c of chunks) bytes.set(c, (at += c.length) - c.length);
    return decodeDataset(bytes, name);
  })();
  state.promise.catch(() => datasets.delete(url));
  datasets.set(url, state);
  entry = state;
  return entry;
}

/**
 * The dataset a source names, subset and all: yields {loaded, total} every 200 ms while the file downloads,
 * returns the dataset (null if aborted first).
 */
export async function* loadSource(source: DatasetSource, signal: AbortSignal): AsyncGenerator<{ loaded: number; total: number }, Dataset | null, void> {
  const key = `${source.url}#${source.perClass ?? "all"}`;
  const cached = subsets.get(key);
  if (cached) return cached;
  const entry = fetchDataset(source.url, source.name);
  let settled = false;
  const done = entry.promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled && !signal.aborted) {
    yield { loaded: entry.loaded, total: entry.total };
    await Promise.race([done, new Promise((r) => setTimeout(r, 200))]);
  }
  if (signal.aborted) return null;
  const full = await entry.promise;
  const ds = source.perClass ? stratifiedSubset(full, source.perClass) : full;
  subsets.set(key, ds);
  return ds;
}

/**
 * The race's snapshots, and its latest one again every `ms` while none comes (a race waiting for its turn
 * on the queue sends nothing): the page's side of a run can only be cancelled when it receives something,
 * so a cancelled race that is still waiting leaves the queue within a second.
 */
async function* heartbeat<T>(source: AsyncIterable<T>, ms: number): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let last: T | undefined;
  let next = iterator.next();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const r = await Promise.race([next, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
      clearTimeout(timer);
      if (r === null) {
        if (last !== undefined) yield last;
        continue;
      }
      if (r.done) {
        finished = true;
        return;
      }
      last = r.value;
      next = iterator.next();
      yield r.value;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

export const mnistRace = async function* ({ choices, data, queue, ...setup }: MnistRaceSpec, { signal, control }: RunContext): AsyncGenerator<MnistRaceSnapshot, void, undefined> {
  const t0 = performance.now();
  const load = loadSource(data.source, signal);
  let r = await load.next();
  for (; !r.done; r = await load.next()) {
    yield { lanes: choices.map((c) => waitingLane<ClassifierPoint>(c)), step: 0, totalSteps: 0, done: false, elapsedMs: performance.now() - t0, queued: true, loading: r.value } satisfies MnistRaceSnapshot;
  }
  const dataset = r.value;
  if (!dataset) return;
  const { source: _source, ...rest } = data;
  await nextMacrotask();
  for await (const s of heartbeat(trainingRace({
    ...setup,
    data: { ...rest, dataset },
    lanes: choices,
    signal,
    control,
    reportEveryMs: setup.reportEveryMs ?? 250,
    ...(queue !== undefined && { queue: queues.get(queue) ?? queues.set(queue, new RunQueue()).get(queue)! }),
  }), 1000)) {
    yield { lanes: s.lanes.map(trainingLane), ...raceProgress(s), queued: s.queued, loading: null } satisfies MnistRaceSnapshot;
  }
} satisfies Experiment<MnistRaceSpec, ClassifierPoint>;

/** The page's settings for every race (one network, one init seed, one data seed and batch size). */
export interface MnistPageSettings {
  seed: number;
  epochs: number;
  batchSize: number;
  /** Images per class of the subset; ignored with `full`. */
  perClass: number;
  full: boolean;
  augment: boolean;
  /** Absolute URLs of the subset and of the full training set (FileAttachment(...).href). */
  files: { subset: string; full: string };
  normalization: { scale: number; mean: number; std: number };
}

/** The spec of one section's race: the notebook's MLP 784-256-256-10 (Kaiming-normal) on the page's data and seeds. */
export function mnistRaceSpec(choices: ClassifierChoice[], priority: number, s: MnistPageSettings): MnistRaceSpec {
  return {
    sizes: [784, 256, 256, 10],
    init: "kaiming-normal",
    initSeed: s.seed,
    epochs: s.epochs,
    choices,
    priority,
    queue: "mnist-from-scratch",
    data: {
      source: s.full ? { url: s.files.full, name: "mnist-train.bin" } : { url: s.files.subset, name: "mnist-subset.bin", perClass: s.perClass },
      batchSize: s.batchSize,
      seed: s.seed,
      augment: s.augment ? augmentDefaults : false,
      normalize: s.normalization,
    },
  };
}

/**
 * The PyTorch program of finished lanes (lib/export/pytorch.ts's shape): the notebook's network and data — a
 * balanced subset of the same size, not these exact images, unless full.
 */
/** A lane's accepted live changes, as a PyTorch optimizer's `changes` (absent when there were none). */
const changesOf = (lane: Pick<Lane, "changes">) => {
  const changes = acceptedChanges(lane);
  return changes.length ? { changes } : {};
};

export function mnistPytorchRun(
  lanes: readonly (Pick<MnistLane, "label" | "spec"> & Pick<Lane, "changes">)[],
  s: Pick<MnistPageSettings, "seed" | "epochs" | "batchSize" | "perClass" | "full" | "augment" | "normalization">,
) {
  return {
    ...(lanes.length === 1
      ? { optimizer: { name: lanes[0].spec.optimizer, options: lanes[0].spec.options, ...changesOf(lanes[0]) } }
      : { optimizers: lanes.map((l) => ({ label: l.label, name: l.spec.optimizer, options: l.spec.options, ...changesOf(l) })) }),
    model: { kind: "mlp" as const, sizes: [784, 256, 256, 10], init: "kaiming-normal" as const, initSeed: s.seed },
    // printSteps: the program prints every step's loss, as the page's chart draws it.
    data: { name: "mnist" as const, batchSize: s.batchSize, epochs: s.epochs, seed: s.seed, ...(s.full ? {} : { perClass: s.perClass }), augment: s.augment, normalize: s.normalization, printSteps: true },
    loss: "cross_entropy" as const,
  };
}

/** The accumulation section's three lanes: plain mini-batches, k-step accumulation fixed, and the notebook's. */
export function accumulationChoices(def: OptimizerChoice["def"], options: Record<string, unknown>, batchSize: number, k: number): ClassifierChoice[] {
  return [
    { key: "plain", label: `batch ${batchSize}, a step per batch`, def, options },
    { key: "correct", label: `k = ${k}, fixed (batch ${batchSize * k})`, def, options, accumulation: k, accumulate: "correct" },
    { key: "broken", label: `k = ${k}, notebook (zero_grad every batch)`, def, options, accumulation: k, accumulate: "broken" },
  ];
}

/**
 * The page's input table (lib/url/inputs.ts), keyed as in the URL; `main` is the value the browser test sets.
 * Defaults: 2 epochs of the 6,000-image subset in batches of 128, 94 steps per run, short enough that the
 * page's 19 runs finish in about a minute. Not long enough for a fixed order of the six optimizers: by the
 * last 5 batches' mean loss, seeds 1–5 (wasm in Node, one race of the six at these defaults) put SGD last and
 * momentum fifth or fourth every time, but Adagrad first four times and Adam once, and RMSprop anywhere from
 * third to fifth — the page's table has the numbers.
 */
export const mnistInputs: readonly InputRow[] = [
  { name: "epochs", input: "range", label: "epochs", default: 2, range: [1, 10], step: 1 },
  { name: "batch", input: "select", label: "batch size", default: 128, options: [16, 32, 64, 128, 256, 512] },
  { name: "images", input: "range", label: "training images", default: 6000, range: [500, 6000], step: 500 },
  { name: "seed", input: "range", label: "seed (weights and batches)", default: 2, range: [1, 1000], step: 1 },
  { name: "augment", input: "checkbox", label: "augment like the notebook (rotate ±5°, shift ±2 px)", default: false },
  // Bound too: a link with full=true asks for the full run (and its 47 MB download).
  { name: "full", input: "checkbox", label: "the notebook's full run: 60,000 images, 5 epochs (downloads 47 MB)", default: false },
  { name: "sgd", input: "optimizer", def: sgd, default: { lr: 1e-3 }, main: 0.02 },
  { name: "momentum", input: "optimizer", def: sgd, default: { lr: 1e-3, momentum: 0.9 } },
  { name: "cmp1", input: "chart", default: { yMax: 3, smoothing: 1 } },
  { name: "adagrad", input: "optimizer", def: adagrad, default: { lr: 1e-2 } },
  { name: "cmp-g0", input: "chart", default: { yMax: 5, smoothing: 1 } },
  { name: "cmp2", input: "chart", default: { yMax: 5, smoothing: 1 } },
  { name: "adadelta", input: "optimizer", def: adadelta, default: { lr: 1, rho: 0.9, eps: 1e-6 } },
  { name: "cmp3", input: "chart", default: { yMax: 5, smoothing: 1 } },
  { name: "rmsprop", input: "optimizer", def: rmsprop, default: { lr: 1e-2, alpha: 0.99, eps: 1e-8 } },
  { name: "adam", input: "optimizer", def: adam, default: { lr: 1e-3 } },
  { name: "cmp-eps", input: "chart", default: { yMax: 5, smoothing: 1 } },
  { name: "cmp4", input: "chart", default: { yMax: 1, smoothing: 5 } },
  { name: "cmp5", input: "chart", default: { yMax: 5, smoothing: 1 } },
  { name: "cmp-all", input: "chart", default: { yMax: 3, smoothing: 5 } },
  { name: "cmp-acc", input: "chart", default: { yMax: 3, smoothing: 1 } },
  { name: "k", input: "range", label: "accumulation steps k", default: 4, range: [2, 16], step: 1 },
] as InputRow[];

/** The six runs' labels in page order: each keeps its colour on every chart. */
export const mnistLabels = ["SGD", "SGD with momentum", "Adagrad", "Adadelta", "RMSprop", "Adam"];

/**
 * What the page derives from its settings: the races' common settings, the steps per run (the live charts'
 * fixed x-axis), and the line that says what each run trains on.
 */
export function mnistPageSetup(
  v: { epochs: number; batch: number; images: number; seed: number; augment: boolean; full: boolean },
  meta: { normalization: MnistPageSettings["normalization"]; files: { train: { count: number } } },
  files: MnistPageSettings["files"],
) {
  const perClass = Math.round(v.images / 10);
  const trainCount = v.full ? meta.files.train.count : perClass * 10;
  const epochs = v.full ? 5 : v.epochs;
  const steps = Math.ceil(trainCount / v.batch) * epochs;
  const settings: MnistPageSettings = { seed: v.seed, epochs, batchSize: v.batch, perClass, full: v.full, augment: v.augment, files, normalization: meta.normalization };
  return {
    settings,
    steps,
    plan: runPlanNote({ trainCount, epochs, batchSize: v.batch, steps, normalization: meta.normalization }),
    /** Settings and optimizers of finished lanes, for the export's metadata. */
    exportMeta: (lanes: readonly (Pick<MnistLane, "label" | "spec" | "status"> & Pick<Lane, "changes">)[]) => ({
      epochs, batchSize: v.batch, images: trainCount, seed: v.seed, augment: v.augment, full: v.full,
      // Live changes: the PyTorch program replays them (mnistPytorchRun), each from the step it took effect.
      optimizers: lanes.map((l) => ({ label: l.label, optimizer: l.spec.optimizer, options: l.spec.options, status: l.status, ...(l.changes?.length ? { changes: l.changes } : {}) })),
    }),
  };
}

/** The per-step rows a section's export offers. */
export function mnistExportRows(lanes: readonly Pick<MnistLane, "label" | "points">[]) {
  return lanes.flatMap((l) => l.points.map((p) => ({ optimizer: l.label, step: p.step, epoch: p.epoch, samples: p.samplesSeen, loss: p.loss })));
}
