/**
 * Adam's moment estimates on their own, in plain float64 arithmetic, for explaining them (page "Adam,
 * understood"). The optimizer itself is adam.ts; these functions apply the same recurrences to streams of
 * numbers whose true mean and second moment we know.
 *
 *   m_t = β₁ m_{t−1} + (1 − β₁) g_t        m̂_t = m_t / (1 − β₁ᵗ)
 *   v_t = β₂ v_{t−1} + (1 − β₂) g_t²       v̂_t = v_t / (1 − β₂ᵗ)
 */
import { createFloatOptimizer } from "./optimizer.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { normals, rng } from "../random.js";

/** g_t = μ + σ·z_t with z_t ~ N(0, 1), t = 1..steps: E[g] = μ, E[g²] = μ² + σ². */
export function noisyGradients({ mean = 1, std = 1, steps = 100, seed = 1 } = {}): Float64Array {
  const z = normals(steps, rng(seed));
  return Float64Array.from(z, (zi) => mean + std * zi);
}

export interface MomentRow {
  /** 1-based step. */
  step: number;
  g: number;
  m: number;
  v: number;
  /** Bias-corrected estimates. */
  mHat: number;
  vHat: number;
  /** The step direction Adam takes, m̂/(√v̂ + ε), and the same ratio without bias correction, m/(√v + ε). */
  ratio: number;
  ratioUncorrected: number;
}

/** Adam's recurrences over a stream of gradients, one row per step. */
export function momentEstimates(gs: ArrayLike<number>, { betas = [0.9, 0.999] as readonly [number, number], eps = 1e-8 } = {}): MomentRow[] {
  const [β1, β2] = betas;
  let m = 0;
  let v = 0;
  const rows: MomentRow[] = [];
  for (let i = 0; i < gs.length; i++) {
    const t = i + 1;
    const g = gs[i];
    m = β1 * m + (1 - β1) * g;
    v = β2 * v + (1 - β2) * g * g;
    const mHat = m / (1 - β1 ** t);
    const vHat = v / (1 - β2 ** t);
    rows.push({ step: t, g, m, v, mHat, vHat, ratio: mHat / (Math.sqrt(vHat) + eps), ratioUncorrected: m / (Math.sqrt(v) + eps) });
  }
  return rows;
}

/**
 * What m̂/√v̂ tends to for stationary gradients with mean μ and standard deviation σ, to first order:
 * m̂ → μ and v̂ → μ² + σ², so m̂/√v̂ → r/√(1 + r²) with r = μ/σ, the signal-to-noise ratio: ±1 for a
 * consistent gradient (|r| ≫ 1), 0 for pure noise (r = 0).
 */
export function snrLimit(r: number): number {
  return r / Math.sqrt(1 + r * r);
}

export interface SnrPoint {
  /** μ/σ of this stream. */
  snr: number;
  /** m̂_t/(√v̂_t + ε) after `steps` steps. */
  ratio: number;
  stream: number;
}

export interface SnrSweepOptions {
  ratios?: number[];
  streams?: number;
  steps?: number;
  betas?: readonly [number, number];
  eps?: number;
  seed?: number;
}

/**
 * For each signal-to-noise ratio r in `ratios`, `streams` independent gradient streams g = r + 1·z (σ = 1), run
 * for `steps` steps through Adam's recurrences; returns m̂/(√v̂ + ε) at the last step of every stream.
 */
export function snrSweep(options: SnrSweepOptions = {}): SnrPoint[] {
  return [...snrSweepRows(options)].flat();
}

