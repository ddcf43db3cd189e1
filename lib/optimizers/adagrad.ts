/**
 * Adagrad — torch.optim.Adagrad (1.13): per-coordinate step sizes from the running sum of squared gradients.
 *
 * State: `G`, the sum of squared gradients (torch's `sum`), starting at initial_accumulator_value.
 * The rate decays as η_t = lr / (1 + (t − 1)·lr_decay) (torch's `clr`).
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { checkEps, checkLr, checkWeightDecay, nonNegative } from "./validate.js";

export interface AdagradOptions {
  lr: number;
  /** Decay of the rate with the step count: η_t = lr / (1 + (t − 1)·lr_decay). */
  lr_decay: number;
  /** λ ≥ 0, L2 penalty added to the gradient. */
  weight_decay: number;
  /** G₀, the value the sum starts from. */
  initial_accumulator_value: number;
  /** ε, added to √G. */
  eps: number;
  maximize: boolean;
}

export const defaults: Readonly<AdagradOptions> = Object.freeze({
  lr: 1e-2,
  lr_decay: 0,
  weight_decay: 0,
  initial_accumulator_value: 0,
  eps: 1e-10,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof AdagradOptions, Range>>> = Object.freeze({
  lr: { min: 1e-4, max: 10, scale: "log" },
  lr_decay: { min: 0, max: 0.1, scale: "linear", step: 0.001 },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
  initial_accumulator_value: { min: 0, max: 1, scale: "linear", step: 0.01 },
  eps: { min: 1e-12, max: 1e-1, scale: "log" },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
\sym{eta}{\eta_t} &\leftarrow \frac{\mathrm{lr}}{1 + (t-1)\,\mathrm{lr\_decay}} \\
\sym{G}{G_t} &\leftarrow G_{t-1} + g_t^2 \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{G_t} + \epsilon}
\end{aligned}`;

export type AdagradSlots<T> = Slots<"G", T>;

// #region update
/** One Adagrad step for one parameter. `G` is torch's `sum`. */
export function adagradUpdate<T extends Vec<T>>(θ: T, g: T, { G }: AdagradSlots<T>, t: number, o: AdagradOptions): { θ: T; state: AdagradSlots<T> } {
  const { weight_decay: λ, eps: ε } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) g = g.add(θ.mul(λ));
  const η = o.lr / (1 + (t - 1) * o.lr_decay);
  G = G.add(g.square());
  θ = θ.sub(g.div(G.sqrt().add(ε)).mul(η));
  return { θ, state: { G } };
}
// #endregion update

export const adagrad: OptimizerDef<AdagradOptions, "G"> = {
  name: "adagrad",
  title: "Adagrad",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    nonNegative(o.lr_decay, "lr_decay value", "lr_decay");
    checkWeightDecay(o.weight_decay);
    nonNegative(o.initial_accumulator_value, "initial_accumulator_value value", "initial_accumulator_value");
    checkEps(o.eps);
  },
  init: (θ, o, fill) => ({ G: fill(o.initial_accumulator_value) }),
  update: adagradUpdate,
};
