/**
 * Adam — torch.optim.Adam (1.13), with L2 weight decay (added to the gradient) and AMSGrad.
 *
 * State: `m` (torch's `exp_avg`), `v` (torch's `exp_avg_sq`), and with amsgrad `vmax`, the running maximum
 * of v (torch's `max_exp_avg_sq`). The moment update `adamStep` is shared with AdamW (adamw.ts), which
 * differs only in how weight decay enters.
 *
 * torch writes the last line as θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε); we write it with m̂ and v̂,
 * the same quantity up to float32 rounding.
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { checkBetas, checkEps, checkLr, checkWeightDecay } from "./validate.js";

/**
 * The settings Adam shares with its family (AdamW, NAdam, RAdam, Adamax): torch's names, checked by
 * `validateAdam` in torch's order, with the same ranges (`adamRanges`). Each keeps its own defaults.
 */
export type AdamFamilyOptions = Pick<AdamOptions, "lr" | "betas" | "eps" | "weight_decay" | "maximize">;

export interface AdamOptions {
  lr: number;
  /** [β₁, β₂], the decays of the first and second moment estimates, each in [0, 1). */
  betas: readonly [number, number];
  /** ε, added to √v̂. */
  eps: number;
  /** λ ≥ 0, an L2 penalty added to the gradient (for decoupled decay use AdamW). */
  weight_decay: number;
  /** Divide by the running maximum of v instead of v (AMSGrad). */
  amsgrad: boolean;
  maximize: boolean;
}

export const defaults: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3,
  betas: Object.freeze([0.9, 0.999] as const),
  eps: 1e-8,
  weight_decay: 0,
  amsgrad: false,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof AdamFamilyOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  eps: { min: 1e-10, max: 1e-1, scale: "log" },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

/** Ranges for β₁ and β₂ (the `betas` tuple), linear. */
export const betaRanges: readonly [Range, Range] = Object.freeze([
  { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  { min: 0, max: 0.9999, scale: "linear", step: 0.0001 },
] as const);

/** The moment update and step shared by Adam and AdamW. */
export const texStep = String.raw`\sym{m}{m_t} &\leftarrow \beta_1\, m_{t-1} + (1-\beta_1)\, g_t \\
\sym{v}{v_t} &\leftarrow \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2 \\
\sym{vmax}{v^{\max}_t} &\leftarrow \max(v^{\max}_{t-1}, v_t) \\
&\quad \text{(amsgrad only; below, } v_t \text{ means } v^{\max}_t\text{)} \\
\sym{mhat}{\hat m_t} &\leftarrow m_t / (1-\beta_1^t), \quad \sym{vhat}{\hat v_t} \leftarrow v_t / (1-\beta_2^t) \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \mathrm{lr}\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}`;

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
${texStep}
\end{aligned}`;

export type AdamSlots<T> = Slots<"m" | "v", T, "vmax">;
type StepOptions = Pick<AdamOptions, "lr" | "betas" | "eps">;

// #region update
/** Adam's moment update and step, given the gradient g to use (shared with AdamW). */
export function adamStep<T extends Vec<T>>(θ: T, g: T, { m, v, vmax }: AdamSlots<T>, t: number, o: StepOptions): { θ: T; state: AdamSlots<T> } {
  const [β1, β2] = o.betas;
  m = m.mul(β1).add(g.mul(1 - β1)); // exp_avg
  v = v.mul(β2).add(g.mul(1 - β2).mul(g)); // exp_avg_sq
  if (vmax) vmax = vmax.maximum(v); // amsgrad: max_exp_avg_sq
  const m̂ = m.div(1 - β1 ** t);
  const v̂ = (vmax ?? v).div(1 - β2 ** t);
  θ = θ.sub(m̂.div(v̂.sqrt().add(o.eps)).mul(o.lr));
  return { θ, state: vmax ? { m, v, vmax } : { m, v } };
}

/** One Adam step for one parameter: L2 weight decay enters through the gradient. */
export function adamUpdate<T extends Vec<T>>(θ: T, g: T, state: AdamSlots<T>, t: number, o: AdamOptions): { θ: T; state: AdamSlots<T> } {
  const λ = o.weight_decay;
  if (o.maximize) g = g.neg();
  if (λ !== 0) g = g.add(θ.mul(λ));
  return adamStep(θ, g, state, t, o);
}
// #endregion update

/** Adam's checks, shared with AdamW (torch 1.13 words them identically). */
export function validateAdam(o: AdamFamilyOptions): void {
  checkLr(o.lr);
  checkEps(o.eps);
  checkBetas(o.betas);
  checkWeightDecay(o.weight_decay);
}

/** Adam's state: m and v at 0, and vmax at 0 with amsgrad (shared with AdamW). */
export function initAdam<T extends Vec<T>>(θ: T, o: Pick<AdamOptions, "amsgrad">, fill: (value: number) => T): AdamSlots<T> {
  return o.amsgrad ? { m: fill(0), v: fill(0), vmax: fill(0) } : { m: fill(0), v: fill(0) };
}

/** Kingma & Ba's Algorithm 1 as the paper states it, with PyTorch's defaults (the page "Adam, understood"). */
export const algorithmTex = String.raw`\begin{aligned}
&\textbf{given } \mathrm{lr} = 10^{-3},\ \beta_1 = 0.9, \\ &\phantom{\textbf{given }} \beta_2 = 0.999,\ \epsilon = 10^{-8} \\
&m_0 \leftarrow 0,\quad v_0 \leftarrow 0,\quad t \leftarrow 0 \\
&\textbf{while } \theta \text{ not converged:} \\
&\quad t \leftarrow t + 1 \\
&\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \\
&\quad m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
&\quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
&\quad \hat m_t \leftarrow m_t / (1-\beta_1^t) \\
&\quad \hat v_t \leftarrow v_t / (1-\beta_2^t) \\
&\quad \theta_t \leftarrow \theta_{t-1} - \mathrm{lr}\cdot \hat m_t / (\sqrt{\hat v_t} + \epsilon)
\end{aligned}`;

export const adam: OptimizerDef<AdamOptions, "m" | "v", "vmax"> = {
  name: "adam",
  title: "Adam",
  defaults,
  ranges,
  tex,
  validate: validateAdam,
  init: initAdam,
  update: adamUpdate,
};
