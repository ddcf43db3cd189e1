/**
 * Learning-rate schedules: torch.optim.lr_scheduler's StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
 * CosineAnnealingWarmRestarts, OneCycleLR, CyclicLR, PolynomialLR, LinearLR and SequentialLR, one file each
 * (defaults, torch's argument names and checks, KaTeX, and the rule). Each is a small state machine over plain
 * float64 numbers — `start` is torch's constructor, `step` its `scheduler.step()` — following torch's `get_lr`
 * (its recursive form where it has one, not `_get_closed_form_lr`), so `lrs` match torch's sequence exactly —
 * given torch's cos and pow: glibc's and V8's Math.cos/Math.pow differ in the last bit on a few per cent of
 * arguments, so on the site a cosine schedule's rates can differ from torch's by a few ulps (≤ 7 ulps, 1.4e-15
 * relative, measured); the tests run the rules on glibc's recorded values too and require torch's bits.
 *
 * Run an optimizer under a schedule (either engine: createOptimizer or createFloatOptimizer):
 *
 * ```ts
 * import { createOptimizer, adamw } from "../optimizers/index.js";
 * import { createScheduler, schedules } from "../schedules/index.js";
 *
 * const opt = createOptimizer(adamw, { lr: 0.02, weight_decay: 0.05 });
 * const sched = createScheduler(schedules.onecyclelr, { max_lr: 0.05, total_steps: 100 }, opt);
 * // sched has already set opt's lr (≈ 0.002) and β₁ (0.95), as torch's constructor does
 * for (let t = 1; t <= 100; t++) {
 *   const lr = sched.lr;        // the rate this step uses (= opt.options.lr)
 *   opt.step(params, grads);
 *   sched.step();               // torch's scheduler.step(): sets the next lr and β₁ via opt.setOptions
 * }
 * ```
 *
 * Or hand the scheduler to the training loops: `train({ ..., optimizer: opt, scheduler: sched })` and
 * `minimize({ ..., scheduler })` call `sched.step()` after every optimizer step and report the step's `lr`.
 *
 * Draw a schedule without an optimizer (lrs[t − 1] is step t's rate; `momenta` for OneCycleLR/CyclicLR):
 *
 * ```ts
 * const { lrs } = scheduleValues(schedules.sequentiallr, {
 *   schedulers: [{ name: "linearlr", options: { start_factor: 0.1, total_iters: 10 } },
 *                { name: "cosineannealinglr", options: { T_max: 90 } }],
 *   milestones: [10],
 * }, { lr: 0.02 }, 100);
 * schedules.cosineannealinglr.tex;   // KaTeX; .defaults, .required, .ranges, .title as for the optimizers
 * ```
 *
 * A scheduler's `state` is plain frozen data (torch's last_epoch as `epoch`, the next `lr` and `momentum`, and a
 * schedule's own counters: WarmRestarts' T_cur and T_i, SequentialLR's per-schedule states). torch's `last_epoch`
 * (resume) and `verbose` arguments, and CyclicLR's custom `scale_fn`, are not taken.
 *
 * Changing an option by hand mid-run: `opt.setOptions({ lr, momentum, betas, … })` keeps the optimizer's state
 * (see `setOptions` in lib/optimizers/optimizer.ts for the changes that add or drop a buffer); a recursive schedule
 * (StepLR, ExponentialLR, CosineAnnealingLR, LinearLR, PolynomialLR, MultiStepLR) then continues from the new
 * rate, as torch's chainable schedulers do; OneCycleLR, CyclicLR and CosineAnnealingWarmRestarts overwrite it at
 * their next step, as in torch.
 *
 * Momentum cycling (OneCycleLR, CyclicLR with cycle_momentum, the default) writes Adam-style optimizers' β₁ and
 * SGD/RMSprop's momentum, torch 2.13's rule; an optimizer with neither (Adagrad, Adadelta) needs
 * `cycle_momentum: false`.
 */
export { nativeMath, type AnyScheduleDef, type Group, type ScheduleDef, type ScheduleMath, type ScheduleState } from "./types.js";
export { resolveScheduleOptions } from "./validate.js";
export { createScheduler, lrAt, scheduleValues, type ScheduledOptimizer, type Scheduler, type ScheduleValues } from "./scheduler.js";
export { steplr, type StepLROptions } from "./steplr.js";
export { multisteplr, type MultiStepLROptions } from "./multisteplr.js";
export { exponentiallr, type ExponentialLROptions } from "./exponentiallr.js";
export { cosineannealinglr, type CosineAnnealingLROptions } from "./cosineannealinglr.js";
export { cosineannealingwarmrestarts, type CosineAnnealingWarmRestartsOptions } from "./cosineannealingwarmrestarts.js";
export { onecyclelr, type OneCycleLROptions } from "./onecyclelr.js";
export { cycliclr, type CyclicLROptions } from "./cycliclr.js";
export { polynomiallr, type PolynomialLROptions } from "./polynomiallr.js";
export { linearlr, type LinearLROptions } from "./linearlr.js";
export { recipeSchedule, recipeOrError, decayShapes, type DecayShape, type Recipe } from "./recipe.js";
export { comparedSchedules, exampleSchedules } from "./examples.js";
export { sequentiallr, sequenceable, type ScheduleSpec, type SequentialLROptions } from "./sequentiallr.js";

import { cosineannealinglr } from "./cosineannealinglr.js";
import { cosineannealingwarmrestarts } from "./cosineannealingwarmrestarts.js";
import { cycliclr } from "./cycliclr.js";
import { exponentiallr } from "./exponentiallr.js";
import { linearlr } from "./linearlr.js";
import { multisteplr } from "./multisteplr.js";
import { onecyclelr } from "./onecyclelr.js";
import { polynomiallr } from "./polynomiallr.js";
import { sequentiallr } from "./sequentiallr.js";
import { steplr } from "./steplr.js";
import { exampleSchedules } from "./examples.js";
import { scheduleValues } from "./scheduler.js";
import type { AnyScheduleDef } from "./types.js";

/** Every schedule by machine name (torch's class name, lower-cased). */
export const schedules = {
  steplr,
  multisteplr,
  exponentiallr,
  cosineannealinglr,
  cosineannealingwarmrestarts,
  onecyclelr,
  cycliclr,
  polynomiallr,
  linearlr,
  sequentiallr,
} as const;
export type ScheduleName = keyof typeof schedules;

/**
 * The gallery's rows: each example schedule's rate before every step of a `steps`-step run from `lr` (momentum 0.9,
 * which OneCycleLR and CyclicLR cycle), one row per schedule and step.
 */
export function galleryRows(steps: number, lr: number): { schedule: string; step: number; lr: number }[] {
  return exampleSchedules(steps, lr).flatMap((g) =>
    scheduleValues(schedules[g.spec.name as ScheduleName] as AnyScheduleDef, g.spec.options, { lr, momentum: 0.9 }, steps).lrs.map((rate, i) => ({ schedule: g.label, step: i + 1, lr: rate })),
  );
}
