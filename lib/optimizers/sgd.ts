/**
 * SGD with momentum, dampening, Nesterov momentum, L2 weight decay and maximize — torch.optim.SGD (1.13).
 *
 * State: `b`, the momentum buffer (torch's `momentum_buffer`), only when momentum ≠ 0. On the first step
 * torch sets b₁ = g₁ (no dampening then); after that b ← μ·b + (1 − τ)·g.
 */
import type { OptimizerDef, Range, Slots, Vec } from "./types.js";
import { check, checkLr, checkMomentum, checkWeightDecay } from "./validate.js";

export interface SGDOptions {
  /** γ, the learning rate. torch 1.13 has no default; ours is 1e-3, torch ≥ 2.2's default. */
  lr: number;
  /** μ ≥ 0; 0 turns momentum (and the buffer) off. */
  momentum: number;
  /** τ: the share of each new gradient left out of the buffer. */
  dampening: number;
  /** λ ≥ 0, L2 penalty added to the gradient. */
  weight_decay: number;
  /** Nesterov momentum; needs momentum > 0 and dampening = 0. */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

export const defaults: Readonly<SGDOptions> = Object.freeze({
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weight_decay: 0,
  nesterov: false,
  maximize: false,
});

export const ranges: Readonly<Partial<Record<keyof SGDOptions, Range>>> = Object.freeze({
  lr: { min: 1e-5, max: 1, scale: "log" },
  momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  dampening: { min: 0, max: 1, scale: "linear", step: 0.01 },
  weight_decay: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\begin{aligned}
\sym{g}{g_t} &\leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\
\sym{b}{b_t} &\leftarrow \begin{cases} g_t & t = 1 \\ \mu\, b_{t-1} + (1-\tau)\, g_t & t > 1 \end{cases} \\
\sym{g}{g_t} &\leftarrow \begin{cases} g_t + \mu\, b_t & \text{nesterov} \\ b_t & \text{otherwise} \end{cases} \\
\sym{theta}{\theta_t} &\leftarrow \theta_{t-1} - \gamma\, g_t
\end{aligned}`;

export type SGDSlots<T> = Slots<never, T, "b">;

// #region update
/** One SGD step for one parameter. `b` is torch's momentum_buffer; it exists iff momentum ≠ 0. */
export function sgdUpdate<T extends Vec<T>>(θ: T, g: T, { b }: SGDSlots<T>, t: number, o: SGDOptions): { θ: T; state: SGDSlots<T> } {
  const { lr: γ, momentum: μ, dampening: τ, weight_decay: λ } = o;
  if (o.maximize) g = g.neg();
  if (λ !== 0) g = g.add(θ.mul(λ));
  if (b) {
    b = t === 1 ? g : b.mul(μ).add(g.mul(1 - τ));
    g = o.nesterov ? g.add(b.mul(μ)) : b;
  }
  θ = θ.sub(g.mul(γ));
  return { θ, state: b ? { b } : {} };
}
// #endregion update

export const sgd: OptimizerDef<SGDOptions, never, "b"> = {
  name: "sgd",
  title: "SGD",
  defaults,
  ranges,
  tex,
  validate(o) {
    checkLr(o.lr);
    checkMomentum(o.momentum);
    checkWeightDecay(o.weight_decay);
    check(
      !o.nesterov || (o.momentum > 0 && o.dampening === 0),
      `Nesterov momentum requires a momentum and zero dampening (nesterov: true, momentum: ${o.momentum}, dampening: ${o.dampening})`,
    );
  },
  init: (θ, o, fill) => (o.momentum !== 0 ? { b: fill(0) } : {}),
  // momentum 0 → μ mid-run: torch creates b = g at the next step; from b = 0 that step computes μ·0 + (1 − τ)·g,
  // which is exactly g only when τ = 0.
  grow: (slot, from, to) => (slot === "b" && to.dampening === 0 ? 0 : undefined),
  update: sgdUpdate,
};
