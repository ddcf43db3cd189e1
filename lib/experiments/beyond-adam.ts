/**
 * The "Beyond Adam" page's experiments, each a plain spec in and snapshots out:
 *
 * - `adam-variants`: Adam, NAdam, RAdam and Adamax on one MLP race — the same initial weights, the same batches
 *   (lib/train/loop.ts's `train`, one generator per lane over one data seed), one step of each lane in turn.
 *   Besides the loss it samples, for a few fixed weights, Adam's √v̂ and Adamax's u from the runners' state
 *   buffers, and reports RAdam's ρₜ for every step with the first step whose update is rectified.
 * - `optimizer-memory`: the bytes of optimizer state each runner holds per parameter tensor of one network,
 *   read from its state buffers after one real step.
 * - `muon-spectrum`: the singular values of Muon's update matrix for one weight matrix, before Newton–Schulz
 *   and after each of its iterations (torch's own iteration, lib/optimizers/muon.ts's `newtonSchulz`).
 * - `lbfgs-digits`: L-BFGS (strong Wolfe) against exact Newton and Newton-CG on the digits' softmax regression.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset, Normalization } from "../data/dataset.js";
import { batches } from "../data/batches.js";
import { toFeatures } from "../data/digits.js";
import { crossEntropy } from "../models/losses.js";
import { disposeModel, forward, mlp, type Init } from "../models/mlp.js";
import { createOptimizer, type Optimizer } from "../optimizers/optimizer.js";
import { radamRectification, radamRho } from "../optimizers/radam.js";
import { defaults as muonDefaults, newtonSchulz, type MuonOptions } from "../optimizers/muon.js";
import { FloatMat } from "../optimizers/engines.js";
import { createLBFGS, type LBFGSOptions } from "../optimizers/lbfgs.js";
import { symmetricEigenvalues } from "../newton/linalg.js";
import { newtonIterates, type Iterate } from "../newton/newton.js";
import { newtonCGIterates } from "../newton/newton-cg.js";
import { softmaxRegressionObjective } from "../newton/softmax-objective.js";
import { train, type Progress } from "../train/loop.js";
import { applyChanges, between, failedLane, lane, now, reportEvery } from "./lanes.js";
import type { Experiment, Lane, LaneChange, OptimizerChoice, Snapshot } from "./types.js";

/** The network and data every lane of a race shares. */
export interface NetworkSpec {
  sizes: number[];
  init?: Init;
  initSeed: number;
  data: { dataset: Dataset; batchSize: number; seed: number; normalize?: Normalization };
}

// #region adam-variants
export interface AdamVariantsSpec extends NetworkSpec {
  steps: number;
  choices: OptimizerChoice[];
  /** Flat indices into the first weight matrix whose second-moment scale is sampled. Default: four spread out. */
  weights?: number[];
  /** Steps between state samples (default 5). */
  every?: number;
}

export type VariantPoint = { step: number; loss: number };
/** One state sample: step, which weight, the lane's √v̂ (Adam-like lanes) or u (Adamax). */
export type ScaleSample = { step: number; lane: string; weight: number; value: number; kind: "sqrt(v̂)" | "u" };
export interface AdamVariantsMeta {
  /** RAdam's ρₜ and rₜ (null: momentum-only step) at t = 1 … steps, with the β₂ of the RAdam lane (or 0.999). */
  rho: { step: number; rho: number; r: number | null }[];
  /** The first t with ρₜ > 5: RAdam's first rectified (adaptive) step. */
  rectifiedFrom: number;
  scales: ScaleSample[];
  /** Of the samples after step 1 where both exist, how many have Adamax's u above Adam's √v̂ for the same weight. */
  uAbove: { above: number; of: number };
}
export type AdamVariantsSnapshot = Snapshot<VariantPoint, AdamVariantsMeta>;

