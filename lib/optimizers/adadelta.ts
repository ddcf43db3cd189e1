/**
 * Adadelta — torch.optim.Adadelta (1.13): the step is scaled by the ratio of two running RMS values, of past
 * steps and of gradients, so it needs no learning rate in theory (torch keeps `lr` as a plain multiplier).
 *
 * State: `Eg2` = E[g²] (torch's `square_avg`) and `EΔθ2` = E[Δθ²] (torch's `acc_delta`), both starting at 0.
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { check, checkEps, checkLr, checkWeightDecay } from "./validate.js";

export interface AdadeltaOptions {
  lr: number;
  /** ρ ∈ [0, 1], the decay of both running averages. */
  rho: number;
  /** ε, inside both square roots. */
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

export const defaults: Readonly<AdadeltaOptions> = Object.freeze({
  lr: 1,
  rho: 0.9,
  eps: 1e-6,
  weight_decay: 0,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof AdadeltaOptions, Range>>> = Object.freeze({
  lr: { min: 1e-3, max: 10, scale: "log" },
  rho: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  eps: { min: 1e-10, max: 1e-1, scale: "log" },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
\sym{Eg2}{E[g^2]_t} &\leftarrow \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2 \\
\sym{dtheta}{\Delta\theta_t} &\leftarrow \frac{\sqrt{E[\Delta\theta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t \\
\sym{Edtheta2}{E[\Delta\theta^2]_t} &\leftarrow \rho\, E[\Delta\theta^2]_{t-1} + (1-\rho)\, \Delta\theta_t^2 \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \mathrm{lr}\, \Delta\theta_t
\end{aligned}`;

export type AdadeltaSlots<T> = Slots<"Eg2" | "EΔθ2", T>;

// #region update
/** One Adadelta step for one parameter. `Eg2` is torch's square_avg, `EΔθ2` its acc_delta. */
export function adadeltaUpdate<T extends Vec<T>>(θ: T, g: T, { Eg2, EΔθ2 }: AdadeltaSlots<T>, t: number, o: AdadeltaOptions): { θ: T; state: AdadeltaSlots<T> } {
  const { rho: ρ, eps: ε, weight_decay: λ } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) g = g.add(θ.mul(λ));
  Eg2 = Eg2.mul(ρ).add(g.mul(1 - ρ).mul(g));
  const Δθ = EΔθ2.add(ε).sqrt().div(Eg2.add(ε).sqrt()).mul(g);
  EΔθ2 = EΔθ2.mul(ρ).add(Δθ.mul(1 - ρ).mul(Δθ));
  θ = θ.sub(Δθ.mul(o.lr));
  return { θ, state: { Eg2, EΔθ2 } };
}
// #endregion update

export const adadelta: OptimizerDef<AdadeltaOptions, "Eg2" | "EΔθ2"> = {
  name: "adadelta",
  title: "Adadelta",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    check(o.rho >= 0 && o.rho <= 1, `Invalid rho value: ${o.rho} (rho)`);
    checkEps(o.eps);
    checkWeightDecay(o.weight_decay);
  },
  init: (θ, o, fill) => ({ Eg2: fill(0), EΔθ2: fill(0) }),
  update: adadeltaUpdate,
};
