/**
 * Rprop — torch.optim.Rprop (2.13): resilient backpropagation (Riedmiller & Braun 1993), in torch's variant
 * (Rprop without weight backtracking). Each weight has its own step size Δ and moves by Δ in the direction
 * of −sign(g); the magnitude of g is never used. Δ grows by η₊ while g keeps its sign and shrinks by η₋ when
 * it flips; after a flip that weight pauses for one step (its g is taken as 0, so the next step neither grows
 * nor shrinks Δ).
 *
 * State: `Δ` (torch's `step_size`, starting at lr) and `gPrev` (torch's `prev`, starting at 0).
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { check, checkLr } from "./validate.js";

export interface RpropOptions {
  /** Δ₀, every weight's first step size. */
  lr: number;
  /** [η₋, η₊]: 0 < η₋ < 1 < η₊. */
  etas: readonly [number, number];
  /** [Δmin, Δmax], the range Δ is kept in. */
  step_sizes: readonly [number, number];
  maximize: boolean;
}

export const defaults: Readonly<RpropOptions> = Object.freeze({
  lr: 1e-2,
  etas: Object.freeze([0.5, 1.2] as const),
  step_sizes: Object.freeze([1e-6, 50] as const),
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof RpropOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
});

/** Ranges for η₋ and η₊ (the `etas` pair). */
export const etaRanges: readonly [Range, Range] = Object.freeze([
  { min: 0.01, max: 0.99, scale: "linear", step: 0.01 },
  { min: 1.01, max: 3, scale: "linear", step: 0.01 },
] as const);

export const tex = String.raw`\begin{aligned}
\sym{etaR}{\eta_t} &\leftarrow \begin{cases} \eta_+ & g_t\, g_{t-1} > 0 \\ \eta_- & g_t\, g_{t-1} < 0 \\ 1 & \text{otherwise} \end{cases} \\
\sym{stepsize}{\Delta_t} &\leftarrow \operatorname{clip}(\eta_t\, \Delta_{t-1},\ \Delta_{\min},\ \Delta_{\max}) \\
\sym{g}{g_t} &\leftarrow 0 \quad \text{where } g_t\, g_{t-1} < 0 \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \Delta_t\, \operatorname{sign}(g_t) \\
\sym{gprev}{g_{t-1}} &\leftarrow g_t \quad \text{(for the next step)}
\end{aligned}`;

export type RpropSlots<T> = Slots<"Δ" | "gPrev", T>;

// #region update
/** One Rprop step for one parameter. `Δ` is torch's step_size, `gPrev` its prev. */
export function rpropUpdate<T extends Vec<T>>(θ: T, g: T, { Δ, gPrev }: RpropSlots<T>, t: number, o: RpropOptions): { θ: T; state: RpropSlots<T> } {
  const [ηminus, ηplus] = o.etas;
  const [Δmin, Δmax] = o.step_sizes;
  if (o.maximize) g = g.neg();
  const agreement = g.mul(gPrev); // its sign says whether g kept its sign (torch: grad.mul(prev).sign())
  const η = agreement.bySign(ηplus, 1, ηminus);
  Δ = Δ.mul(η).clamp(Δmin, Δmax);
  g = agreement.bySign(g, g, 0);
  θ = θ.sub(g.sign().mul(Δ));
  gPrev = g;
  return { θ, state: { Δ, gPrev } };
}
// #endregion update

export const rprop: OptimizerDef<RpropOptions, "Δ" | "gPrev"> = {
  name: "rprop",
  title: "Rprop",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    const [ηminus, ηplus] = o.etas;
    check(0 < ηminus && ηminus < 1 && 1 < ηplus, `Invalid eta values: ${ηminus}, ${ηplus} (etas)`);
  },
  init: (θ, o, fill) => ({ Δ: fill(o.lr), gPrev: fill(0) }),
  update: rpropUpdate,
};