/** The per-weight scale an optimizer divides by, from its state: √(v/(1−β₂ᵗ)) for Adam's family, u for Adamax. */
function scaleOf(opt: Optimizer<any, any, any>, indices: number[]): { kind: ScaleSample["kind"]; values: number[] } | null {
  const s = opt.state[0];
  if (!s) return null;
  const slots = s.slots as Record<string, tf.Tensor>;
  // Read back only the sampled entries, not the whole buffer.
  const at = (t: tf.Tensor) => {
    const picked = tf.tidy(() => tf.gather(tf.reshape(t, [-1]), tf.tensor1d(indices, "int32")));
    const values = Array.from(picked.dataSync());
    picked.dispose();
    return values;
  };
  if (slots.u) return { kind: "u", values: at(slots.u) };
  if (slots.v) {
    const β2 = (opt.options as { betas: [number, number] }).betas[1];
    return { kind: "sqrt(v̂)", values: at(slots.v).map((v) => Math.sqrt(v / (1 - β2 ** s.step))) };
  }
  return null;
}

/** How often u (Adamax) is above √v̂ (Adam) for the same weight and step, after the first step. */
export function compareScales(scales: readonly ScaleSample[]): { above: number; of: number } {
  const adam = new Map(scales.filter((d) => d.kind === "sqrt(v̂)" && d.lane === "adam" && d.step > 1).map((d) => [`${d.step}/${d.weight}`, d.value]));
  const pairs = scales.filter((d) => d.kind === "u" && d.step > 1 && adam.has(`${d.step}/${d.weight}`));
  return { above: pairs.filter((d) => d.value > adam.get(`${d.step}/${d.weight}`)!).length, of: pairs.length };
}

export const adamVariants: Experiment<AdamVariantsSpec, VariantPoint, AdamVariantsMeta> = async function* (spec, { signal, control }) {
  const { sizes, init = "torch-default", initSeed, data, steps, choices, every = 5 } = spec;
  const inputs = sizes[0] * sizes[1];
  const weights = spec.weights ?? [0.11, 0.37, 0.62, 0.89].map((f) => Math.floor(f * inputs));
  const radamChoice = choices.find((c) => c.def.name === "radam");
  const β2 = ((radamChoice?.options.betas as [number, number] | undefined) ?? [0.9, 0.999])[1];
  const rho = Array.from({ length: steps }, (_, i) => ({ step: i + 1, rho: radamRho(i + 1, β2), r: radamRectification(i + 1, β2) }));
  const meta: AdamVariantsMeta = { rho, rectifiedFrom: rho.find((r) => r.rho > 5)?.step ?? NaN, scales: [], uAbove: { above: 0, of: 0 } };
  const t0 = now();
  type Run = { lane: Lane<VariantPoint>; changes: LaneChange[]; model: ReturnType<typeof mlp>; optimizer: Optimizer<any, any, any> | null; progress: AsyncGenerator<Progress> | null };
  const runs: Run[] = choices.map((c) => {
    const model = mlp({ sizes, init, seed: initSeed });
    const changes: LaneChange[] = [];
    const run: Run = { lane: { ...lane<VariantPoint>(c.key, c.label), changes }, changes, model, optimizer: null, progress: null };
    try {
      run.optimizer = createOptimizer(c.def, c.options);
      run.progress = train({ params: model.params, loss: (x, y) => crossEntropy(forward(model, x), y), data, optimizer: run.optimizer, steps, signal, maxBlockMs: 1e9 });
    } catch (error) {
      run.lane = failedLane(run.lane, error);
    }
    return run;
  });
  const snapshot = (done: boolean): AdamVariantsSnapshot => ({
    lanes: runs.map((r) => ({ ...r.lane, points: r.lane.points })),
    step: runs.reduce((n, r) => n + r.lane.points.length, 0),
    totalSteps: steps * runs.length,
    done,
    elapsedMs: now() - t0,
    meta,
  });
  // The first step is reported at once (a rerun's first point must not wait out the interval), then every 300 ms.
  const report = reportEvery(300);
  try {
    for (let step = 1; step <= steps && !signal.aborted; step++) {
      for (const r of runs) {
        if (!r.progress || r.lane.status !== "running") continue;
        try {
          const p = await r.progress.next();
          if (p.done) {
            r.lane = { ...r.lane, status: "done" };
            continue;
          }
          r.lane.points.push({ step: p.value.step, loss: p.value.loss });
          if (step % every === 0 || step === 1) {
            const scale = scaleOf(r.optimizer!, weights);
            if (scale) scale.values.forEach((value, w) => meta.scales.push({ step, lane: r.lane.key, weight: weights[w], value, kind: scale.kind }));
          }
        } catch (error) {
          r.lane = failedLane(r.lane, error);
        }
      }
      if (step % every === 0) meta.uAbove = compareScales(meta.scales);
      if (report()) yield snapshot(false);
      yield* between(control, () => snapshot(false));
      applyChanges(control, runs.map((r) => ({ key: r.lane.key, optimizer: r.optimizer, changes: r.changes, nextStep: step + 1 })));
    }
    for (const r of runs) if (r.lane.status === "running") r.lane = { ...r.lane, status: signal.aborted ? "stopped" : "done" };
  } finally {
    for (const r of runs) {
      await r.progress?.return(undefined);
      r.optimizer?.dispose();
      disposeModel(r.model);
    }
  }
  yield snapshot(true);
};
// #endregion adam-variants

