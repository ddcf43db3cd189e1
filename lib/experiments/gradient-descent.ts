/**
 * The page "Gradient descent, step by step": SGD on f(x) = x², and a line fitted by SGD with momentum to the
 * summed squared error of 80 rows (the course notebook's regression problem, lib/data/synthetic.ts).
 * Both run lib's training loop `minimize` on the tfjs engine, the loop the page shows.
 */
import * as tf from "@tensorflow/tfjs-core";
import { linearData, splitRows } from "../data/synthetic.js";
import { createOptimizer } from "../optimizers/optimizer.js";
import { sgd } from "../optimizers/sgd.js";
import { normals, rng } from "../random.js";
import { minimize } from "../train/minimize.js";
import { variable } from "../train/parameters.js";
import { applyChanges, between, failedLane, lane, now } from "./lanes.js";
import type { Experiment, LaneChange, Snapshot } from "./types.js";

export interface ParabolaSpec {
  lr: number;
  momentum: number;
  iterations: number;
  start: number;
}

/** After step `step`: x, y = x², the x the gradient was taken at (`before`) and the loss there, (before)². */
export type ParabolaPoint = { step: number; x: number; y: number; before: number; loss: number };

export const parabola: Experiment<ParabolaSpec, ParabolaPoint> = async function* ({ lr, momentum, iterations, start }) {
  const t0 = now();
  let sgdLane = lane<ParabolaPoint>("sgd", "SGD", [{ step: 0, x: start, y: start ** 2, before: NaN, loss: NaN }]);
  const x = variable(start);
  let optimizer: ReturnType<typeof createOptimizer> | null = null;
  try {
    optimizer = createOptimizer(sgd, { lr, momentum });
    for (const { step, loss, params } of minimize({ params: [x], loss: () => tf.square(x) as tf.Scalar, optimizer, steps: iterations })) {
      const xt = params[0][0];
      sgdLane.points.push({ step, x: xt, y: xt * xt, before: sgdLane.points[sgdLane.points.length - 1].x, loss });
    }
    sgdLane = { ...sgdLane, status: "done" };
  } catch (error) {
    sgdLane = failedLane(sgdLane, error);
  } finally {
    optimizer?.dispose();
    x.dispose();
  }
  yield { lanes: [sgdLane], step: sgdLane.points.length - 1, totalSteps: iterations, done: true, elapsedMs: now() - t0 };
};

export interface LineFitSpec {
  lr: number;
  momentum: number;
  epochs: number;
  /** Seeds the data (linearData) and, as seed + 1, the initial weights. */
  seed: number;
  /** Epochs between snapshots. Default 10. */
  every?: number;
}

export type LineFitPoint = { epoch: number; loss: number };
export interface LineFitMeta {
  /** w₁, w₂, b after the last epoch drawn. */
  weights: number[];
  initial: number[];
  trueWeights: number[];
  trueBias: number;
}
export type LineFitSnapshot = Snapshot<LineFitPoint, LineFitMeta>;

/** The initial [w₁, w₂, b] of the line fit for a seed (what the PyTorch export starts from). */
export function lineFitInit(seed: number): number[] {
  return [...normals(3, rng(seed + 1))];
}

export const lineFit: Experiment<LineFitSpec, LineFitPoint, LineFitMeta> = async function* ({ lr, momentum, epochs, seed, every = 10 }, { signal, control }) {
  const t0 = now();
  const data = linearData({ n: 100, weights: [0.77, -0.56], seed });
  const [trainRows, valRows] = splitRows(data.n, [0.8, 0.1, 0.1]);
  const rows = ([a, b]: [number, number]) => [tf.tensor2d(data.X.slice(a * 2, b * 2), [b - a, 2]), tf.tensor1d(data.y.slice(a, b))] as const;
  const [Xtr, ytr] = rows(trainRows);
  const [Xva, yva] = rows(valRows);
  const initial = lineFitInit(seed);
  const w = variable(initial.slice(0, 2));
  const b = variable(initial[2]);
  const predict = (X: tf.Tensor) => tf.add(tf.squeeze(tf.matMul(X, tf.reshape(w, [2, 1])), [1]), b);
  const sse = (X: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.sub(predict(X), y))) as tf.Scalar;
  let train = { ...lane<LineFitPoint>("train", "training loss"), changes: [] as LaneChange[] };
  let validation = lane<LineFitPoint>("validation", "validation loss");
  let weights = initial;
  const meta = () => ({ weights, initial, trueWeights: data.weights, trueBias: data.bias });
  const snapshot = (done: boolean): LineFitSnapshot => ({ lanes: [train, validation], step: train.points.length, totalSteps: epochs, done, elapsedMs: now() - t0, meta: meta() });
  let optimizer: ReturnType<typeof createOptimizer> | null = null;
  try {
    optimizer = createOptimizer(sgd, { lr, momentum });
    for (const s of minimize({ params: [w, b], loss: () => sse(Xtr, ytr), optimizer, steps: epochs, signal })) {
      const val = tf.tidy(() => sse(Xva, yva).dataSync()[0]);
      train.points.push({ epoch: s.step, loss: s.loss });
      validation.points.push({ epoch: s.step, loss: val });
      weights = [s.params[0][0], s.params[0][1], s.params[1][0]];
      if (s.step % every === 0 && s.step < epochs) yield snapshot(false);
      yield* between(control, () => snapshot(false));
      applyChanges(control, [{ key: "train", optimizer, changes: train.changes, nextStep: s.step + 1 }]);
    }
    train = { ...train, status: signal.aborted ? "stopped" : "done" };
    validation = { ...validation, status: train.status };
  } catch (error) {
    train = failedLane(train, error);
    validation = { ...validation, status: train.status, error: train.error };
  } finally {
    optimizer?.dispose();
    for (const t of [Xtr, ytr, Xva, yva, w, b]) t.dispose();
  }
  yield snapshot(true);
};
