/**
 * AdamW — torch.optim.AdamW (1.13): Adam with decoupled weight decay (Loshchilov & Hutter). The parameter
 * shrinks by (1 − lr·λ) before Adam's moment update, instead of λθ being added to the gradient; so the decay
 * is not rescaled by 1/√v̂. Everything else is Adam's `adamStep`, reused, not copied.
 *
 * State: as Adam — `m` (exp_avg), `v` (exp_avg_sq), `vmax` (max_exp_avg_sq, amsgrad only).
 */
import { adamStep, betaRanges, defaults as adamDefaults, initAdam, texStep, validateAdam, type AdamOptions, type AdamSlots } from "./adam.js";
import type { OptimizerDef, Range, Vec } from "./types.js";

/** Same options as Adam; `weight_decay` is the decoupled decay λ (default 1e-2, as torch). */
export type AdamWOptions = AdamOptions;

// Adam's, but for the decay itself: torch's AdamW decays by default.
export const defaults: Readonly<AdamWOptions> = Object.freeze({ ...adamDefaults, weight_decay: 1e-2 });

export const ranges: Readonly<Partial<Record<keyof AdamWOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  eps: { min: 1e-10, max: 1e-1, scale: "log" },
  weight_decay: { min: 0, max: 1, scale: "linear", step: 0.001 },
});

export { betaRanges };

export const tex = String.raw`\begin{aligned}
\sym{theta}{\theta_{t-1}} &\leftarrow (1 - \mathrm{lr}\,\lambda)\, \theta_{t-1} \\
${texStep}
\end{aligned}`;

// #region update
/** One AdamW step for one parameter: decoupled decay, then Adam's moment update and step. */
export function adamwUpdate<T extends Vec<T>>(θ: T, g: T, state: AdamSlots<T>, t: number, o: AdamWOptions): { θ: T; state: AdamSlots<T> } {
  if (o.maximize) g = g.neg();
  θ = θ.mul(1 - o.lr * o.weight_decay);
  return adamStep(θ, g, state, t, o);
}
// #endregion update

export const adamw: OptimizerDef<AdamWOptions, "m" | "v", "vmax"> = {
  name: "adamw",
  title: "AdamW",
  defaults,
  ranges,
  tex,
  validate: validateAdam,
  init: initAdam,
  update: adamwUpdate,
};
