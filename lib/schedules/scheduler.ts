/**
 * A schedule bound to an optimizer, the way torch binds an lr_scheduler to its optimizer: created from the
 * optimizer's current options (it may set them at once: OneCycleLR's starting rate and momentum), and
 * `step()` after every optimizer step sets the values for the next one through the optimizer's `setOptions`,
 * which keeps every state buffer. Also the same state machine without an optimizer (`scheduleValues`), for
 * drawing a schedule.
 */
import { nativeMath, type AnyScheduleDef, type Group, type ScheduleDef, type ScheduleMath, type ScheduleState } from "./types.js";
import { resolveScheduleOptions } from "./validate.js";

/** What a schedule needs from an optimizer: both runners of lib/optimizers satisfy it. */
export interface ScheduledOptimizer {
  readonly def: { readonly title: string; readonly defaults: object };
  readonly options: Readonly<object>;
  setOptions(partial: object): void;
}

export interface Scheduler<O extends object = object, S extends ScheduleState = ScheduleState> {
  readonly def: ScheduleDef<O, S>;
  /** The resolved arguments (defaults merged in), frozen. */
  readonly options: Readonly<O>;
  /** Plain data: torch's last_epoch as `epoch`, the rate (and momentum) for the next step, and the schedule's own counters. */
  readonly state: Readonly<S>;
  /** The learning rate the next optimizer step uses. */
  readonly lr: number;
  /** The momentum or β₁ the next step uses, if this schedule sets it. */
  readonly momentum: number | undefined;
  /**
   * torch's `scheduler.step()`: call once after each `optimizer.step()`. Throws, changing nothing, if the optimizer
   * rejects the values, or when stepped past OneCycleLR's total_steps (torch's "Tried to step …" error); the step
   * after the last of total_steps updates the state only (see ScheduleDef.length).
   */
  step(): void;
}

/** Where torch's cycle_momentum writes: `betas[0]` if the optimizer has betas, else `momentum` (torch 2.13's rule). */
function momentumKey(defaults: object): "betas" | "momentum" | undefined {
  if ("betas" in defaults) return "betas";
  if ("momentum" in defaults) return "momentum";
  return undefined;
}

function groupOf(opt: ScheduledOptimizer): Group {
  const o = opt.options as { lr?: unknown; momentum?: unknown; betas?: unknown };
  if (typeof o.lr !== "number") throw new Error(`${opt.def.title} has no learning rate to schedule`);
  const key = momentumKey(opt.def.defaults);
  const momentum = key === "betas" ? (o.betas as readonly number[])[0] : key === "momentum" ? (o.momentum as number) : undefined;
  return momentum === undefined ? { lr: o.lr } : { lr: o.lr, momentum };
}

const momentumError = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled";

/**
 * Binds a schedule to an optimizer and applies its first values (torch's constructor). The optimizer's lr at
 * this moment is the schedule's initial rate (torch's `initial_lr`).
 */
export function createScheduler<O extends object, S extends ScheduleState>(
  def: ScheduleDef<O, S>,
  options: Partial<O> | undefined,
  optimizer: ScheduledOptimizer,
  { math = nativeMath }: { math?: ScheduleMath } = {},
): Scheduler<O, S> {
  const resolved = resolveScheduleOptions<O>(def as AnyScheduleDef, options);
  const cycles = def.cyclesMomentum?.(resolved) ?? false;
  const key = momentumKey(optimizer.def.defaults);
  if (cycles && key === undefined) throw new Error(`${momentumError} (${optimizer.def.title} has neither)`);

  const apply = (s: S) => {
    const partial: Record<string, unknown> = { lr: s.lr };
    if (cycles && s.momentum !== undefined) {
      if (key === "betas") partial.betas = [s.momentum, ...((optimizer.options as { betas: readonly number[] }).betas.slice(1))];
      else partial.momentum = s.momentum;
    }
    optimizer.setOptions(partial);
  };

  const length = def.length?.(resolved);
  let state = Object.freeze(def.start(resolved, groupOf(optimizer), math));
  apply(state);

  return {
    def,
    options: resolved,
    get state() {
      return state;
    },
    get lr() {
      return state.lr;
    },
    get momentum() {
      return cycles ? state.momentum : undefined;
    },
    step() {
      const next = def.step(resolved, state, groupOf(optimizer), math);
      // Past a finite schedule (OneCycleLR's total_steps) torch's value is an extrapolation no step uses: keep it
      // in the state, leave the optimizer as it was. Otherwise apply throws, changing nothing, if it is rejected.
      if (length === undefined || next.epoch < length) apply(next);
      state = Object.freeze(next);
    },
  };
}

export interface ScheduleValues {
  /** lrs[t − 1] is the rate of optimizer step t, as the fixtures record it. */
  lrs: number[];
  /** The momentum or β₁ of each step, for schedules that cycle it. */
  momenta?: number[];
}

/**
 * The first `steps` values of a schedule run with no one else changing the rate: what `createScheduler` would
 * set before each step, for an optimizer whose lr (and momentum or β₁) starts at `initial`. For drawing.
 */
export function scheduleValues<O extends object>(
  def: ScheduleDef<O, ScheduleState>,
  options: Partial<O> | undefined,
  initial: Group,
  steps: number,
  { math = nativeMath }: { math?: ScheduleMath } = {},
): ScheduleValues {
  const resolved = resolveScheduleOptions<O>(def as AnyScheduleDef, options);
  const cycles = def.cyclesMomentum?.(resolved) ?? false;
  if (cycles && initial.momentum === undefined) throw new Error(momentumError);
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`scheduleValues: steps must be a non-negative integer, got ${steps}`);
  const lrs: number[] = [];
  const momenta: number[] = [];
  let group: Group = { ...initial };
  let s = def.start(resolved, group, math);
  for (let t = 1; t <= steps; t++) {
    group = { lr: s.lr, momentum: cycles ? s.momentum : group.momentum };
    lrs.push(s.lr);
    if (cycles) momenta.push(s.momentum as number);
    if (t < steps) s = def.step(resolved, s, group, math);
  }
  return cycles ? { lrs, momenta } : { lrs };
}

/** The rate of optimizer step `step` (1-based) of `scheduleValues` — O(step), the recursive schedules replay from the start. */
export function lrAt<O extends object>(def: ScheduleDef<O, ScheduleState>, options: Partial<O> | undefined, initial: Group, step: number): number {
  if (!(Number.isInteger(step) && step >= 1)) throw new Error(`lrAt: step must be a positive integer, got ${step}`);
  return scheduleValues(def, options, initial, step).lrs[step - 1];
}
