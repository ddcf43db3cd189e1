/**
 * Every schedule of lib/schedules with options that show its shape over a run of `steps` steps, as the
 * torch call a reader would write: for the gallery of the page "Learning-rate schedules".
 */
import { recipeSchedule } from "./recipe.js";
import type { ScheduleSpec } from "./sequentiallr.js";

export function exampleSchedules(steps: number, lr: number): { label: string; call: string; spec: ScheduleSpec }[] {
  const q = Math.round(steps / 4);
  return [
    { label: "StepLR", call: `StepLR(opt, step_size=${q}, gamma=0.5)`, spec: { name: "steplr", options: { step_size: q, gamma: 0.5 } } },
    { label: "MultiStepLR", call: `MultiStepLR(opt, milestones=[${2 * q}, ${3 * q}], gamma=0.1)`, spec: { name: "multisteplr", options: { milestones: [2 * q, 3 * q], gamma: 0.1 } } },
    { label: "ExponentialLR", call: `ExponentialLR(opt, gamma=0.98)`, spec: { name: "exponentiallr", options: { gamma: 0.98 } } },
    { label: "PolynomialLR", call: `PolynomialLR(opt, total_iters=${steps}, power=2)`, spec: { name: "polynomiallr", options: { total_iters: steps, power: 2 } } },
    { label: "LinearLR", call: `LinearLR(opt, start_factor=0.1, total_iters=${q})`, spec: { name: "linearlr", options: { start_factor: 0.1, total_iters: q } } },
    { label: "CosineAnnealingLR", call: `CosineAnnealingLR(opt, T_max=${steps})`, spec: { name: "cosineannealinglr", options: { T_max: steps } } },
    { label: "CosineAnnealingWarmRestarts", call: `CosineAnnealingWarmRestarts(opt, T_0=${q})`, spec: { name: "cosineannealingwarmrestarts", options: { T_0: q } } },
    { label: "CyclicLR", call: `CyclicLR(opt, base_lr=${lr / 10}, max_lr=${lr}, step_size_up=${Math.round(q / 2)})`, spec: { name: "cycliclr", options: { base_lr: lr / 10, max_lr: lr, step_size_up: Math.round(q / 2) } } },
    { label: "OneCycleLR", call: `OneCycleLR(opt, max_lr=${lr}, total_steps=${steps})`, spec: { name: "onecyclelr", options: { max_lr: lr, total_steps: steps } } },
    {
      label: "SequentialLR",
      call: `SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=${q}), CosineAnnealingLR(opt, T_max=${steps - q})], milestones=[${q}])`,
      spec: { name: "sequentiallr", options: { schedulers: [{ name: "linearlr", options: { start_factor: 0.1, total_iters: q } }, { name: "cosineannealinglr", options: { T_max: steps - q } }], milestones: [q] } },
    },
  ];
}

/**
 * The four rates the page compares on two problems: constant, StepLR halving every quarter of the run, a cosine
 * to 0, and a warm-up over the first tenth followed by a cosine (null: no schedule).
 */
export function comparedSchedules(steps: number, peak: number): { key: string; label: string; schedule: ScheduleSpec | null }[] {
  return [
    { key: "constant", label: "constant", schedule: null },
    { key: "step", label: "StepLR", schedule: { name: "steplr", options: { step_size: Math.round(steps / 4), gamma: 0.5 } } },
    { key: "cosine", label: "CosineAnnealingLR", schedule: { name: "cosineannealinglr", options: { T_max: steps } } },
    { key: "warm", label: "warm-up + cosine", schedule: recipeSchedule({ steps, warmup: Math.round(steps / 10), shape: "cosine", floor: 0, lr: peak }) },
  ];
}
