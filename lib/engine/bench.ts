/**
 * The bench workload (the optimizers-lab notebook's MLP): 784-256-256-10, batch 128, Adam lr 1e-3, cross-entropy, one fixed
 * random batch. Runs on whatever backend is active; `npm run bench` calls it in Chromium per backend, and the
 * automatic backend choice calls it briefly on each backend to calibrate (backend.ts).
 *
 * Losses are read asynchronously, `readEvery` steps at a time in one stacked read, as the training loop
 * does: nothing here waits for the device synchronously.
 */
import * as tf from "@tensorflow/tfjs-core";
import { adam, createOptimizer } from "../optimizers/index.js";
import { crossEntropy } from "../models/losses.js";
import { disposeModel, forward, mlp } from "../models/mlp.js";
import { normals, rng } from "../random.js";
import { Parameters } from "../train/parameters.js";
import type { Stepper } from "../train/minimize.js";

export const BENCH_WORKLOAD = "mlp-784-256-256-10-b128-adam";

/**
 * "ours": lib/optimizers' Adam (fused where the backend has a fused kernel: WebAssembly on wasm); "fused-js": the
 * same fused step as the JS loop (what wasm ran before fused-wasm.ts); "unfused": the same rule op by op;
 * "tf.train.adam": tfjs's own; "none": forward and backward alone, no update (the floor an optimizer adds to);
 * "copy": no update, but every weight replaced by a new tensor holding the same values, as any update does. With
 * tfjs's own wasm matMul that cost more than the copy (XNNPACK packs a weight matrix once per tensor, so "none"
 * never re-packed and every optimizer re-packed all weights each step); ours (wasm-matmul.ts) packs nothing.
 */
export type BenchOptimizer = "ours" | "fused-js" | "unfused" | "tf.train.adam" | "none" | "copy";

export interface BenchOptions {
  steps?: number;
  warmup?: number;
  optimizer?: BenchOptimizer;
  /** Stop early (and report the steps done) after this many milliseconds. */
  maxMs?: number;
  seed?: number;
  /** Steps between loss reads. Default 10. */
  readEvery?: number;
  /**
   * Once aborted, the run does no more tensor work: it releases its tensors at its next await and resolves with
   * what it measured. (The backend may have been switched meanwhile: an op now would land on the new one.)
   */
  signal?: AbortSignal;
  /**
   * The clock the timed steps are measured with, in milliseconds. Default `performance.now` (wall time); in Node
   * scripts/bench-cpu.ts passes the process's CPU time, which other processes on a loaded machine hardly change.
   */
  clock?: () => number;
}

export interface BenchResult {
  workload: string;
  backend: string;
  optimizer: string;
  steps: number;
  ms: number;
  stepsPerSec: number;
  finalLoss: number;
  /** The losses of the warm-up steps: the same on every backend that computes correctly. */
  warmupLosses: number[];
  /** Every timed step's loss. */
  losses: number[];
  /**
   * Of `ms`, the time spent inside the optimizer's step, by the same clock. On wasm and cpu a kernel runs when it
   * is called, so this is the step's own cost, measured in the same steps as the rest (a GPU backend only queues
   * its kernels there: the figure means nothing on one).
   */
  optimizerMs: number;
  /** tf.memory().numTensors after the warm-up and at the end: equal when nothing leaks. */
  tensorsAfterWarmup: number;
  tensorsAtEnd: number;
}

/** tf.train.adam behind the same `step(vars, grads)` call as ours. */
function tfjsAdam(lr: number): Stepper & { dispose(): void } {
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  return {
    step: (vars, grads) => opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] }))),
    dispose: () => opt.dispose(),
  };
}

function optimizerFor(kind: BenchOptimizer): Stepper & { dispose(): void } {
  if (kind === "tf.train.adam") return tfjsAdam(1e-3);
  if (kind === "none") return { step: () => {}, dispose: () => {} };
  if (kind === "copy") return { step: (vars) => vars.forEach((v) => v.assign(tf.tidy(() => tf.add(v, 0)))), dispose: () => {} };
  return createOptimizer(adam, { lr: 1e-3 }, { fused: kind !== "unfused", wasm: kind !== "fused-js" });
}