// #region optimizer-memory
export interface OptimizerMemorySpec {
  sizes: number[];
  choices: OptimizerChoice[];
}
/** Bytes one runner holds for one parameter tensor, by slot. */
export type MemoryRow = { optimizer: string; tensor: string; shape: number[]; slot: string; shapeOfSlot: number[]; bytes: number; paramBytes: number };
export type MemoryMeta = { rows: MemoryRow[]; totals: Record<string, number> };
export type OptimizerMemorySnapshot = Snapshot<never, MemoryMeta>;

/** Take one step (gradient: a batch of random inputs through the network) and measure every state buffer. */
export const optimizerMemory: Experiment<OptimizerMemorySpec, never, MemoryMeta> = async function* ({ sizes, choices }) {
  const t0 = now();
  const model = mlp({ sizes, seed: 3 });
  const rows: MemoryRow[] = [];
  const lanes: Lane<never>[] = [];
  try {
    const x = tf.randomUniform([8, sizes[0]], 0, 1, "float32", 7) as tf.Tensor2D;
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7].map((i) => i % sizes.at(-1)!), "int32");
    const { grads, value } = tf.variableGrads(() => crossEntropy(forward(model, x), y), model.params);
    const g = model.params.map((p) => grads[p.name]);
    for (const c of choices) {
      let l = lane<never>(c.key, c.label);
      let opt: Optimizer<any, any, any> | null = null;
      try {
        opt = createOptimizer(c.def, c.options);
        opt.step(model.params, g);
        opt.state.forEach((s, i) => {
          for (const [slot, t] of Object.entries(s.slots as Record<string, tf.Tensor>)) {
            rows.push({ optimizer: c.label, tensor: model.names[i], shape: [...model.params[i].shape], slot, shapeOfSlot: [...t.shape], bytes: t.size * 4, paramBytes: model.params[i].size * 4 });
          }
        });
        l = { ...l, status: "done" };
      } catch (error) {
        l = failedLane(l, error);
      } finally {
        opt?.dispose();
      }
      lanes.push(l);
    }
    tf.dispose([x, y, value, ...g]);
  } finally {
    disposeModel(model);
  }
  const totals = Object.fromEntries(choices.map((c) => [c.label, rows.filter((r) => r.optimizer === c.label).reduce((n, r) => n + r.bytes, 0)]));
  yield { lanes, step: choices.length, totalSteps: choices.length, done: true, elapsedMs: now() - t0, meta: { rows, totals } };
};
// #endregion optimizer-memory

// #region muon-spectrum
export interface MuonSpectrumSpec extends NetworkSpec {
  /** Which weight matrix of the network (0 = the first). */
  layer: number;
  /** Muon's options (momentum, nesterov, ns_steps, ns_coefficients, eps). */
  options?: Partial<MuonOptions>;
}
/** σᵢ of the update after `iterations` Newton–Schulz iterations (0: the normalised update X₀ = U/‖U‖_F). */
export type SpectrumRow = { iterations: number; index: number; sigma: number };
/** Per stage: σ₁² (the largest direction's share of ‖X‖²_F when that is 1), σ₁/σ₁₀, how many σ lie in (0.5, 1.5). */
export type SpectrumSummary = { iterations: number; topShare: number; spread: number; inBand: number; count: number };
export type MuonMeta = { rows: SpectrumRow[]; shape: [number, number]; summary: SpectrumSummary[] };
export type MuonSpectrumSnapshot = Snapshot<never, MuonMeta>;

