/**
 * CyclicLR — torch.optim.lr_scheduler.CyclicLR (Smith's cyclical learning rates): the rate goes up from base_lr
 * to max_lr in step_size_up steps and back down in step_size_down, over and over; "triangular2" halves the
 * amplitude each cycle, "exp_range" scales it by γ^t. The momentum (or β₁) cycles the other way, between
 * max_momentum and base_momentum.
 *
 * Like torch, it replaces the optimizer's lr with base_lr from the start. torch computes each value from the
 * step alone, so this is a pure function of the step. torch's custom `scale_fn`/`scale_mode` are not offered
 * (a function is not plain data). torch 1.13 vs 2.13: 1.13 cycles only an optimizer's `momentum` and refuses
 * Adam-style `betas` ("optimizer must support momentum with `cycle_momentum` option enabled"); 2.13 cycles β₁
 * too. We follow 2.13. The values are the same for SGD (1.13 first sets momentum to base_momentum, but its
 * construction step sets it to max_momentum, as 2.13 does).
 */
import type { Range } from "../optimizers/types.js";
import { check, checkNonNegative, checkPositive, type ScheduleDef, type ScheduleMath, type ScheduleState } from "./types.js";

export interface CyclicLROptions {
  /** The lower rate (required). */
  base_lr: number;
  /** The upper rate (required). */
  max_lr: number;
  step_size_up: number;
  /** null: as step_size_up. */
  step_size_down: number | null;
  mode: "triangular" | "triangular2" | "exp_range";
  /** exp_range's factor per step. */
  gamma: number;
  cycle_momentum: boolean;
  base_momentum: number;
  max_momentum: number;
}

export const defaults: Readonly<Partial<CyclicLROptions>> = Object.freeze({
  step_size_up: 2000,
  step_size_down: null,
  mode: "triangular",
  gamma: 1,
  cycle_momentum: true,
  base_momentum: 0.8,
  max_momentum: 0.9,
});

export const ranges: Readonly<Partial<Record<keyof CyclicLROptions, Range>>> = Object.freeze({
  base_lr: { min: 1e-6, max: 1, scale: "log" },
  max_lr: { min: 1e-5, max: 1, scale: "log" },
  step_size_up: { min: 1, max: 10000, scale: "log", step: 1 },
  step_size_down: { min: 1, max: 10000, scale: "log", step: 1 },
  gamma: { min: 0.9, max: 1, scale: "linear", step: 0.0001 },
  base_momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  max_momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
});

export const tex = String.raw`\begin{aligned}
c &= \left\lfloor 1 + \frac{t}{S_{\uparrow} + S_{\downarrow}} \right\rfloor, \quad
x = 1 + \frac{t}{S_{\uparrow} + S_{\downarrow}} - c, \quad
r = \frac{S_{\uparrow}}{S_{\uparrow} + S_{\downarrow}}, \quad
h = \begin{cases} x / r & x \le r \\ (x - 1)/(r - 1) & x > r \end{cases} \\
\eta_t &= \eta_{\mathrm{base}} + (\eta_{\max} - \eta_{\mathrm{base}})\, h\, s, \qquad
\mu_t = \mu_{\max} - (\mu_{\max} - \mu_{\mathrm{base}})\, h\, s, \qquad
s = \begin{cases} 1 & \text{triangular} \\ 2^{-(c-1)} & \text{triangular2} \\ \gamma^t & \text{exp\_range} \end{cases}
\end{aligned}`;

// #region rule
function at(o: CyclicLROptions, t: number, m: ScheduleMath): ScheduleState {
  const up = o.step_size_up;
  const down = o.step_size_down ?? up;
  const total_size = up + down;
  const step_ratio = up / total_size;
  const cycle = Math.floor(1 + t / total_size);
  const x = 1 + t / total_size - cycle;
  const scale_factor = x <= step_ratio ? x / step_ratio : (x - 1) / (step_ratio - 1);
  // torch: triangular and triangular2 scale by the cycle, exp_range by the step ("iterations")
  const scale = o.mode === "triangular" ? 1 : o.mode === "triangular2" ? 1 / m.pow(2, cycle - 1) : m.pow(o.gamma, t);
  const lr = o.base_lr + (o.max_lr - o.base_lr) * scale_factor * scale;
  if (!o.cycle_momentum) return { epoch: t, lr };
  const momentum = o.max_momentum - (o.max_momentum - o.base_momentum) * scale_factor * scale;
  return { epoch: t, lr, momentum };
}
// #endregion rule

export const cycliclr: ScheduleDef<CyclicLROptions> = {
  name: "cycliclr",
  title: "CyclicLR",
  defaults,
  ranges,
  required: ["base_lr", "max_lr"],
  tex,
  validate(o) {
    check(o.mode === "triangular" || o.mode === "triangular2" || o.mode === "exp_range", `mode is invalid and scale_fn is None (mode: ${String(o.mode)})`);
    // torch checks none of these; step_size_up = 0 divides by zero there.
    checkNonNegative(o.base_lr, "base_lr");
    checkNonNegative(o.max_lr, "max_lr");
    checkPositive(o.step_size_up, "step_size_up");
    if (o.step_size_down !== null) checkPositive(o.step_size_down, "step_size_down");
    checkPositive(o.gamma, "gamma");
    check(typeof o.base_momentum === "number" && Number.isFinite(o.base_momentum), `Expected a number base_momentum, but got ${String(o.base_momentum)}`);
    check(typeof o.max_momentum === "number" && Number.isFinite(o.max_momentum), `Expected a number max_momentum, but got ${String(o.max_momentum)}`);
  },
  cyclesMomentum: (o) => o.cycle_momentum,
  start: (o, group, m) => at(o, 0, m),
  step: (o, s, group, m) => at(o, s.epoch + 1, m),
};
