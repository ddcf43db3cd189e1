/**
 * PolynomialLR — torch.optim.lr_scheduler.PolynomialLR: decay the rate to 0 over total_iters steps along
 * (1 − t/T)^p, then keep 0.
 *
 * torch's `get_lr` is recursive (the current rate times the ratio of consecutive factors), and so is this.
 * torch 1.13 tests `last_epoch == 0` where 2.13 tests `_is_initial`: the same for a fresh run.
 */
import type { Range } from "../optimizers/types.js";
import { checkNonNegative, checkPositiveInteger, type ScheduleDef, type ScheduleState } from "./types.js";

export interface PolynomialLROptions {
  /** T, the steps to decay over. */
  total_iters: number;
  /** p, the power of the polynomial. */
  power: number;
}

export const defaults: Readonly<Partial<PolynomialLROptions>> = Object.freeze({ total_iters: 5, power: 1 });

export const ranges: Readonly<Partial<Record<keyof PolynomialLROptions, Range>>> = Object.freeze({
  total_iters: { min: 1, max: 100000, scale: "log", step: 1 },
  power: { min: 0.1, max: 5, scale: "linear", step: 0.1 },
});

export const tex = String.raw`\begin{gathered}
\eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p} \\
\text{computed as} \\
\eta_t = \eta_{t-1} \left(\frac{1 - t/T}{1 - (t-1)/T}\right)^{p},\ t \le T
\end{gathered}`;

export const polynomiallr: ScheduleDef<PolynomialLROptions> = {
  name: "polynomiallr",
  title: "PolynomialLR",
  defaults,
  ranges,
  required: [],
  tex,
  validate(o) {
    // torch checks neither; total_iters = 0 fails there with ZeroDivisionError.
    checkPositiveInteger(o.total_iters, "total_iters");
    checkNonNegative(o.power, "power");
  },
  // #region rule
  start: (o, group, m): ScheduleState => ({ epoch: 0, lr: group.lr }),
  step(o, s, group, m) {
    const t = s.epoch + 1;
    const T = o.total_iters;
    if (t > T) return { epoch: t, lr: group.lr };
    const decay = m.pow((1 - t / T) / (1 - (t - 1) / T), o.power);
    return { epoch: t, lr: group.lr * decay };
  },
  // #endregion rule
  restart: (o, base, group, m) => ({ epoch: 0, lr: base * m.pow(1 - Math.min(o.total_iters, 0) / o.total_iters, o.power) }),
};
