/**
 * Teaching definitions: optimizers written WRONG on purpose, so a page can run a common mistake beside the
 * correct rule and show what it does. None of them is in the `optimizers` registry; never train with them.
 *
 * `adamWithSquaredFirstMoment` is the optimizers-lab notebook's Adam exercise as written in its notebook:
 *
 *     avg_grad.mul_(self.beta_1).add_(grad*grad*(1 - self.beta_1))   # should be grad*(1 - self.beta_1)
 *
 * The first moment is built from g² instead of g, so m̂ ≥ 0 always and m̂/√v̂ ≈ E[g²]/√E[g²] = √E[g²] ≈ |g|: every
 * weight moves down by about lr·|g| per step whatever the sign of its gradient — the sign is lost and the gradient's
 * scale, which Adam divides out, comes back. On the Understanding-Adam notebook's example (lr 1e-4) it diverges within ~50 steps. Everything else is Adam's: defaults,
 * ranges, validation, state (m, v, and vmax with amsgrad), L2 weight decay, maximize. The update below is
 * adam.ts's `adamStep` with exactly one line changed (marked).
 */
import { defaults, initAdam, ranges, validateAdam, type AdamOptions, type AdamSlots } from "./adam.js";
import type { OptimizerDef, Vec } from "./types.js";

export const texSquaredFirstMoment = String.raw`\begin{aligned}
m_t &\leftarrow \beta_1\, m_{t-1} + (1-\beta_1)\, {\color{red} g_t^2} \\
v_t &\leftarrow \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2 \\
\hat m_t &\leftarrow m_t / (1-\beta_1^t), \quad \hat v_t \leftarrow v_t / (1-\beta_2^t) \\
\theta_t &\leftarrow \theta_{t-1} - \mathrm{lr}\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}`;

// #region update
/** The optimizers-lab notebook's exercise bug: Adam with the first moment built from g² instead of g. For teaching only. */
export function squaredFirstMomentUpdate<T extends Vec<T>>(θ: T, g: T, { m, v, vmax }: AdamSlots<T>, t: number, o: AdamOptions): { θ: T; state: AdamSlots<T> } {
  const [β1, β2] = o.betas;
  if (o.maximize) g = g.neg();
  if (o.weight_decay !== 0) g = g.add(θ.mul(o.weight_decay));
  m = m.mul(β1).add(g.mul(1 - β1).mul(g)); // THE BUG: adam.ts has m.mul(β1).add(g.mul(1 - β1))
  v = v.mul(β2).add(g.mul(1 - β2).mul(g));
  if (vmax) vmax = vmax.maximum(v);
  const m̂ = m.div(1 - β1 ** t);
  const v̂ = (vmax ?? v).div(1 - β2 ** t);
  θ = θ.sub(m̂.div(v̂.sqrt().add(o.eps)).mul(o.lr));
  return { θ, state: vmax ? { m, v, vmax } : { m, v } };
}
// #endregion update

/** The optimizers-lab notebook's buggy Adam (first moment from g²). A teaching definition, deliberately not in `optimizers`. */
export const adamWithSquaredFirstMoment: OptimizerDef<AdamOptions, "m" | "v", "vmax"> = {
  name: "adam-squared-first-moment",
  title: "Adam with m built from g² (a course notebook's bug)",
  defaults,
  ranges,
  tex: texSquaredFirstMoment,
  validate: validateAdam,
  init: initAdam,
  update: squaredFirstMomentUpdate,
};
