/**
 * The page "Newton's method and the Hessian" (src/newton.md), section by section, each an experiment the
 * page runs in its worker:
 *
 * - `second-derivatives`: f = a²b at (2, 3), its gradient and Hessian by double backprop;
 * - `newton-sines`: the Hessian of Σ sin xᵢ at x₀ ~ N(0, 1) and pure and safeguarded Newton from x₀;
 * - `newton-digits`: Newton-CG, exact Newton, Adam and SGD on softmax regression of the digits, by iteration
 *   and by each method's own computation time;
 * - `hessian-speed`: how long the full Hessian takes three ways, as the parameter count grows — measured
 *   here, in the worker, where the page's training runs;
 * - `digits-spectrum`: the Hessian's eigenvalues at θ = 0;
 * - `gd-stability`: full-batch gradient descent on the cross-entropy and on its quadratic model at θ = 0.
 *
 * The digits travel in the spec as the 898 training images (a 57 kB typed array); each run makes its own
 * tensors from them and frees them when it ends. Second-order gradients are switched on in the worker by
 * every experiment that differentiates twice (tfjs's stock gradients drop second-order terms, issue #3252),
 * so Adam and SGD here run with the same gradient registrations as the Newton methods beside them.
 */
import * as tf from "@tensorflow/tfjs-core";
import { enableSecondOrderGradients } from "../autodiff/second-order.js";
import { hessian, valueAndGradient } from "../autodiff/hessian.js";
import { SoftmaxRegressionHessian, softmaxRegressionLoss } from "../autodiff/softmax-regression.js";
import { hessianTiming, type HessianMethod } from "../autodiff/hessian-speed.js";
import type { Dataset } from "../data/dataset.js";
import { toFeatures } from "../data/digits.js";
import { spectrum, powerIteration, type Vector } from "../newton/linalg.js";
import { tfObjective } from "../newton/objective.js";
import { newtonIterates, pureNewtonIterates, stationaryPointKind, type Iterate, type Result } from "../newton/newton.js";
import { newtonCGIterates } from "../newton/newton-cg.js";
import { softmaxRegressionObjective } from "../newton/softmax-objective.js";
import { fullBatchIterates, quadraticModel, timed } from "../newton/compare.js";
import { createOptimizer } from "../optimizers/optimizer.js";
import { adam } from "../optimizers/adam.js";
import { sgd } from "../optimizers/sgd.js";
import { nextMacrotask } from "../train/loop.js";
import { applyChanges, between, failedLane, lane, now } from "./lanes.js";
import type { Experiment, Lane, LaneChange, Snapshot } from "./types.js";

/** The digits a spec carries: the training images (0–16) and labels, as splitDigits returns them. */
export type DigitsTrain = Pick<Dataset, "images" | "labels" | "count">;

const CLASSES = 10;
const PARAMS = 650;

/** The digits as tensors, pixels / 16: X [N, 64], y [N]. */
function digitsTensors(train: DigitsTrain): { X: tf.Tensor2D; y: tf.Tensor1D; dispose(): void } {
  const X = tf.tensor2d(toFeatures(train, 1 / 16), [train.count, 64]);
  const y = tf.tensor1d(Int32Array.from(train.labels), "int32");
  return { X, y, dispose: () => tf.dispose([X, y]) };
}

const done = <L extends Lane<any>>(l: L, signal: AbortSignal): L => ({ ...l, status: signal.aborted ? "stopped" : "done" });

// ———————————————————————————————————————————————————————————— second derivatives

export interface PartialsMeta {
  /** f(2, 3), ∇f = [∂f/∂a, ∂f/∂b], and H row-major [∂²f/∂a², ∂²f/∂a∂b, ∂²f/∂b∂a, ∂²f/∂b²]. */
  f: number;
  g: number[];
  H: number[];
}

export const secondDerivatives: Experiment<Record<string, never>, never, PartialsMeta> = async function* () {
  enableSecondOrderGradients();
  const t0 = now();
  const f = (x: tf.Tensor1D) => tf.sum(tf.mul(tf.square(tf.slice(x, [0], [1])), tf.slice(x, [1], [1]))) as tf.Scalar; // a²·b
  const x = tf.tensor1d([2, 3]);
  const { value, grad } = valueAndGradient(f, x);
  const H = hessian(f, x);
  const meta = { f: value.dataSync()[0], g: Array.from(grad.dataSync()), H: Array.from(H.dataSync()) };
  tf.dispose([x, value, grad, H]);
  yield { lanes: [], step: 1, totalSteps: 1, done: true, elapsedMs: now() - t0, meta };
};

