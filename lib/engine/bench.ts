/**
 * The bench workload (seed 002's MLP): 784-256-256-10, batch 128, Adam lr 1e-3, cross-entropy, one fixed
 * random batch. Runs on whatever backend is active; `npm run bench` calls it in Chromium per backend.
 */
import * as tf from "@tensorflow/tfjs-core";
import { adam, createOptimizer } from "../optimizers/index.js";
import { crossEntropy } from "../models/losses.js";
import { disposeModel, forward, mlp } from "../models/mlp.js";
import { normals, rng } from "../random.js";
import { Parameters } from "../train/parameters.js";
import type { Stepper } from "../train/minimize.js";

export const BENCH_WORKLOAD = "mlp-784-256-256-10-b128-adam";

export interface BenchOptions {
  steps?: number;
  warmup?: number;
  /** "ours": lib/optimizers' Adam; "tf.train.adam": tfjs's own, for comparison. */
  optimizer?: "ours" | "tf.train.adam";
  /** Stop early (and report the steps done) after this many milliseconds. */
  maxMs?: number;
  seed?: number;
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

export async function benchMLP({ steps = 50, warmup = 25, optimizer = "ours", maxMs = 30_000, seed = 1 }: BenchOptions = {}): Promise<BenchResult> {
  const sizes = [784, 256, 256, 10];
  const batch = 128;
  const model = mlp({ sizes, init: "kaiming-normal", seed });
  const random = rng(seed + 1);
  const x = tf.tensor2d(normals(batch * 784, random), [batch, 784]);
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => Math.floor(random() * 10)), "int32");
  const opt = optimizer === "ours" ? createOptimizer(adam, { lr: 1e-3 }) : tfjsAdam(1e-3);
  const θ = new Parameters(model.params);
  const step = () => {
    θ.zeroGrad();
    const loss = θ.backward(() => crossEntropy(forward(model, x), y));
    opt.step(θ.vars, θ.grads);
    return loss;
  };
  try {
    const warmupLosses: number[] = [];
    for (let i = 0; i < warmup; i++) warmupLosses.push(step());
    const tensorsAfterWarmup = tf.memory().numTensors;
    let loss = NaN;
    let done = 0;
    const t0 = performance.now();
    while (done < steps && performance.now() - t0 < maxMs) {
      loss = step(); // reads the loss back each step, as pages do, so the time includes the sync
      done++;
    }
    const ms = performance.now() - t0;
    return {
      workload: BENCH_WORKLOAD,
      backend: tf.getBackend(),
      optimizer,
      steps: done,
      ms,
      stepsPerSec: (done * 1000) / ms,
      finalLoss: loss,
      warmupLosses,
      tensorsAfterWarmup,
      tensorsAtEnd: tf.memory().numTensors,
    };
  } finally {
    θ.disposeGrads();
    opt.dispose();
    disposeModel(model);
    x.dispose();
    y.dispose();
  }
}