/** Singular values of a rows × cols matrix, largest first: √ of the eigenvalues of the smaller Gram matrix. */
export function singularValues(m: FloatMat): number[] {
  const X = m.rows > m.cols ? m.transpose() : m;
  const [n, k] = [X.rows, X.cols];
  // The Gram matrix in float64: squaring the singular values in float32 would bury those below ~3e-4·σ₁ in rounding.
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += X.data[i * k + c] * X.data[j * k + c];
      gram[i * n + j] = gram[j * n + i] = s;
    }
  return Array.from(symmetricEigenvalues(gram, n), (λ) => Math.sqrt(Math.max(λ, 0))).sort((a, b) => b - a);
}

/**
 * Muon's first update for one layer of the network at its initial weights, on the first batch: the momentum
 * buffer starts at zero, so B₁ = (1 − μ)g and U₁ = g + μ(B₁ − g) (nesterov) or B₁ — a multiple of the gradient.
 */
export const muonSpectrum: Experiment<MuonSpectrumSpec, never, MuonMeta> = async function* (spec) {
  const t0 = now();
  const o: MuonOptions = { ...muonDefaults, ...spec.options };
  const model = mlp({ sizes: spec.sizes, init: spec.init, seed: spec.initSeed });
  let U: FloatMat;
  try {
    const batch = batches(spec.data.dataset, spec.data, 1).next().value!;
    const W = model.params[2 * spec.layer];
    const g = tf.tidy(() => {
      const x = tf.tensor2d(batch.x, [batch.size, batch.features]);
      const y = tf.tensor1d(batch.y, "int32");
      return tf.grad((w: tf.Tensor) => crossEntropy(forward({ ...model, params: model.params.map((p) => (p === W ? (w as tf.Variable) : p)) }, x), y))(W);
    });
    const [rows, cols] = W.shape as [number, number];
    const G = FloatMat.of(g.dataSync() as Float32Array, rows, cols);
    g.dispose();
    const μ = o.momentum;
    const B = G.mul(1 - μ);
    U = o.nesterov ? G.add(B.sub(G).mul(μ)) : B;
  } finally {
    disposeModel(model);
  }
  const out: SpectrumRow[] = [];
  const normalised = U.div(U.frobeniusNorm().data[0]);
  singularValues(normalised).forEach((sigma, index) => out.push({ iterations: 0, index, sigma }));
  for (let k = 1; k <= o.ns_steps; k++) singularValues(newtonSchulz(U, { ...o, ns_steps: k })).forEach((sigma, index) => out.push({ iterations: k, index, sigma }));
  const summary = Array.from({ length: o.ns_steps + 1 }, (_, iterations) => {
    const σ = out.filter((r) => r.iterations === iterations).map((r) => r.sigma);
    return { iterations, topShare: σ[0] ** 2, spread: σ[0] / σ[Math.min(9, σ.length - 1)], inBand: σ.filter((x) => x > 0.5 && x < 1.5).length, count: σ.length };
  });
  yield { lanes: [], step: o.ns_steps, totalSteps: o.ns_steps, done: true, elapsedMs: now() - t0, meta: { rows: out, shape: [U.rows, U.cols], summary } };
};
// #endregion muon-spectrum

/** What the spectrum chart shows, in words: the normalised update's spread before, and after the last iteration. */
export function spectrumNote(summary: readonly SpectrumSummary[]): string {
  const [before, after] = [summary[0], summary.at(-1)!];
  return `Before: σ₁² is ${(100 * before.topShare).toFixed(0)}% of ‖X₀‖²_F = 1, σ₁/σ₁₀ = ${before.spread.toFixed(1)}, ${before.inBand} of ${before.count} singular values in (0.5, 1.5). After ${after.iterations} iterations: σ₁/σ₁₀ = ${after.spread.toFixed(2)}, ${after.inBand} in (0.5, 1.5).`;
}

