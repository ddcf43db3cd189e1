/**
 * CosineAnnealingWarmRestarts — torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (SGDR): a cosine from
 * η_max to η_min over T_i steps, then back to η_max, with each period T_mult times the last.
 *
 * torch computes each rate from T_cur and T_i (not from the previous rate), so this is a pure function of the
 * step; the state carries T_cur and T_i as torch's does. torch 1.13 wraps T_cur by `T_cur − T_i`, 2.13 by
 * `T_cur % T_i` (equal for whole steps); 2.13 also checks that eta_min is a number.
 */
import type { Range } from "../optimizers/types.js";
import { check, checkPositiveInteger, type ScheduleDef, type ScheduleMath, type ScheduleState } from "./types.js";

export interface CosineAnnealingWarmRestartsOptions {
  /** T₀, the steps until the first restart (required). */
  T_0: number;
  /** The factor by which each period is longer than the last, an integer ≥ 1. */
  T_mult: number;
  eta_min: number;
}

export const defaults: Readonly<Partial<CosineAnnealingWarmRestartsOptions>> = Object.freeze({ T_mult: 1, eta_min: 0 });

export const ranges: Readonly<Partial<Record<keyof CosineAnnealingWarmRestartsOptions, Range>>> = Object.freeze({
  T_0: { min: 1, max: 5000, scale: "log", step: 1 },
  T_mult: { min: 1, max: 4, scale: "linear", step: 1 },
  eta_min: { min: 0, max: 0.1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\eta_t = \eta_{\min} + \tfrac12 (\eta_{\max} - \eta_{\min}) \left(1 + \cos \frac{\pi\, T_{cur}}{T_i}\right),
\quad T_{cur} \leftarrow T_{cur} + 1,\ \text{and when } T_{cur} = T_i:\ T_{cur} \leftarrow 0,\ T_i \leftarrow T_{\mathrm{mult}}\, T_i`;

export interface WarmRestartsState extends ScheduleState {
  base: number;
  /** Steps since the last restart. */
  T_cur: number;
  /** The current period. */
  T_i: number;
}

function at(o: CosineAnnealingWarmRestartsOptions, m: ScheduleMath, epoch: number, base: number, T_cur: number, T_i: number): WarmRestartsState {
  const lr = o.eta_min + ((base - o.eta_min) * (1 + m.cos((Math.PI * T_cur) / T_i))) / 2;
  return { epoch, lr, base, T_cur, T_i };
}

export const cosineannealingwarmrestarts: ScheduleDef<CosineAnnealingWarmRestartsOptions, WarmRestartsState> = {
  name: "cosineannealingwarmrestarts",
  title: "CosineAnnealingWarmRestarts",
  defaults,
  ranges,
  required: ["T_0"],
  tex,
  validate(o) {
    checkPositiveInteger(o.T_0, "T_0");
    check(Number.isInteger(o.T_mult) && o.T_mult >= 1, `Expected integer T_mult >= 1, but got ${String(o.T_mult)}`);
    check(typeof o.eta_min === "number" && Number.isFinite(o.eta_min), `Expected float or int eta_min, but got ${String(o.eta_min)} of type ${typeof o.eta_min}`);
  },
  // #region rule
  start: (o, group, m) => at(o, m, 0, group.lr, 0, o.T_0),
  step(o, s, group, m) {
    let T_cur = s.T_cur + 1;
    let T_i = s.T_i;
    if (T_cur >= T_i) {
      T_cur = T_cur - T_i;
      T_i = T_i * o.T_mult;
    }
    return at(o, m, s.epoch + 1, s.base, T_cur, T_i);
  },
  // #endregion rule
  restart: (o, base, group, m) => at(o, m, 0, base, 0, o.T_0),
};
