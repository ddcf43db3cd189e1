/**
 * LinearLR — torch.optim.lr_scheduler.LinearLR: scale the initial rate by a factor that moves linearly from
 * start_factor to end_factor over total_iters steps, then stays (the usual warm-up).
 *
 * torch's `get_lr` is recursive (each step multiplies the current rate by the ratio of consecutive factors), and
 * so is this. Validation is torch 2.13's: 1.13 accepts start_factor = 0 ("expected to be between 0 and 1") and
 * then divides by zero at the first step.
 */
import type { Range } from "../optimizers/types.js";
import { check, checkPositiveInteger, type ScheduleDef, type ScheduleState } from "./types.js";

export interface LinearLROptions {
  /** f₀ ∈ (0, 1], the factor at step 1. */
  start_factor: number;
  /** f₁ ∈ [0, 1], the factor from step total_iters + 1 on. */
  end_factor: number;
  /** T, the steps the factor takes to get from f₀ to f₁. */
  total_iters: number;
}

export const defaults: Readonly<Partial<LinearLROptions>> = Object.freeze({ start_factor: 1 / 3, end_factor: 1, total_iters: 5 });

export const ranges: Readonly<Partial<Record<keyof LinearLROptions, Range>>> = Object.freeze({
  start_factor: { min: 0.001, max: 1, scale: "log" },
  end_factor: { min: 0, max: 1, scale: "linear", step: 0.01 },
  total_iters: { min: 1, max: 10000, scale: "log", step: 1 },
});

export const tex = String.raw`\begin{gathered}
\eta_t = \eta_0 \left(f_0 + (f_1 - f_0) \frac{\min(t, T)}{T}\right) \\
\text{computed as} \\
\eta_t = \eta_{t-1} \left(1 + \frac{f_1 - f_0}{T f_0 + (t-1)(f_1 - f_0)}\right),\ t \le T
\end{gathered}`;

export const linearlr: ScheduleDef<LinearLROptions> = {
  name: "linearlr",
  title: "LinearLR",
  defaults,
  ranges,
  required: [],
  tex,
  validate(o) {
    check(
      typeof o.start_factor === "number" && o.start_factor > 0 && o.start_factor <= 1,
      `Starting multiplicative factor expected to be greater than 0 and less or equal to 1. (start_factor: ${String(o.start_factor)})`,
    );
    check(
      typeof o.end_factor === "number" && o.end_factor >= 0 && o.end_factor <= 1,
      `Ending multiplicative factor expected to be between 0 and 1. (end_factor: ${String(o.end_factor)})`,
    );
    // torch does not check; its closed form (used by SequentialLR) divides by total_iters.
    checkPositiveInteger(o.total_iters, "total_iters");
  },
  // #region rule
  start: (o, group, m): ScheduleState => ({ epoch: 0, lr: group.lr * o.start_factor }),
  step(o, s, group, m) {
    const t = s.epoch + 1;
    const { start_factor: f0, end_factor: f1, total_iters: T } = o;
    if (t > T) return { epoch: t, lr: group.lr };
    return { epoch: t, lr: group.lr * (1 + (f1 - f0) / (T * f0 + (t - 1) * (f1 - f0))) };
  },
  // #endregion rule
  // torch's closed form at 0: base_lr * (start_factor + (end_factor - start_factor) * min(total_iters, 0) / total_iters)
  restart: (o, base, group, m) => ({ epoch: 0, lr: base * (o.start_factor + ((o.end_factor - o.start_factor) * Math.min(o.total_iters, 0)) / o.total_iters) }),
};
