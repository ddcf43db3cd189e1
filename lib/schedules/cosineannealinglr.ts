/**
 * CosineAnnealingLR — torch.optim.lr_scheduler.CosineAnnealingLR: half a cosine from the initial rate η_max
 * down to η_min over T_max steps (and, past T_max, back up: torch does not clamp).
 *
 * torch's `get_lr` is recursive — each rate is the previous one scaled by a ratio of cosines — and its float64
 * rounding differs from the closed form in the last bits; this follows the recursion, so the sequence is
 * torch's own. torch 1.13 tests `last_epoch == 0` where 2.13 tests `_is_initial`: the same for a fresh run.
 */
import type { Range } from "../optimizers/types.js";
import { checkNonNegative, checkPositiveInteger, type ScheduleDef, type ScheduleState } from "./types.js";

export interface CosineAnnealingLROptions {
  /** T_max, the number of steps of the half cosine (required). */
  T_max: number;
  /** η_min, the rate it ends at. */
  eta_min: number;
}

export const defaults: Readonly<Partial<CosineAnnealingLROptions>> = Object.freeze({ eta_min: 0 });

export const ranges: Readonly<Partial<Record<keyof CosineAnnealingLROptions, Range>>> = Object.freeze({
  T_max: { min: 1, max: 10000, scale: "log", step: 1 },
  eta_min: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\begin{gathered}
\eta_t = \eta_{\min} + \tfrac12 (\eta_{\max} - \eta_{\min}) \left(1 + \cos \frac{\pi t}{T_{\max}}\right) \\
\text{computed as} \\
\eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})\, \frac{1 + \cos(\pi t / T_{\max})}{1 + \cos(\pi (t-1) / T_{\max})}
\end{gathered}`;

export interface CosineAnnealingState extends ScheduleState {
  /** torch's base_lrs[0]: η_max. */
  base: number;
}

export const cosineannealinglr: ScheduleDef<CosineAnnealingLROptions, CosineAnnealingState> = {
  name: "cosineannealinglr",
  title: "CosineAnnealingLR",
  defaults,
  ranges,
  required: ["T_max"],
  tex,
  validate(o) {
    // torch checks neither; T_max = 0 fails there with ZeroDivisionError.
    checkPositiveInteger(o.T_max, "T_max");
    checkNonNegative(o.eta_min, "eta_min");
  },
  // #region rule
  start: (o, group, m) => ({ epoch: 0, lr: group.lr, base: group.lr }),
  step(o, s, group, m) {
    const t = s.epoch + 1;
    const { T_max, eta_min } = o;
    let lr: number;
    if ((t - 1 - T_max) % (2 * T_max) === 0) {
      // the bottom of the cosine, where the ratio below would be 0/0
      lr = group.lr + ((s.base - eta_min) * (1 - m.cos(Math.PI / T_max))) / 2;
    } else {
      lr = ((1 + m.cos((Math.PI * t) / T_max)) / (1 + m.cos((Math.PI * (t - 1)) / T_max))) * (group.lr - eta_min) + eta_min;
    }
    return { epoch: t, lr, base: s.base };
  },
  // #endregion rule
  restart: (o, base, group, m) => ({ epoch: 0, lr: o.eta_min + ((base - o.eta_min) * (1 + m.cos((Math.PI * 0) / o.T_max))) / 2, base }),
};