// ———————————————————————————————————————————————————————————— Σ sin xᵢ

export interface SinesSpec {
  dim: number;
  /** x₀ ~ N(0, 1) from tf.randomNormal with this seed (never 0). */
  seed: number;
  maxIterations?: number;
}

/** One Newton iterate: f, ‖∇f‖, the step α that reached it, and its coordinates x1 … xn. */
export type NewtonPoint = { iteration: number; loss: number; gradNorm: number; stepSize: number } & Record<`x${number}`, number>;

export interface NewtonRunSummary {
  message: string;
  loss: number;
  /** Hessian eigenvalues at the last iterate, ascending, and what kind of stationary point they make it. */
  eigenvalues: number[];
  kind: string;
  /** How each iterate's direction was chosen ("" at the start). */
  directions: string[];
}

export interface SinesMeta {
  x0: number[];
  /** The dim×dim Hessian at x₀, row-major, and the time it took (dim HVPs). */
  H: number[];
  hessianMs: number;
  runs: Record<"pure" | "safeguarded", NewtonRunSummary>;
}

export type SinesSnapshot = Snapshot<NewtonPoint, SinesMeta>;

function newtonPoint(it: Iterate): NewtonPoint {
  const p: Record<string, number> = { iteration: it.iteration, loss: it.loss, gradNorm: it.gradNorm, stepSize: it.stepSize };
  it.x.forEach((v, i) => (p[`x${i + 1}`] = v));
  return p as NewtonPoint;
}

export const newtonSines: Experiment<SinesSpec, NewtonPoint, SinesMeta> = async function* ({ dim, seed, maxIterations = 50 }, { signal }) {
  enableSecondOrderGradients();
  const t0 = now();
  const f = (x: tf.Tensor1D) => tf.sum(tf.sin(x)) as tf.Scalar;
  const x = tf.tidy(() => tf.randomNormal([dim], 0, 1, "float32", seed) as tf.Tensor1D);
  const h0 = now();
  const Ht = hessian(f, x);
  const hessianMs = now() - h0;
  const x0 = Array.from(x.dataSync());
  const H = Array.from(Ht.dataSync());
  tf.dispose([x, Ht]);
  const objective = tfObjective(f, dim);
  const runs = {} as SinesMeta["runs"];
  const lanes: Lane<NewtonPoint>[] = [];
  for (const [key, iterates] of [
    ["pure", () => pureNewtonIterates(objective, x0, { maxIterations })],
    ["safeguarded", () => newtonIterates(objective, x0, { maxIterations })],
  ] as const) {
    let l = lane<NewtonPoint>(key, key === "pure" ? "Pure Newton" : "Safeguarded Newton");
    const directions: string[] = [];
    const gen = iterates();
    let result: Result | undefined;
    let last: Iterate | undefined;
    for (let r = gen.next(); ; r = gen.next()) {
      if (r.done) {
        result = r.value;
        break;
      }
      last = r.value;
      l.points.push(newtonPoint(r.value));
      directions.push(r.value.direction ?? "");
    }
    const eig = spectrum(objective.hessian!(last!.x), dim).eigenvalues;
    runs[key] = { message: result.message, loss: result.loss, eigenvalues: Array.from(eig), kind: stationaryPointKind(eig, 1e-6), directions };
    lanes.push(done(l, signal));
    await nextMacrotask();
    if (signal.aborted) break;
  }
  yield { lanes, step: lanes.length, totalSteps: 2, done: true, elapsedMs: now() - t0, meta: { x0, H, hessianMs, runs } };
};

// ———————————————————————————————————————————————————————————— digits: Newton against Adam and SGD

export interface DigitsRaceSpec {
  train: DigitsTrain;
  l2: number;
  adamLr: number;
  sgdLr: number;
  /** Adam's and SGD's full-batch steps. */
  steps: number;
  /** Newton's most iterations (default 50). */
  maxIterations?: number;
}

/** L(θₖ) after iteration k and the method's own computation time so far, ms. */
export type DigitsRacePoint = { iteration: number; loss: number; ms: number };

export interface DigitsRaceRow {
  method: string;
  iterations: number;
  loss: number;
  ms: number;
  work: string;
  status: string;
}

export type DigitsRaceSnapshot = Snapshot<DigitsRacePoint, { summary: DigitsRaceRow[] }>;

export const DIGITS_METHODS = ["Newton-CG", "Newton (exact)", "Adam", "SGD"] as const;

