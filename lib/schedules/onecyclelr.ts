/**
 * OneCycleLR — torch.optim.lr_scheduler.OneCycleLR (Smith's 1cycle, fastai's two-phase variant by default):
 * the rate rises from max_lr/div_factor to max_lr over the first pct_start of the run, then anneals to
 * max_lr/(div_factor·final_div_factor); the momentum (SGD's, RMSprop's) or β₁ (Adam's) moves the other way,
 * from max_momentum down to base_momentum and back. three_phase: up, back down to the initial rate
 * symmetrically, then down to the minimum.
 *
 * torch computes every value from the step alone (no recursion), so this is a pure function of the step.
 * Differences 1.13 → 2.13 (we follow 2.13): 1.13's error for stepping past total_steps reports step_num + 1 and
 * its cycle_momentum error does not mention beta1; both cycle Adam's β₁.
 */
import type { Range } from "../optimizers/types.js";
import { check, checkPositive, isPositiveInteger, nativeMath, type ScheduleDef, type ScheduleMath, type ScheduleState } from "./types.js";

export interface OneCycleLROptions {
  /** η_max, the peak rate (required). */
  max_lr: number;
  /** The length of the cycle; or give epochs and steps_per_epoch. */
  total_steps: number | null;
  epochs: number | null;
  steps_per_epoch: number | null;
  /** The share of the cycle spent raising the rate. */
  pct_start: number;
  anneal_strategy: "cos" | "linear";
  /** Move the momentum / β₁ against the rate. */
  cycle_momentum: boolean;
  base_momentum: number;
  max_momentum: number;
  /** η_max / div_factor is the starting rate. */
  div_factor: number;
  /** The starting rate / final_div_factor is the last rate. */
  final_div_factor: number;
  three_phase: boolean;
}

export const defaults: Readonly<Partial<OneCycleLROptions>> = Object.freeze({
  total_steps: null,
  epochs: null,
  steps_per_epoch: null,
  pct_start: 0.3,
  anneal_strategy: "cos",
  cycle_momentum: true,
  base_momentum: 0.85,
  max_momentum: 0.95,
  div_factor: 25,
  final_div_factor: 1e4,
  three_phase: false,
});

export const ranges: Readonly<Partial<Record<keyof OneCycleLROptions, Range>>> = Object.freeze({
  max_lr: { min: 1e-5, max: 1, scale: "log" },
  total_steps: { min: 1, max: 100000, scale: "log", step: 1 },
  pct_start: { min: 0, max: 1, scale: "linear", step: 0.01 },
  base_momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  max_momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  div_factor: { min: 1, max: 1000, scale: "log" },
  final_div_factor: { min: 1, max: 1e6, scale: "log" },
});

export const tex = String.raw`\begin{aligned}
\eta_0 &= \eta_{\max} / d, \qquad \eta_{\min} = \eta_0 / d_{\mathrm{final}} \\
t_1 &= p\,T - 1 \\
s_t &= (t - t_1) / (T - 1 - t_1) \\
\eta_t &= \begin{cases} \operatorname{anneal}(\eta_0, \eta_{\max}, t / t_1) & t \le t_1 \\ \operatorname{anneal}(\eta_{\max}, \eta_{\min}, s_t) & t > t_1 \end{cases} \\
\mu_t &= \begin{cases} \operatorname{anneal}(\mu_{\max}, \mu_{\mathrm{base}}, t / t_1) & t \le t_1 \\ \operatorname{anneal}(\mu_{\mathrm{base}}, \mu_{\max}, s_t) & t > t_1 \end{cases} \\
\operatorname{anneal}(a, b, x) &= b + \tfrac{a - b}{2} (1 + \cos \pi x) \quad \text{(cos)} \\
 &= (b - a)\,x + a \quad \text{(linear)}
\end{aligned}`;

type Value = "initial_lr" | "max_lr" | "min_lr" | "max_momentum" | "base_momentum";
interface Phase {
  end_step: number;
  start_lr: Value;
  end_lr: Value;
  start_momentum: Value;
  end_momentum: Value;
}

/** The length of the cycle, from total_steps or epochs × steps_per_epoch (torch's precedence). */
export function totalSteps(o: OneCycleLROptions): number {
  return o.total_steps ?? (o.epochs as number) * (o.steps_per_epoch as number);
}

