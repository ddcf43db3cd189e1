/**
 * MultiStepLR — torch.optim.lr_scheduler.MultiStepLR: multiply the rate by γ at each milestone (by γᵏ at a
 * milestone listed k times, as torch's Counter does). Recursive, as torch's `get_lr`. Same in torch 1.13 and 2.13.
 */
import type { Range } from "../optimizers/types.js";
import { check, checkNonNegative, type ScheduleDef, type ScheduleState } from "./types.js";

export interface MultiStepLROptions {
  /** The steps at which the rate is multiplied by γ (required). torch says "must be increasing" but sorts nothing: any order counts. */
  milestones: readonly number[];
  gamma: number;
}

export const defaults: Readonly<Partial<MultiStepLROptions>> = Object.freeze({ gamma: 0.1 });

export const ranges: Readonly<Partial<Record<keyof MultiStepLROptions, Range>>> = Object.freeze({
  gamma: { min: 0.01, max: 1, scale: "linear", step: 0.01 },
});

export const tex = String.raw`\eta_t = \eta_{t-1}\, \gamma^{\,\#\{i \,:\, m_i = t\}} \qquad \left(= \eta_0\, \gamma^{\#\{i \,:\, m_i \le t\}}\right)`;

function count(milestones: readonly number[], t: number): number {
  let k = 0;
  for (const m of milestones) if (m === t) k++;
  return k;
}

export const multisteplr: ScheduleDef<MultiStepLROptions> = {
  name: "multisteplr",
  title: "MultiStepLR",
  defaults,
  ranges,
  required: ["milestones"],
  tex,
  validate(o) {
    check(
      Array.isArray(o.milestones) && o.milestones.every((m) => Number.isInteger(m) && m >= 0),
      `Expected a list of non-negative integer milestones, but got ${JSON.stringify(o.milestones)}`,
    );
    checkNonNegative(o.gamma, "gamma");
  },
  // #region rule
  start: (o, group, m): ScheduleState => ({ epoch: 0, lr: group.lr }),
  step(o, s, group, m) {
    const t = s.epoch + 1;
    const k = count(o.milestones, t);
    return { epoch: t, lr: k === 0 ? group.lr : group.lr * m.pow(o.gamma, k) };
  },
  // torch's closed form at 0: base_lr * gamma ** bisect_right(sorted(milestones), 0)
  // #endregion rule
  restart: (o, base, group, m) => ({ epoch: 0, lr: base * m.pow(o.gamma, o.milestones.filter((x) => x <= 0).length) }),
};