export const newtonDigits: Experiment<DigitsRaceSpec, DigitsRacePoint, { summary: DigitsRaceRow[] }> = async function* (spec, { signal }) {
  enableSecondOrderGradients();
  const t0 = now();
  const { X, y, dispose } = digitsTensors(spec.train);
  const options = { classes: CLASSES, l2: spec.l2 };
  const objective = softmaxRegressionObjective(X, y, options);
  const x0 = new Float64Array(PARAMS);
  const maxIterations = spec.maxIterations ?? 50;
  let lanes: Lane<DigitsRacePoint>[] = DIGITS_METHODS.map((m) => ({ ...lane<DigitsRacePoint>(m, m), status: "waiting" }));
  const summary: DigitsRaceRow[] = [];
  const optimizers: ReturnType<typeof createOptimizer>[] = [];
  const firstOrder = (optimizer: ReturnType<typeof createOptimizer>) => {
    optimizers.push(optimizer);
    return fullBatchIterates({ loss: (theta) => softmaxRegressionLoss(theta as unknown as tf.Tensor1D, X, y, options), x0, optimizer, steps: spec.steps, signal });
  };
  const starts: Record<(typeof DIGITS_METHODS)[number], () => Generator<{ iteration: number; loss: number }, Result | void, void>> = {
    // minCurvature 1e-6: the problem is convex, so the eigenvalue floor only needs to stay below λ.
    "Newton-CG": () => newtonCGIterates(objective, x0, { maxIterations }),
    "Newton (exact)": () => newtonIterates(objective, x0, { maxIterations, minCurvature: 1e-6 }),
    Adam: () => firstOrder(createOptimizer(adam, { lr: spec.adamLr })),
    SGD: () => firstOrder(createOptimizer(sgd, { lr: spec.sgdLr })),
  };
  const snapshot = (finished: boolean): DigitsRaceSnapshot => ({
    lanes,
    step: lanes.reduce((n, l) => n + l.points.length, 0),
    totalSteps: 2 * (maxIterations + 1) + 2 * spec.steps,
    done: finished,
    elapsedMs: now() - t0,
    meta: { summary: summary.slice() },
  });
  try {
    for (let i = 0; i < lanes.length && !signal.aborted; i++) {
      const method = DIGITS_METHODS[i];
      lanes[i] = { ...lanes[i], status: "running" };
      let iterates: ReturnType<typeof timed<{ iteration: number; loss: number }, Result | void>> | null = null;
      let last: { iteration: number; loss: number; elapsed: number } | null = null;
      let result: Result | void = undefined;
      try {
        iterates = timed(starts[method]());
        for (;;) {
          const r = iterates.next();
          if (r.done) {
            result = r.value;
            break;
          }
          last = r.value;
          lanes[i].points.push({ iteration: last.iteration, loss: last.loss, ms: last.elapsed });
          yield snapshot(false);
          await nextMacrotask();
          if (signal.aborted) break;
        }
      } catch (error) {
        // As before on this page: a method that fails (SGD diverging at a large η) stops the comparison.
        lanes = lanes.map((l, k) => (k === i ? failedLane(l, error) : k > i ? { ...l, status: "stopped" } : l));
        break;
      } finally {
        iterates?.return(undefined as never);
      }
      if (signal.aborted) break;
      lanes[i] = { ...lanes[i], status: "done" };
      summary.push({
        method,
        iterations: last!.iteration,
        loss: last!.loss,
        ms: last!.elapsed,
        work: result?.evals ? `${result.evals.hessian} Hessians, ${result.evals.hvp} HVPs, ${result.evals.grad} gradients` : `${last!.iteration + 1} gradients`,
        status: result?.message ?? "done",
      });
    }
    if (signal.aborted) lanes = lanes.map((l) => (l.status === "done" || l.status === "diverged" || l.status === "invalid" ? l : { ...l, status: "stopped" }));
  } finally {
    objective.dispose();
    for (const o of optimizers) o.dispose();
    dispose();
  }
  yield snapshot(true);
};

// ———————————————————————————————————————————————————————————— the speed of the Hessian

export interface HessianSpeedSpec {
  train: DigitsTrain;
  /** Time the n HVPs only up to this n (they take seconds). */
  hvpMax: number;
}

export type HessianSpeedPoint = { n: number; ms: number; bytes: number; features: number };

export const HESSIAN_METHODS: readonly { key: HessianMethod; label: string }[] = [
  { key: "blocks", label: "closed form, blocks (1 matMul)" },
  { key: "kronecker", label: "closed form, Kronecker (2 matMuls)" },
  { key: "hvp", label: "n Hessian-vector products" },
];

