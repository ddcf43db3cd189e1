/**
 * Adamax — torch.optim.Adamax (2.13): Adam with the second moment replaced by an exponentially weighted
 * infinity norm, u ← max(β₂u, |g| + ε) (Kingma & Ba 2015, §7.1). u needs no bias correction; only m does.
 *
 * State: `m` (torch's `exp_avg`), `u` (torch's `exp_inf`). Its options are Adam's; ε is added to |g| before
 * the maximum.
 */
import { ranges as adamRanges, validateAdam, type AdamFamilyOptions } from "./adam.js";
import { lerp } from "./lerp.js";
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";

export type AdamaxOptions = AdamFamilyOptions;

export const defaults: Readonly<AdamaxOptions> = Object.freeze({
  lr: 2e-3,
  betas: Object.freeze([0.9, 0.999] as const),
  eps: 1e-8,
  weight_decay: 0,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof AdamaxOptions, Range>>> = adamRanges;

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
\sym{m}{m_t} &\leftarrow \beta_1\, m_{t-1} + (1-\beta_1)\, g_t \\
\sym{u}{u_t} &\leftarrow \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon) \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \frac{\mathrm{lr}}{1-\beta_1^t}\, \frac{m_t}{u_t}
\end{aligned}`;

export type AdamaxSlots<T> = Slots<"m" | "u", T>;

// #region update
/** One Adamax step for one parameter. */
export function adamaxUpdate<T extends Vec<T>>(θ: T, g: T, { m, u }: AdamaxSlots<T>, t: number, o: AdamaxOptions): { θ: T; state: AdamaxSlots<T> } {
  const [β1, β2] = o.betas;
  if (o.maximize) g = g.neg();
  if (o.weight_decay !== 0) g = g.add(θ.mul(o.weight_decay));
  m = lerp(m, g, 1 - β1); // exp_avg
  u = u.mul(β2).maximum(g.abs().add(o.eps)); // exp_inf
  θ = θ.add(m.mul(-o.lr / (1 - β1 ** t)).div(u));
  return { θ, state: { m, u } };
}
// #endregion update

export const adamax: OptimizerDef<AdamaxOptions, "m" | "u"> = {
  name: "adamax",
  title: "Adamax",
  defaults,
  ranges,
  tex,
  validate: validateAdam,
  init: (θ, o, fill) => ({ m: fill(0), u: fill(0) }),
  update: adamaxUpdate,
};