/** Reads scalar tensors in one round trip and disposes them (without reading, once `signal` is aborted). */
async function readAll(losses: tf.Scalar[], signal?: AbortSignal): Promise<number[]> {
  if (losses.length === 0) return [];
  if (signal?.aborted) {
    for (const l of losses) l.dispose();
    return [];
  }
  const stacked = tf.stack(losses);
  try {
    return Array.from(await stacked.data());
  } finally {
    stacked.dispose();
    for (const l of losses) l.dispose();
  }
}

export async function benchMLP({ steps = 50, warmup = 25, optimizer = "ours", maxMs = 30_000, seed = 1, readEvery = 10, signal, clock = () => performance.now() }: BenchOptions = {}): Promise<BenchResult> {
  const sizes = [784, 256, 256, 10];
  const batch = 128;
  const model = mlp({ sizes, init: "kaiming-normal", seed });
  const random = rng(seed + 1);
  const x = tf.tensor2d(normals(batch * 784, random), [batch, 784]);
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => Math.floor(random() * 10)), "int32");
  const opt = optimizerFor(optimizer);
  const θ = new Parameters(model.params);
  let optimizerMs = 0;
  const step = (): tf.Scalar => {
    θ.zeroGrad();
    const loss = θ.backwardLoss(() => crossEntropy(forward(model, x), y));
    const t = clock();
    opt.step(θ.vars, θ.grads);
    optimizerMs += clock() - t;
    return loss;
  };
  let unread: tf.Scalar[] = [];
  try {
    for (let i = 0; i < warmup; i++) unread.push(step());
    const warmupLosses = await readAll(unread.splice(0), signal);
    const tensorsAfterWarmup = tf.memory().numTensors;
    const losses: number[] = [];
    optimizerMs = 0;
    let done = 0;
    const t0 = clock();
    const wall0 = performance.now();
    while (!signal?.aborted && done < steps && performance.now() - wall0 < maxMs) {
      unread.push(step());
      done++;
      // Read every readEvery steps (and at the end), so the time includes the reads a page would do.
      if (done % readEvery === 0 || done === steps) losses.push(...(await readAll(unread.splice(0), signal)));
    }
    losses.push(...(await readAll(unread.splice(0), signal)));
    const ms = clock() - t0;
    return {
      workload: BENCH_WORKLOAD,
      backend: tf.getBackend(),
      optimizer,
      steps: done,
      ms,
      stepsPerSec: (done * 1000) / ms,
      optimizerMs,
      finalLoss: losses.at(-1) ?? NaN,
      warmupLosses,
      losses,
      tensorsAfterWarmup,
      tensorsAtEnd: signal?.aborted ? NaN : tf.memory().numTensors,
    };
  } finally {
    for (const l of unread) l.dispose();
    θ.disposeGrads();
    opt.dispose();
    disposeModel(model);
    x.dispose();
    y.dispose();
  }
}

/**
 * The automatic choice's calibration: a few bench steps after one untimed one (shader compiles, JIT), within
 * `budgetMs` in all. A backend that cannot finish that in time measures NaN ("too slow to calibrate"): with the
 * bench MLP at 40 steps/s on wasm here, a backend that needs 2 s for two steps cannot be the fastest. Measured
 * here: software WebGL needs ~2.5 s and SwiftShader's WebGPU ~11 s for their first two steps (shader compiles).
 */
export async function calibrateMLP(budgetMs = 2000): Promise<number> {
  const stop = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      stop.abort();
      resolve(NaN);
    }, budgetMs);
  });
  const t0 = performance.now();
  const run = benchMLP({ steps: 5, warmup: 1, maxMs: Math.max(0, budgetMs / 2), readEvery: 1, signal: stop.signal }).then((r) => {
    const left = budgetMs - (performance.now() - t0);
    return r.steps > 0 && left >= 0 ? r.stepsPerSec : NaN;
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