/** Each method's lane holds its timings; `state["n=…"]` every timed run at that n, ms. */
export type HessianSpeedSnapshot = Snapshot<HessianSpeedPoint>;

export const hessianSpeed: Experiment<HessianSpeedSpec, HessianSpeedPoint> = async function* ({ train, hvpMax }, { signal }) {
  enableSecondOrderGradients();
  const t0 = now();
  const { X, y, dispose } = digitsTensors(train);
  const featureCounts = Array.from({ length: 13 }, (_, k) => 4 + 5 * k); // n = 50, 100, …, 650
  const lanes: Lane<HessianSpeedPoint>[] = HESSIAN_METHODS.map(({ key, label }) => ({ ...lane<HessianSpeedPoint>(key, label), status: "waiting", state: {} }));
  const planned = HESSIAN_METHODS.map(({ key }) => featureCounts.filter((f) => key !== "hvp" || 10 * (f + 1) <= hvpMax).length);
  const snapshot = (finished: boolean): HessianSpeedSnapshot => ({
    lanes: lanes.map((l) => ({ ...l })),
    step: lanes.reduce((n, l) => n + l.points.length, 0),
    totalSteps: planned.reduce((a, b) => a + b, 0),
    done: finished,
    elapsedMs: now() - t0,
  });
  try {
    for (let m = 0; m < HESSIAN_METHODS.length && !signal.aborted; m++) {
      const method = HESSIAN_METHODS[m].key;
      lanes[m].status = "running";
      for (const features of featureCounts) {
        const n = 10 * (features + 1);
        if (method === "hvp" && n > hvpMax) continue;
        const steps = hessianTiming(X, y, { features, classes: CLASSES, method, repeats: method === "hvp" ? 1 : n === 650 ? 5 : 3 });
        let r = steps.next();
        while (!r.done && !signal.aborted) {
          await nextMacrotask();
          if (!signal.aborted) r = steps.next();
        }
        if (!r.done) steps.return(undefined as never); // aborted mid-timing: its finally frees θ
        if (!r.done || signal.aborted) break;
        const t = r.value;
        lanes[m].points.push({ n: t.n, ms: t.ms, bytes: t.bytes, features: t.features });
        lanes[m].state![`n=${t.n}`] = t.runs;
        yield snapshot(false);
      }
      lanes[m].status = signal.aborted ? "stopped" : "done";
    }
  } finally {
    dispose();
  }
  yield snapshot(!signal.aborted);
};

// ———————————————————————————————————————————————————————————— the spectrum at θ = 0

export interface SpectrumMeta {
  /** All 650 eigenvalues, ascending. */
  eigenvalues: number[];
  lambdaMax: number;
  maxStableLearningRate: number;
  /** Eigenvalues zero to within 1e-6·λ_max. */
  zero: number;
  /** Pixels inked in no training image, and in at most 5. */
  blank: number;
  rare: number;
  /** The Hessian (cold: its setup included) and the eigensolve, ms. */
  hessianMs: number;
  eigMs: number;
}

/** The Hessian at θ = 0 of plain cross-entropy (no L2), as the page's spectrum and its quadratic model use it. */
function hessianAtZero(X: tf.Tensor2D): Float32Array {
  const plan = new SoftmaxRegressionHessian(X, CLASSES);
  const theta = tf.zeros([PARAMS]) as tf.Tensor1D;
  try {
    return Float32Array.from(plan.compute(theta));
  } finally {
    plan.dispose();
    theta.dispose();
  }
}

export const digitsSpectrum: Experiment<{ train: DigitsTrain }, never, SpectrumMeta> = async function* ({ train }) {
  const t0 = now();
  const { X, dispose } = digitsTensors(train);
  let H: Float32Array;
  try {
    H = hessianAtZero(X);
  } finally {
    dispose();
  }
  const hessianMs = now() - t0;
  await nextMacrotask();
  const t1 = now();
  const s = spectrum(H, PARAMS);
  const eigMs = now() - t1;
  // Pixels that are 0 in every training image: their weights do not touch the loss at all.
  const inked = new Array(64).fill(0);
  for (let k = 0; k < train.images.length; k++) if (train.images[k] > 0) inked[k % 64]++;
  const eigenvalues = Array.from(s.eigenvalues);
  const meta: SpectrumMeta = {
    eigenvalues,
    lambdaMax: s.lambdaMax,
    maxStableLearningRate: s.maxStableLearningRate,
    zero: eigenvalues.filter((v) => Math.abs(v) <= 1e-6 * s.lambdaMax).length,
    blank: inked.filter((c) => c === 0).length,
    rare: inked.filter((c) => c <= 5).length,
    hessianMs,
    eigMs,
  };
  yield { lanes: [], step: 1, totalSteps: 1, done: true, elapsedMs: now() - t0, meta };
};

