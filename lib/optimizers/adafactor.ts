/**
 * Adafactor — torch.optim.Adafactor (2.13; Shazeer & Stern 2018), with torch's deviations from the paper.
 * For a matrix (any θ with ≥ 2 dimensions; the last two are factored) it keeps only a row mean R and a column
 * mean C of the squared gradient and rebuilds the second moment as V̂ = R Cᵀ / mean(R): r + c numbers instead
 * of r·c. A vector keeps its full second moment V. There is no first moment. The decay of those averages,
 * β̂₂ₜ = 1 − t^τ, starts at 0 and approaches 1. The step is relative: ρₜ = min(lr, 1/√t) times the RMS of θ
 * (at least ε₂), and the update U = G/√V̂ is scaled down when its RMS exceeds d.
 *
 * torch's choices, kept here: `lr` caps ρₜ (the paper's 0.01) and multiplies the decoupled weight decay; ε₁
 * (default: float32's machine epsilon, torch's `None`) floors V̂ at ε₁² and mean(R) at ε₁, instead of being
 * added to G². torch computes the row and column means as a squared vector norm over n; we take the mean of
 * G², the same number up to rounding.
 *
 * State: for a matrix `R` (torch's `row_var`, shape [..., r, 1]) and `C` (`col_var`, [..., 1, c]); for a
 * vector `V` (`variance`).
 */
import { lerp } from "./lerp.js";
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { check } from "./validate.js";

export interface AdafactorOptions {
  /** Caps the relative step ρₜ; also the rate of the decoupled weight decay. */
  lr: number;
  /** τ ≤ 0: β̂₂ₜ = 1 − t^τ. */
  beta2_decay: number;
  /** [ε₁, ε₂]: ε₁ floors the second moment (null: float32's epsilon, 2⁻²³), ε₂ the RMS of θ in the step size. */
  eps: readonly [number | null, number];
  /** d ≥ 1, the RMS the update is clipped to. */
  d: number;
  /** λ, decoupled: θ shrinks by (1 − lr·λ). */
  weight_decay: number;
  maximize: boolean;
}

export const defaults: Readonly<AdafactorOptions> = Object.freeze({
  lr: 1e-2,
  beta2_decay: -0.8,
  eps: Object.freeze([null, 1e-3] as const),
  d: 1,
  weight_decay: 0,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof AdafactorOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  beta2_decay: { min: -1, max: 0, scale: "linear", step: 0.01 },
  d: { min: 1, max: 10, scale: "linear", step: 0.1 },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

/** torch.finfo(torch.float32).eps, torch's ε₁ when eps[0] is None. */
export const FLOAT32_EPS = 2 ** -23;

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) \quad \text{(torch writes } G_t\text{)} \\
\hat\beta_{2,t} &\leftarrow 1 - t^{\tau} \\
\sym{relstep}{\rho_t} &\leftarrow \min(\mathrm{lr},\ 1/\sqrt t) \\
\sym{scale}{\alpha_t} &\leftarrow \max(\epsilon_2,\ \mathrm{RMS}(\theta_{t-1}))\, \rho_t \\
\sym{theta}{\theta_{t-1}} &\leftarrow (1 - \mathrm{lr}\,\lambda)\, \theta_{t-1} \\
\sym{R}{R_t} &\leftarrow \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t})\, \operatorname{mean}_{\text{row}}(g_t^2) & &\text{(matrix)} \\
\sym{C}{C_t} &\leftarrow \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t})\, \operatorname{mean}_{\text{col}}(g_t^2) & &\text{(matrix)} \\
\sym{Vhat}{\hat V_t} &\leftarrow \frac{R_t\, C_t}{\max(\operatorname{mean}(R_t),\ \epsilon_1)} & &\text{(matrix)} \\
\sym{V}{V_t} &\leftarrow \hat\beta_{2,t} V_{t-1} + (1-\hat\beta_{2,t})\, g_t^2, \quad \hat V_t \leftarrow V_t & &\text{(vector)} \\
\sym{U}{U_t} &\leftarrow \frac{g_t}{\sqrt{\max(\hat V_t,\ \epsilon_1^2)}} \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \alpha_t\, \frac{U_t}{\max(1,\ \mathrm{RMS}(U_t)/d)}
\end{aligned}`;

export type AdafactorSlots<T> = Slots<never, T, "R" | "C" | "V">;

const rms = <T extends Vec<T>>(x: T): T => x.square().mean().sqrt();

// #region update
/** One Adafactor step for one parameter: factored if it has R and C (a matrix), else with V. */
export function adafactorUpdate<T extends Vec<T>>(θ: T, g: T, { R, C, V }: AdafactorSlots<T>, t: number, o: AdafactorOptions): { θ: T; state: AdafactorSlots<T> } {
  const ε1 = o.eps[0] ?? FLOAT32_EPS;
  const ε2 = o.eps[1];
  if (o.maximize) g = g.neg();
  const w = t ** o.beta2_decay; // 1 − β̂₂ₜ, the weight of the new G² in the averages
  const ρ = Math.min(o.lr, 1 / Math.sqrt(t));
  const α = rms(θ).clamp(ε2, Infinity).mul(ρ); // from θ before the decay, as torch
  if (o.weight_decay !== 0) θ = θ.mul(1 - o.lr * o.weight_decay);
  let V̂: T;
  if (R && C) {
    const G2 = g.square();
    R = lerp(R, G2.mean(-1), w); // row_var, [..., r, 1]
    C = lerp(C, G2.mean(-2), w); // col_var, [..., 1, c]
    V̂ = R.mul(C).div(R.mean(-2).clamp(ε1, Infinity));
  } else {
    V = lerp(V!, g.square(), w); // variance
    V̂ = V;
  }
  const U = g.div(V̂.clamp(ε1 * ε1, Infinity).sqrt());
  const clip = rms(U).div(o.d).clamp(1, Infinity);
  θ = θ.sub(U.mul(α.div(clip)));
  return { θ, state: R && C ? { R, C } : { V } };
}
// #endregion update

export const adafactor: OptimizerDef<AdafactorOptions, never, "R" | "C" | "V"> = {
  name: "adafactor",
  title: "Adafactor",
  defaults,
  ranges,
  tex,
  validate(o) {
    const [ε1, ε2] = o.eps;
    check(o.lr >= 0, `Learning rate should be >= 0 but is: ${o.lr} (lr)`);
    check(o.beta2_decay <= 0, `beta2_decay should be <= 0 but is: ${o.beta2_decay} (beta2_decay)`);
    check(ε1 === null || ε1 >= 0, `epsilon1 should be >= 0 but is: ${ε1} (eps[0])`);
    check(ε2 >= 0, `epsilon2 should be >= 0 but is: ${ε2} (eps[1])`);
    check(o.d >= 1, `Clipping threshold d should be >= 1 but is: ${o.d} (d)`);
    check(o.weight_decay >= 0, `weight_decay should be >= 0 but is: ${o.weight_decay} (weight_decay)`);
  },
  // A matrix's row and column means start at 0, shaped [..., r, 1] and [..., 1, c] (means of a zero θ-shaped buffer).
  init: (θ, o, fill) => (θ.shape.length >= 2 ? { R: fill(0).mean(-1), C: fill(0).mean(-2) } : { V: fill(0) }),
  update: adafactorUpdate,
};
