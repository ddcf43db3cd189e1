/**
 * ExponentialLR — torch.optim.lr_scheduler.ExponentialLR: multiply the rate by γ every step. Recursive, as
 * torch's `get_lr` (η₀·γ·γ·… rounds differently from η₀·γᵗ). torch 1.13 tests `last_epoch == 0`, 2.13 tests
 * `_is_initial` to skip the first multiplication: the same sequence for a fresh run.
 */
import type { Range } from "../optimizers/types.js";
import { checkNonNegative, type ScheduleDef, type ScheduleState } from "./types.js";

export interface ExponentialLROptions {
  /** γ, the factor per step (required). */
  gamma: number;
}

export const defaults: Readonly<Partial<ExponentialLROptions>> = Object.freeze({});

export const ranges: Readonly<Partial<Record<keyof ExponentialLROptions, Range>>> = Object.freeze({
  gamma: { min: 0.9, max: 1, scale: "linear", step: 0.0001 },
});

export const tex = String.raw`\eta_t = \eta_{t-1}\, \gamma \qquad \left(= \eta_0\, \gamma^t\right)`;

export const exponentiallr: ScheduleDef<ExponentialLROptions> = {
  name: "exponentiallr",
  title: "ExponentialLR",
  defaults,
  ranges,
  required: ["gamma"],
  tex,
  validate(o) {
    checkNonNegative(o.gamma, "gamma");
  },
  // #region rule
  start: (o, group, m): ScheduleState => ({ epoch: 0, lr: group.lr }),
  step: (o, s, group, m) => ({ epoch: s.epoch + 1, lr: group.lr * o.gamma }),
  // #endregion rule
  restart: (o, base, group, m) => ({ epoch: 0, lr: base * m.pow(o.gamma, 0) }),
};
