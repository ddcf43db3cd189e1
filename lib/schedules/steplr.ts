/**
 * StepLR — torch.optim.lr_scheduler.StepLR: multiply the rate by γ every `step_size` steps.
 *
 * torch's `get_lr` is recursive (it multiplies the group's current lr by γ at each multiple of step_size), and
 * so is this: η₀·γ·γ is not always η₀·γ² in float64, and torch's sequence is the recursive one.
 * Same in torch 1.13 and 2.13.
 */
import type { Range } from "../optimizers/types.js";
import { checkNonNegative, checkPositiveInteger, type ScheduleDef, type ScheduleState } from "./types.js";

export interface StepLROptions {
  /** s, the period of the decay, in steps (required). */
  step_size: number;
  /** γ, the factor applied every s steps. */
  gamma: number;
}

export const defaults: Readonly<Partial<StepLROptions>> = Object.freeze({ gamma: 0.1 });

export const ranges: Readonly<Partial<Record<keyof StepLROptions, Range>>> = Object.freeze({
  step_size: { min: 1, max: 1000, scale: "log", step: 1 },
  gamma: { min: 0.01, max: 1, scale: "linear", step: 0.01 },
});

export const tex = String.raw`\eta_t = \begin{cases} \eta_{t-1}\,\gamma & t > 0,\ s \mid t \\ \eta_{t-1} & \text{otherwise} \end{cases}
\qquad \left(= \eta_0\, \gamma^{\lfloor t/s \rfloor}\right)`;

export const steplr: ScheduleDef<StepLROptions> = {
  name: "steplr",
  title: "StepLR",
  defaults,
  ranges,
  required: ["step_size"],
  tex,
  validate(o) {
    // torch checks neither; step_size = 0 fails there with ZeroDivisionError at the first step.
    checkPositiveInteger(o.step_size, "step_size");
    checkNonNegative(o.gamma, "gamma");
  },
  // #region rule
  start: (o, group, m): ScheduleState => ({ epoch: 0, lr: group.lr }),
  step(o, s, group, m) {
    const t = s.epoch + 1; // ≥ 1, so torch's `last_epoch == 0` case is start()
    return { epoch: t, lr: t % o.step_size !== 0 ? group.lr : group.lr * o.gamma };
  },
  // #endregion rule
  // torch's closed form at epoch 0: base_lr * gamma ** (0 // step_size)
  restart: (o, base, group, m) => ({ epoch: 0, lr: base * m.pow(o.gamma, Math.floor(0 / o.step_size)) }),
};
