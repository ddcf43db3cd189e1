/**
 * RMSprop — torch.optim.RMSprop (1.13), with torch's centered and momentum variants.
 *
 * State: `Eg2` = E[g²] (torch's `square_avg`); `Eg` = E[g] (torch's `grad_avg`) only when centered;
 * `b` (torch's `momentum_buffer`) only when momentum > 0. All start at 0; there is no bias correction.
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { checkEps, checkLr, checkMomentum, checkWeightDecay, nonNegative } from "./validate.js";

export interface RMSpropOptions {
  lr: number;
  /** α, the decay of the running averages. */
  alpha: number;
  /** ε, added to the root. */
  eps: number;
  weight_decay: number;
  /** μ ≥ 0; > 0 accumulates the scaled steps in a buffer `b`. */
  momentum: number;
  /** Divide by an estimate of the gradient's standard deviation, √(E[g²] − E[g]²), instead of its RMS. */
  centered: boolean;
  maximize: boolean;
}

export const defaults: Readonly<RMSpropOptions> = Object.freeze({
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weight_decay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof RMSpropOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  alpha: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  eps: { min: 1e-10, max: 1e-1, scale: "log" },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
  momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
\sym{Eg2}{E[g^2]_t} &\leftarrow \alpha\, E[g^2]_{t-1} + (1-\alpha)\, g_t^2 \\
\sym{Eg}{E[g]_t} &\leftarrow \alpha\, E[g]_{t-1} + (1-\alpha)\, g_t & &\text{(centered)} \\
\sym{sigma}{\sigma_t} &\leftarrow \sqrt{E[g^2]_t - E[g]_t^2} + \epsilon & &\text{(centered; else } \sqrt{E[g^2]_t} + \epsilon\text{)} \\
\sym{b}{b_t} &\leftarrow \mu\, b_{t-1} + g_t / \sigma_t & &\text{(momentum)} \\
\theta_t &\leftarrow \theta_{t-1} - \mathrm{lr}\, b_t & &\text{(momentum)} \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \mathrm{lr}\, g_t / \sigma_t & &\text{(no momentum)}
\end{aligned}`;

export type RMSpropSlots<T> = Slots<"Eg2", T, "Eg" | "b">;

// #region update
/** One RMSprop step for one parameter. `Eg2` is torch's square_avg, `Eg` its grad_avg, `b` its momentum_buffer. */
export function rmspropUpdate<T extends Vec<T>>(θ: T, g: T, { Eg2, Eg, b }: RMSpropSlots<T>, t: number, o: RMSpropOptions): { θ: T; state: RMSpropSlots<T> } {
  const { alpha: α, eps: ε, weight_decay: λ, momentum: μ } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) g = g.add(θ.mul(λ));
  Eg2 = Eg2.mul(α).add(g.mul(1 - α).mul(g));
  let σ: T;
  if (Eg) {
    // centered: E[g²] − E[g]² estimates the variance of g
    Eg = Eg.mul(α).add(g.mul(1 - α));
    σ = Eg2.sub(Eg.square()).sqrt().add(ε);
  } else {
    σ = Eg2.sqrt().add(ε);
  }
  if (b) {
    // momentum > 0
    b = b.mul(μ).add(g.div(σ));
    θ = θ.sub(b.mul(o.lr));
  } else {
    θ = θ.sub(g.div(σ).mul(o.lr));
  }
  return { θ, state: { Eg2, ...(Eg && { Eg }), ...(b && { b }) } };
}
// #endregion update

export const rmsprop: OptimizerDef<RMSpropOptions, "Eg2", "Eg" | "b"> = {
  name: "rmsprop",
  title: "RMSprop",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    checkEps(o.eps);
    checkMomentum(o.momentum);
    checkWeightDecay(o.weight_decay);
    nonNegative(o.alpha, "alpha value", "alpha");
  },
  init: (θ, o, fill) => ({ Eg2: fill(0), ...(o.centered && { Eg: fill(0) }), ...(o.momentum > 0 && { b: fill(0) }) }),
  update: rmspropUpdate,
};
