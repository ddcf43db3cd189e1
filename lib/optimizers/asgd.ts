/**
 * ASGD — torch.optim.ASGD (2.13): averaged stochastic gradient descent (Polyak & Juditsky 1992). The iterate
 * θ follows SGD with a slowly decaying rate ηₜ and a shrink by (1 − λη); alongside it runs the average ax of
 * the iterates since step t₀ — the answer ASGD offers, smoother than θ itself. Before t₀ (μ = 1) ax just copies
 * θ. torch's default t₀ = 10⁶ means no averaging in any run on this site unless t0 is set.
 *
 * State: `ax` (torch's `ax`). torch also keeps `eta` and `mu` as float32 scalars; both are functions of the
 * step and the options, ηₜ = lr/(1 + λ·lr·(t − 1))^α and μₜ = 1/max(1, t − 1 − t₀), computed here and rounded
 * to float32 as torch stores them.
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { checkLr, checkWeightDecay } from "./validate.js";

export interface ASGDOptions {
  lr: number;
  /** λ, the decay term: shrinks θ and slows ηₜ. */
  lambd: number;
  /** α, the power in ηₜ's decay. */
  alpha: number;
  /** t₀, the step after which averaging starts. */
  t0: number;
  weight_decay: number;
  maximize: boolean;
}

export const defaults: Readonly<ASGDOptions> = Object.freeze({
  lr: 1e-2,
  lambd: 1e-4,
  alpha: 0.75,
  t0: 1e6,
  weight_decay: 0,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof ASGDOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  lambd: { min: 1e-6, max: 1e-1, scale: "log" },
  alpha: { min: 0, max: 1, scale: "linear", step: 0.01 },
  t0: { min: 0, max: 1000, scale: "linear", step: 1 },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda_{\mathrm{wd}}\,\theta_{t-1} \\
\sym{eta}{\eta_t} &\leftarrow \frac{\mathrm{lr}}{(1 + \lambda\, \mathrm{lr}\, (t-1))^{\alpha}}, \quad \sym{muavg}{\mu_t} \leftarrow \frac{1}{\max(1,\ t - 1 - t_0)} \\
\sym{theta}{\theta_t} &\leftarrow (1 - \lambda\eta_t)\, \theta_{t-1} - \eta_t\, g_t \\
\sym{ax}{\bar\theta_t} &\leftarrow \begin{cases} \theta_t & \mu_t = 1 \\ \bar\theta_{t-1} + \mu_t\, (\theta_t - \bar\theta_{t-1}) & \text{otherwise} \end{cases}
\end{aligned}`;

export type ASGDSlots<T> = Slots<"ax", T>;

// #region update
/** One ASGD step for one parameter; `ax` is the running average of the iterates. */
export function asgdUpdate<T extends Vec<T>>(θ: T, g: T, { ax }: ASGDSlots<T>, t: number, o: ASGDOptions): { θ: T; state: ASGDSlots<T> } {
  const { lr, lambd: λ, alpha: α, t0 } = o;
  if (o.maximize) g = g.neg();
  if (o.weight_decay !== 0) g = g.add(θ.mul(o.weight_decay));
  const η = Math.fround(lr / (1 + λ * lr * (t - 1)) ** α);
  const μ = Math.fround(1 / Math.max(1, t - 1 - t0));
  θ = θ.mul(1 - λ * η).sub(g.mul(η));
  ax = μ === 1 ? θ : ax.add(θ.sub(ax).mul(μ));
  return { θ, state: { ax } };
}
// #endregion update

export const asgd: OptimizerDef<ASGDOptions, "ax"> = {
  name: "asgd",
  title: "ASGD",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    checkWeightDecay(o.weight_decay);
  },
  init: (θ, o, fill) => ({ ax: fill(0) }),
  update: asgdUpdate,
};
