/**
 * The shape every learning-rate schedule in Descent shares.
 *
 * A schedule is torch's `lr_scheduler` written as a small state machine over plain numbers:
 *  - `start(o, group)` is torch's constructor (which ends with one `step()`, so `last_epoch` = 0): the values for
 *    optimizer step 1;
 *  - `step(o, s, group)` is torch's `scheduler.step()` (last_epoch + 1): the values for the next optimizer step.
 *    Recursive schedules read `group.lr` — the optimizer's current learning rate — exactly as torch's chainable
 *    `get_lr` reads `group["lr"]`; so a rate changed by hand between steps is what they decay from, as in torch.
 *  - `restart(o, base, group)` is torch's `step(0)`, the closed form at epoch 0, which SequentialLR calls on the
 *    schedule it switches to at a milestone.
 * Values are float64 numbers computed with the same operations in the same order as torch's Python floats. The
 * one thing that differs is the maths library: torch's `math.cos` and `**` are glibc's, ours V8's (fdlibm), and
 * the two disagree in the last bit on ~3% of cosines and ~10% of powers (measured on 190,000 and 50,000
 * arguments), which the cosine schedules amplify where 1 + cos θ is small. So every rule takes its cos and pow
 * from a `ScheduleMath`: `nativeMath` (V8's) in use, and in the tests glibc's own values recorded from Python,
 * with which every sequence is torch's bit for bit (tests/unit/schedules-torch.test.ts).
 */

import type { Range } from "../optimizers/types.js";

/** The two transcendental functions the schedules use. */
export interface ScheduleMath {
  cos(x: number): number;
  pow(base: number, exponent: number): number;
}

/** V8's Math.cos and Math.pow (what `**` computes). */
export const nativeMath: ScheduleMath = Object.freeze({ cos: Math.cos, pow: Math.pow });

/** What a schedule reads from the optimizer's param group: torch's `group["lr"]` and its momentum or β₁. */
export interface Group {
  lr: number;
  /** SGD/RMSprop's `momentum`, or Adam's `betas[0]`; undefined for an optimizer with neither (Adagrad). */
  momentum?: number;
}

/** A schedule's state: plain numbers (JSON as it is). */
export interface ScheduleState {
  /** torch's `last_epoch`: 0 after construction, one more per `step()`. */
  epoch: number;
  /** The learning rate for the next optimizer step (what torch writes into `group["lr"]`). */
  lr: number;
  /** The momentum or β₁ for the next step, for schedules that cycle it (OneCycleLR, CyclicLR). */
  momentum?: number;
}

export interface ScheduleDef<O extends object, S extends ScheduleState = ScheduleState> {
  /** Machine name: torch's class name lower-cased ("steplr", "onecyclelr", …). */
  readonly name: string;
  /** torch's class name: "StepLR", … */
  readonly title: string;
  /** torch's defaults for the optional arguments. */
  readonly defaults: Readonly<Partial<O>>;
  /** torch's required arguments (no default). */
  readonly required: readonly (keyof O & string)[];
  /** Ranges for the numeric arguments, for page inputs (integer ones with step 1). */
  readonly ranges: Readonly<Partial<Record<keyof O, Range>>>;
  /** The schedule as display KaTeX, η_t being the rate used at step t + 1 (torch's last_epoch = t). */
  readonly tex: string;
  /** Throws an Error naming the argument and its value, in torch's words where torch checks it. */
  validate(o: O): void;
  /** Whether it sets the optimizer's momentum / β₁ as well (OneCycleLR and CyclicLR with cycle_momentum). */
  cyclesMomentum?(o: O): boolean;
  /**
   * The number of optimizer steps the schedule is defined for, if finite (OneCycleLR's total_steps). torch's
   * `step()` after the last of them still writes a value — an extrapolation no step of the schedule uses, negative
   * with a linear anneal — which a bound scheduler keeps in its state but does not write into the optimizer.
   */
  length?(o: O): number;
  start(o: O, group: Group, m: ScheduleMath): S;
  step(o: O, s: S, group: Group, m: ScheduleMath): S;
  /** torch's `step(0)`; absent for schedules SequentialLR does not take here (OneCycleLR, CyclicLR). */
  restart?(o: O, base: number, group: Group, m: ScheduleMath): S;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScheduleDef = ScheduleDef<any, any>;

/** Throws `Error(message)` unless `ok`; write conditions positively so NaN fails them. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

export function isPositiveInteger(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x > 0;
}

/** `Expected positive integer step_size, but got 0` — the wording torch uses for T_0 and total_steps. */
export function checkPositiveInteger(value: unknown, name: string): void {
  check(isPositiveInteger(value), `Expected positive integer ${name}, but got ${String(value)}`);
}

/** A finite number ≥ 0 (rates, minimum rates, factors). */
export function checkNonNegative(value: unknown, name: string): void {
  check(typeof value === "number" && value >= 0 && Number.isFinite(value), `Expected a non-negative number ${name}, but got ${String(value)}`);
}

/** A finite number > 0 (decay factors, divisors). */
export function checkPositive(value: unknown, name: string): void {
  check(typeof value === "number" && value > 0 && Number.isFinite(value), `Expected a positive number ${name}, but got ${String(value)}`);
}
