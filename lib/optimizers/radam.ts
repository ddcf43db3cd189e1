/**
 * RAdam — torch.optim.RAdam (2.13): Adam whose adaptive step is switched on only once the variance of v̂
 * is tractable (Liu et al. 2019). ρₜ estimates the length of the simple moving average that v approximates;
 * while ρₜ ≤ 5 the step is plain bias-corrected momentum, lr·m̂ (no division by √v), after that Adam's step
 * times the rectification rₜ. With β₂ = 0.999 the switch comes at t = 6. `decoupled_weight_decay: true` is
 * RAdamW.
 *
 * State: `m` (torch's `exp_avg`), `v` (`exp_avg_sq`). ρ∞, ρₜ and rₜ are numbers computed from t.
 */
import { ranges as adamRanges, validateAdam, type AdamFamilyOptions } from "./adam.js";
import { lerp } from "./lerp.js";
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";

export interface RAdamOptions extends AdamFamilyOptions {
  /** Shrink θ by (1 − lr·λ) (RAdamW) instead of adding λθ to the gradient. */
  decoupled_weight_decay: boolean;
}

export const defaults: Readonly<RAdamOptions> = Object.freeze({
  lr: 1e-3,
  betas: Object.freeze([0.9, 0.999] as const),
  eps: 1e-8,
  weight_decay: 0,
  decoupled_weight_decay: false,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof RAdamOptions, Range>>> = adamRanges;

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \quad \text{(decoupled: } \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1}\text{)} \\
\sym{m}{m_t} &\leftarrow \beta_1\, m_{t-1} + (1-\beta_1)\, g_t, \quad \sym{v}{v_t} \leftarrow \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2 \\
\sym{mhat}{\hat m_t} &\leftarrow m_t / (1-\beta_1^t) \\
\sym{rho}{\rho_t} &\leftarrow \rho_\infty - \frac{2t\,\beta_2^t}{1-\beta_2^t}, \quad \rho_\infty = \frac{2}{1-\beta_2} - 1 \\
\sym{rect}{r_t} &\leftarrow \sqrt{\frac{(\rho_t-4)(\rho_t-2)\,\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\,\rho_t}} \\
\sym{theta}{\theta_t} &\leftarrow \begin{cases} \theta_{t-1} - \gamma\, \hat m_t\, \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}\, r_t & \rho_t > 5 \\[1ex] \theta_{t-1} - \gamma\, \hat m_t & \rho_t \le 5 \end{cases}
\end{aligned}`;

export type RAdamSlots<T> = Slots<"m" | "v", T>;

/** ρₜ, the length of the moving average v approximates at step t (ρ∞ as t → ∞); the adaptive step needs ρₜ > 5. */
export function radamRho(t: number, β2: number): number {
  const ρinf = 2 / (1 - β2) - 1;
  return ρinf - (2 * t * β2 ** t) / (1 - β2 ** t);
}

/** rₜ, the factor on Adam's step once ρₜ > 5 (it rises towards 1); null while ρₜ ≤ 5 (momentum-only steps). */
export function radamRectification(t: number, β2: number, ρ = radamRho(t, β2)): number | null {
  const ρinf = 2 / (1 - β2) - 1;
  return ρ > 5 ? Math.sqrt(((ρ - 4) * (ρ - 2) * ρinf) / ((ρinf - 4) * (ρinf - 2) * ρ)) : null;
}

// #region update
/** One RAdam step for one parameter. */
export function radamUpdate<T extends Vec<T>>(θ: T, g: T, { m, v }: RAdamSlots<T>, t: number, o: RAdamOptions): { θ: T; state: RAdamSlots<T> } {
  const [β1, β2] = o.betas;
  const { lr: γ, weight_decay: λ, eps: ε } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) {
    if (o.decoupled_weight_decay) θ = θ.mul(1 - γ * λ);
    else g = g.add(θ.mul(λ));
  }
  m = lerp(m, g, 1 - β1); // exp_avg
  v = v.mul(β2).add(g.mul(1 - β2).mul(g)); // exp_avg_sq
  const m̂ = m.div(1 - β1 ** t);
  const ρ = radamRho(t, β2); // the length of the approximated moving average
  const r = radamRectification(t, β2, ρ); // null while ρₜ ≤ 5
  if (r !== null) {
    θ = θ.sub(m̂.mul(γ).div(v.sqrt().add(ε)).mul(Math.sqrt(1 - β2 ** t)).mul(r));
  } else {
    θ = θ.sub(m̂.mul(γ));
  }
  return { θ, state: { m, v } };
}
// #endregion update

export const radam: OptimizerDef<RAdamOptions, "m" | "v"> = {
  name: "radam",
  title: "RAdam",
  defaults,
  ranges,
  tex,
  validate: validateAdam,
  init: (θ, o, fill) => ({ m: fill(0), v: fill(0) }),
  update: radamUpdate,
};