/** `snrSweep`, one ratio's streams at a time (so a worker can hand back the thread between them). */
export function* snrSweepRows({
  ratios = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2),
  streams = 40,
  steps = 200,
  betas = [0.9, 0.999] as readonly [number, number],
  eps = 1e-8,
  seed = 1,
}: SnrSweepOptions = {}): Generator<SnrPoint[], void, unknown> {
  const [β1, β2] = betas;
  const random = rng(seed);
  for (const r of ratios) {
    const out: SnrPoint[] = [];
    for (let s = 0; s < streams; s++) {
      const z = normals(steps, random);
      let m = 0;
      let v = 0;
      for (let i = 0; i < steps; i++) {
        const g = r + z[i];
        m = β1 * m + (1 - β1) * g;
        v = β2 * v + (1 - β2) * g * g;
      }
      const mHat = m / (1 - β1 ** steps);
      const vHat = v / (1 - β2 ** steps);
      out.push({ snr: r, ratio: mHat / (Math.sqrt(vHat) + eps), stream: s });
    }
    yield out;
  }
}

/**
 * log₁₀ of Adam's per-coordinate effective step size lr/(√v̂ + ε), v̂ = v/(1 − β₂ᵗ), for every entry of every
 * second-moment buffer `vs` (e.g. `opt.state[i].slots.v.dataSync()`), at step t. A coordinate's actual move is
 * this times m̂ (≈ lr·m̂/√v̂, at most about lr when m̂/√v̂ ≈ ±1).
 */
export function log10StepSizes(vs: readonly ArrayLike<number>[], { lr, beta2, eps, step }: { lr: number; beta2: number; eps: number; step: number }): Float32Array {
  const total = vs.reduce((n, v) => n + v.length, 0);
  const out = new Float32Array(total);
  const c = 1 / (1 - beta2 ** step);
  let k = 0;
  for (const v of vs) for (let i = 0; i < v.length; i++) out[k++] = Math.log10(lr / (Math.sqrt(v[i] * c) + eps));
  return out;
}

export interface DecayRow {
  step: number;
  /** "Adam (L2)" or "AdamW (decoupled)". */
  optimizer: string;
  /** Which group of weights: large or small gradient scale. */
  group: string;
  /** Mean of the group's weights (all start at 1). */
  mean: number;
}

export interface DecayOptions {
  lr?: number;
  weightDecay?: number;
  steps?: number;
  scales?: readonly [number, number];
  width?: number;
  seed?: number;
  every?: number;
}

/**
 * L2 weight decay inside Adam vs AdamW's decoupled decay, on weights whose gradients carry no signal, only
 * noise: g = scale·z. Two groups of `width` weights, all starting at 1, one with a large gradient scale and
 * one with a small one. AdamW shrinks both by (1 − lr·λ) per step, whatever their gradients; Adam adds λθ
 * to the gradient, and then divides by √v̂ — which the large gradients dominate, so for those weights the
 * decay is normalised away. Runs lib's own `adam` and `adamw` (Float32 engine) with the same `weight_decay`.
 */
export function decayComparison(options: DecayOptions = {}): DecayRow[] {
  return [...decayRuns(options)].flat();
}

/** `decayComparison`, one recorded step (both groups' rows) at a time: Adam's whole run, then AdamW's. */
export function* decayRuns({ lr = 1e-2, weightDecay = 0.1, steps = 1000, scales = [10, 0.01] as readonly [number, number], width = 200, seed = 1, every = 5 }: DecayOptions = {}): Generator<DecayRow[], void, unknown> {
  const groups = [`gradient scale ${scales[0]}`, `gradient scale ${scales[1]}`];
  for (const [name, def] of [["Adam (L2 in the gradient)", adam], ["AdamW (decoupled)", adamw]] as const) {
    const opt = createFloatOptimizer(def, { lr, weight_decay: weightDecay });
    const params = scales.map(() => new Float32Array(width).fill(1));
    const random = rng(seed); // the same noise for both optimizers
    const record = (step: number) => params.map((p, j) => ({ step, optimizer: name, group: groups[j], mean: p.reduce((a, b) => a + b, 0) / width }));
    yield record(0);
    for (let t = 1; t <= steps; t++) {
      const grads = scales.map((s) => normals(width, random, 0, s));
      opt.step(params, grads);
      if (t % every === 0 || t === steps) yield record(t);
    }
  }
}