// ———————————————————————————————————————————————————————————— gradient descent's ceiling

export interface StabilitySpec {
  train: DigitsTrain;
  lr: number;
  /** Default 300. */
  steps?: number;
}

export type StabilityPoint = { step: number; loss: number };

export interface StabilityMeta {
  /** λ_max of the cross-entropy's Hessian after the last step (power iteration on HVPs), once it ran them all. */
  finalLambdaMax?: number;
}

export type StabilitySnapshot = Snapshot<StabilityPoint, StabilityMeta>;

/**
 * The reader may pause, step and change η while it runs (controls.js): a change holds from the next step on, and
 * for the quadratic model's run after the cross-entropy's too (the two runs compare one η).
 */
export const gdStability: Experiment<StabilitySpec, StabilityPoint, StabilityMeta> = async function* ({ train, lr, steps = 300 }, { signal, control }) {
  enableSecondOrderGradients();
  const t0 = now();
  const { X, y, dispose } = digitsTensors(train);
  const options = { classes: CLASSES };
  const H = hessianAtZero(X);
  const objective0 = softmaxRegressionObjective(X, y, options);
  const g0 = objective0.valueAndGradient(new Float64Array(PARAMS)).gradient;
  objective0.dispose();
  const lossAt0 = tf.tidy(() => softmaxRegressionLoss(tf.zeros([PARAMS]) as tf.Tensor1D, X, y, options).dataSync()[0]);
  const model = quadraticModel(lossAt0, g0, H);
  const lanes: (Lane<StabilityPoint> & { changes: LaneChange[] })[] = [
    { ...lane<StabilityPoint>("cross-entropy", "cross-entropy"), changes: [] },
    { ...lane<StabilityPoint>("quadratic model", "quadratic model"), status: "waiting", changes: [] },
  ];
  let gdOptions: Record<string, unknown> = { lr };
  const meta: StabilityMeta = {};
  const snapshot = (finished: boolean): StabilitySnapshot => ({
    lanes: lanes.map((l) => ({ ...l })),
    step: lanes.reduce((n, l) => n + l.points.length, 0),
    totalSteps: 2 * steps,
    done: finished,
    elapsedMs: now() - t0,
    meta: { ...meta },
  });
  const losses: ((theta: tf.Tensor1D) => tf.Scalar)[] = [(theta) => softmaxRegressionLoss(theta, X, y, options), (theta) => model.loss(theta)];
  try {
    for (let i = 0; i < lanes.length && !signal.aborted; i++) {
      lanes[i].status = "running";
      const optimizer = createOptimizer(sgd, gdOptions);
      let lastTheta: tf.Tensor | null = null;
      try {
        for (const it of fullBatchIterates({ loss: (theta) => ((lastTheta = theta), losses[i](theta as unknown as tf.Tensor1D)), x0: new Float32Array(PARAMS), optimizer, steps, signal })) {
          lanes[i].points.push({ step: it.iteration, loss: it.loss });
          if (it.iteration === steps - 1 && i === 0) {
            const x: Vector = Float64Array.from(lastTheta!.dataSync());
            const objective = softmaxRegressionObjective(X, y, options);
            meta.finalLambdaMax = powerIteration((v) => objective.hvp!(x, v), PARAMS).value;
            objective.dispose();
          }
          if (it.iteration % 20 === 0) yield snapshot(false);
          await nextMacrotask();
          if (signal.aborted) break;
          yield* between(control, () => snapshot(false));
          const before = lanes[i].changes.length;
          applyChanges(control, [{ key: lanes[i].key, optimizer, changes: lanes[i].changes, nextStep: it.iteration + 1 }]);
          for (const c of lanes[i].changes.slice(before)) if (!c.error) gdOptions = { ...gdOptions, ...c.options };
        }
        lanes[i] = done(lanes[i], signal);
      } catch (error) {
        lanes[i] = failedLane(lanes[i], error);
      } finally {
        optimizer.dispose();
      }
    }
  } finally {
    model.dispose();
    dispose();
  }
  yield snapshot(!signal.aborted);
};
