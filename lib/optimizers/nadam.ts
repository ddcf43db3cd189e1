/**
 * NAdam — torch.optim.NAdam (2.13): Adam with Nesterov momentum (Dozat 2016). The first moment's weight μₜ
 * warms up with the step, μₜ = β₁(1 − ½·0.96^(tψ)), and the step looks one momentum ahead: it mixes the
 * current gradient, weighted by (1 − μₜ), with the moment m, weighted by μₜ₊₁, each corrected by the product
 * of the μ's so far. `decoupled_weight_decay: true` is NAdamW (θ shrinks by 1 − lr·λ instead of λθ entering g).
 *
 * State: `m` (torch's `exp_avg`), `v` (`exp_avg_sq`). torch also keeps `mu_product`, a float32 scalar equal to
 * ∏ᵢ₌₁ᵗ μᵢ; it depends only on t, β₁ and ψ, so we compute it from them (`muProduct`), rounding each product
 * to float32 as torch does.
 */
import { ranges as adamRanges, validateAdam, type AdamFamilyOptions } from "./adam.js";
import { lerp } from "./lerp.js";
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { nonNegative } from "./validate.js";

export interface NAdamOptions extends AdamFamilyOptions {
  /** ψ, how fast μₜ approaches β₁. */
  momentum_decay: number;
  /** Shrink θ by (1 − lr·λ) (NAdamW) instead of adding λθ to the gradient. */
  decoupled_weight_decay: boolean;
}

export const defaults: Readonly<NAdamOptions> = Object.freeze({
  lr: 2e-3,
  betas: Object.freeze([0.9, 0.999] as const),
  eps: 1e-8,
  weight_decay: 0,
  momentum_decay: 4e-3,
  decoupled_weight_decay: false,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof NAdamOptions, Range>>> = Object.freeze({
  ...adamRanges,
  momentum_decay: { min: 0, max: 0.1, scale: "linear", step: 0.001 },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
&\quad \text{(decoupled: } \theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1}\text{)} \\
\sym{mu}{\mu_t} &\leftarrow \beta_1 \big(1 - \tfrac12\, 0.96^{t\psi}\big) \\
\mu_{t+1} &\leftarrow \beta_1 \big(1 - \tfrac12\, 0.96^{(t+1)\psi}\big) \\
\sym{muprod}{\textstyle\prod_t} &\leftarrow \textstyle\prod_{i=1}^{t} \mu_i \\
\sym{m}{m_t} &\leftarrow \beta_1\, m_{t-1} + (1-\beta_1)\, g_t \\
\sym{v}{v_t} &\leftarrow \beta_2\, v_{t-1} + (1-\beta_2)\, g_t^2 \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \gamma\, \frac{1-\mu_t}{1-\prod_t}\, \frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon} \\
&\qquad - \gamma\, \frac{\mu_{t+1}}{1-\prod_t \mu_{t+1}}\, \frac{m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
\end{aligned}`;

export type NAdamSlots<T> = Slots<"m" | "v", T>;

const products = new Map<string, number[]>();

/** ∏ᵢ₌₁ᵗ μᵢ as torch's float32 `mu_product` holds it: each μᵢ and each product rounded to float32. */
export function muProduct(β1: number, ψ: number, t: number): number {
  const key = `${β1},${ψ}`;
  let p = products.get(key);
  if (p === undefined) products.set(key, (p = [1]));
  for (let i = p.length; i <= t; i++) p.push(Math.fround(p[i - 1] * Math.fround(β1 * (1 - 0.5 * 0.96 ** (i * ψ)))));
  return p[t];
}

// #region update
/** One NAdam step for one parameter, as torch's two addcdiv's: the gradient's share, then the moment's. */
export function nadamUpdate<T extends Vec<T>>(θ: T, g: T, { m, v }: NAdamSlots<T>, t: number, o: NAdamOptions): { θ: T; state: NAdamSlots<T> } {
  const [β1, β2] = o.betas;
  const { lr: γ, weight_decay: λ, momentum_decay: ψ, eps: ε } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) {
    if (o.decoupled_weight_decay) θ = θ.mul(1 - γ * λ);
    else g = g.add(θ.mul(λ));
  }
  const μ = β1 * (1 - 0.5 * 0.96 ** (t * ψ));
  const μnext = β1 * (1 - 0.5 * 0.96 ** ((t + 1) * ψ));
  const μΠ = muProduct(β1, ψ, t);
  m = lerp(m, g, 1 - β1); // exp_avg
  v = v.mul(β2).add(g.mul(1 - β2).mul(g)); // exp_avg_sq
  const denom = v.div(1 - β2 ** t).sqrt().add(ε);
  θ = θ.add(g.mul((-γ * (1 - μ)) / (1 - μΠ)).div(denom));
  θ = θ.add(m.mul((-γ * μnext) / (1 - μΠ * μnext)).div(denom));
  return { θ, state: { m, v } };
}
// #endregion update

export const nadam: OptimizerDef<NAdamOptions, "m" | "v"> = {
  name: "nadam",
  title: "NAdam",
  defaults,
  ranges,
  tex,
  validate(o) {
    validateAdam(o);
    nonNegative(o.momentum_decay, "momentum_decay value", "momentum_decay");
  },
  init: (θ, o, fill) => ({ m: fill(0), v: fill(0) }),
  update: nadamUpdate,
};