// #region lbfgs-digits
export interface LBFGSDigitsSpec {
  /** The digits' training images (values 0–16) and labels. */
  train: Dataset;
  /** λ of the L2 term ½λ‖θ‖² (the Newton page's 1e-4). */
  l2: number;
  /** Most iterations for each method. */
  maxIterations: number;
  /** L-BFGS's options (history_size, line_search_fn, …); max_iter is 1: one step() = one iteration, drawn. */
  lbfgs?: Partial<LBFGSOptions>;
}
/** One iterate: loss, gradients (closure calls) and compute time so far. */
export type SecondOrderPoint = { step: number; loss: number; gradients: number; ms: number };
export type LBFGSDigitsSnapshot = Snapshot<SecondOrderPoint, { best: number }>;

export const lbfgsDigits: Experiment<LBFGSDigitsSpec, SecondOrderPoint, { best: number }> = async function* (spec, { signal, control }) {
  const t0 = now();
  const X = tf.tensor2d(toFeatures(spec.train, 1 / 16), [spec.train.count, 64]);
  const y = tf.tensor1d(Int32Array.from(spec.train.labels), "int32");
  const objective = softmaxRegressionObjective(X, y, { classes: spec.train.classes, l2: spec.l2 });
  const dim = objective.dim;
  const lanes: Lane<SecondOrderPoint>[] = [];
  const snapshot = (done: boolean): LBFGSDigitsSnapshot => ({
    lanes: lanes.map((l) => ({ ...l })),
    step: lanes.reduce((n, l) => n + l.points.length, 0),
    totalSteps: 3 * (spec.maxIterations + 1),
    done,
    elapsedMs: now() - t0,
    meta: { best: Math.min(...lanes.flatMap((l) => l.points.map((p) => p.loss))) },
  });
  const newtonLike = (key: string, label: string, start: () => Generator<Iterate, unknown, void>) => ({
    key,
    label,
    *iterate(): Generator<SecondOrderPoint> {
      let ms = 0;
      const it = start();
      for (;;) {
        const s = now();
        const r = it.next();
        ms += now() - s;
        if (r.done) return;
        yield { step: r.value.iteration, loss: r.value.loss, gradients: r.value.evals.grad + r.value.evals.hvp, ms };
      }
    },
  });
  const methods = [
    newtonLike("newton", "Newton (exact)", () => newtonIterates(objective, new Float64Array(dim), { maxIterations: spec.maxIterations, minCurvature: 1e-6 })),
    newtonLike("newton-cg", "Newton-CG", () => newtonCGIterates(objective, new Float64Array(dim), { maxIterations: spec.maxIterations })),
    {
      key: "lbfgs",
      label: "L-BFGS",
      *iterate(): Generator<SecondOrderPoint> {
        const x = new Float32Array(dim);
        const opt = createLBFGS(x, { line_search_fn: "strong_wolfe", ...spec.lbfgs, max_iter: 1, max_eval: undefined });
        let gradients = 0;
        let ms = 0;
        const closure = () => {
          gradients++;
          const { value, gradient } = objective.valueAndGradient(Float64Array.from(x));
          return { loss: value, grad: gradient };
        };
        let previous = Infinity;
        for (let k = 0; k <= spec.maxIterations; k++) {
          const s = now();
          const loss = k < spec.maxIterations ? opt.step(closure) : objective.value(Float64Array.from(x));
          ms += now() - s;
          yield { step: k, loss, gradients, ms };
          // torch's own stop: nothing left to change (its step returns at once when max |g| ≤ tolerance_grad).
          if (Math.abs(previous - loss) < opt.options.tolerance_change || opt.evaluations <= 1) break;
          previous = loss;
        }
      },
    },
  ];
  try {
    for (const m of methods) {
      if (signal.aborted) break;
      let l = lane<SecondOrderPoint>(m.key, m.label);
      lanes.push(l);
      try {
        let lastReport = -Infinity;
        for (const p of m.iterate()) {
          l.points.push(p);
          // A snapshot every 500 ms at most: each one redraws two charts and a table on the page's main thread.
          if (now() - lastReport > 500) {
            lastReport = now();
            yield snapshot(false);
          }
          yield* between(control, () => snapshot(false));
          if (signal.aborted) break;
        }
        l = { ...l, status: signal.aborted ? "stopped" : "done" };
      } catch (error) {
        l = failedLane(l, error);
      }
      lanes[lanes.length - 1] = l;
    }
  } finally {
    objective.dispose();
    tf.dispose([X, y]);
  }
  yield snapshot(true);
};
// #endregion lbfgs-digits