function phases(o: OneCycleLROptions): Phase[] {
  const T = totalSteps(o);
  if (o.three_phase) {
    return [
      { end_step: o.pct_start * T - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
      { end_step: 2 * o.pct_start * T - 2, start_lr: "max_lr", end_lr: "initial_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
      { end_step: T - 1, start_lr: "initial_lr", end_lr: "min_lr", start_momentum: "max_momentum", end_momentum: "max_momentum" },
    ];
  }
  return [
    { end_step: o.pct_start * T - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
    { end_step: T - 1, start_lr: "max_lr", end_lr: "min_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
  ];
}

function anneal(m: ScheduleMath, strategy: "cos" | "linear", start: number, end: number, pct: number): number {
  if (strategy === "cos") {
    const cos_out = m.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cos_out;
  }
  return (end - start) * pct + start;
}

// #region rule
/** The rate (and momentum) torch's get_lr gives at last_epoch = `step`. */
function at(o: OneCycleLROptions, step: number, m: ScheduleMath): ScheduleState {
  const T = totalSteps(o);
  if (step > T) throw new Error(`Tried to step ${step} times. The specified number of total steps is ${T}`);
  const initial_lr = o.max_lr / o.div_factor;
  const values: Record<Value, number> = {
    initial_lr,
    max_lr: o.max_lr,
    min_lr: initial_lr / o.final_div_factor,
    max_momentum: o.max_momentum,
    base_momentum: o.base_momentum,
  };
  const list = phases(o);
  let start_step = 0;
  for (let i = 0; i < list.length; i++) {
    const phase = list[i];
    if (step <= phase.end_step || i === list.length - 1) {
      // torch raises ZeroDivisionError here; say which phase is empty instead of returning NaN.
      check(phase.end_step !== start_step, `OneCycleLR: phase ${i + 1} has no steps (pct_start=${o.pct_start}, total_steps=${T}): float division by zero`);
      const pct = (step - start_step) / (phase.end_step - start_step);
      const lr = anneal(m, o.anneal_strategy, values[phase.start_lr], values[phase.end_lr], pct);
      if (!o.cycle_momentum) return { epoch: step, lr };
      return { epoch: step, lr, momentum: anneal(m, o.anneal_strategy, values[phase.start_momentum], values[phase.end_momentum], pct) };
    }
    start_step = phase.end_step;
  }
  throw new Error("OneCycleLR: unreachable");
}
// #endregion rule

export const onecyclelr: ScheduleDef<OneCycleLROptions> = {
  name: "onecyclelr",
  title: "OneCycleLR",
  defaults,
  ranges,
  required: ["max_lr"],
  tex,
  validate(o) {
    if (o.total_steps !== null) {
      check(isPositiveInteger(o.total_steps), `Expected positive integer total_steps, but got ${String(o.total_steps)}`);
    } else if (o.epochs !== null && o.steps_per_epoch !== null) {
      check(isPositiveInteger(o.epochs), `Expected positive integer epochs, but got ${String(o.epochs)}`);
      check(isPositiveInteger(o.steps_per_epoch), `Expected positive integer steps_per_epoch, but got ${String(o.steps_per_epoch)}`);
    } else {
      throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    }
    check(typeof o.pct_start === "number" && o.pct_start >= 0 && o.pct_start <= 1, `Expected float between 0 and 1 pct_start, but got ${String(o.pct_start)}`);
    check(o.anneal_strategy === "cos" || o.anneal_strategy === "linear", `anneal_strategy must be one of 'cos' or 'linear', instead got ${String(o.anneal_strategy)}`);
    // torch checks none of these; a zero divisor gives an infinite rate there.
    checkPositive(o.max_lr, "max_lr");
    checkPositive(o.div_factor, "div_factor");
    checkPositive(o.final_div_factor, "final_div_factor");
    check(typeof o.base_momentum === "number" && Number.isFinite(o.base_momentum), `Expected a number base_momentum, but got ${String(o.base_momentum)}`);
    check(typeof o.max_momentum === "number" && Number.isFinite(o.max_momentum), `Expected a number max_momentum, but got ${String(o.max_momentum)}`);
    at(o, 0, nativeMath); // an empty first phase fails at construction, as in torch
  },
  cyclesMomentum: (o) => o.cycle_momentum,
  length: totalSteps,
  start: (o, group, m) => at(o, 0, m),
  step: (o, s, group, m) => at(o, s.epoch + 1, m),
};
