/**
 * The usual recipe — a linear warm-up, then a decay of some shape down to a floor — written as torch schedules,
 * so a reader's choice runs as LinearLR, CosineAnnealingLR, StepLR, ExponentialLR and SequentialLR do (and
 * reads as the PyTorch a reader would write). The result is plain data ({name, options}), resolved wherever it
 * runs: `createScheduler(schedules[spec.name], spec.options, optimizer)`.
 *
 * The decay is fitted to the run: over the `steps − warmup` steps after the warm-up it goes from the peak
 * rate (the optimizer's lr) to `floor · peak` exactly at the last step. Step and exponential decays multiply,
 * so they never reach 0: they need a floor above 0.
 */
import type { ScheduleSpec } from "./sequentiallr.js";

export type DecayShape = "constant" | "cosine" | "linear" | "step" | "exponential";
export const decayShapes: readonly DecayShape[] = ["constant", "cosine", "linear", "step", "exponential"];

export interface Recipe {
  /** Steps of the whole run. */
  steps: number;
  /** Steps of linear warm-up from peak/warmup to the peak (0: none). */
  warmup: number;
  shape: DecayShape;
  /** The last step's rate as a fraction of the peak, in [0, 1]. */
  floor: number;
  /** The peak rate (the optimizer's lr): CosineAnnealingLR's η_min is absolute. */
  lr: number;
  /** Drops of a step decay (default 3). */
  drops?: number;
}

// #region recipe
/** The recipe as one schedule spec, or null when it is a constant rate (no schedule at all). */
export function recipeSchedule({ steps, warmup, shape, floor, lr, drops = 3 }: Recipe): ScheduleSpec | null {
  const D = steps - warmup; // steps after the warm-up; the decay's epochs run 0 … D − 1
  if (!(Number.isInteger(steps) && Number.isInteger(warmup) && warmup >= 0 && D >= 2)) {
    throw new Error(`The warm-up (${warmup} steps) must leave at least 2 of the run's ${steps} steps for the decay`);
  }
  if (!(floor >= 0 && floor <= 1)) throw new Error(`The floor must be between 0 and 1 of the peak rate, got ${floor}`);
  if ((shape === "step" || shape === "exponential") && !(floor > 0)) {
    throw new Error(`A ${shape} decay multiplies the rate, so it never reaches 0: choose a floor above 0`);
  }
  const decays: Record<DecayShape, ScheduleSpec | null> = {
    constant: null,
    cosine: { name: "cosineannealinglr", options: { T_max: D - 1, eta_min: floor * lr } },
    linear: { name: "linearlr", options: { start_factor: 1, end_factor: floor, total_iters: D - 1 } },
    step: { name: "steplr", options: { step_size: Math.max(1, Math.floor((D - 1) / drops)), gamma: floor ** (1 / drops) } },
    exponential: { name: "exponentiallr", options: { gamma: floor ** (1 / (D - 1)) } },
  };
  if (!(shape in decays)) throw new Error(`Unknown decay shape "${shape}" (known: ${decayShapes.join(", ")})`);
  const decay = decays[shape];
  if (warmup === 0) return decay;
  const warm: ScheduleSpec = { name: "linearlr", options: { start_factor: 1 / warmup, end_factor: 1, total_iters: warmup } };
  // After the warm-up SequentialLR restarts the decay from the initial rate, the peak.
  return { name: "sequentiallr", options: { schedulers: [warm, decay ?? { name: "linearlr", options: { start_factor: 1, end_factor: 1, total_iters: 1 } }], milestones: [warmup] } };
}
// #endregion recipe

/** The recipe's schedule, or the reason it has none, for a page that shows the reason instead of a run. */
export function recipeOrError(recipe: Recipe): { schedule: ScheduleSpec | null; error: string | null } {
  try {
    return { schedule: recipeSchedule(recipe), error: null };
  } catch (e) {
    return { schedule: null, error: e instanceof Error ? e.message : String(e) };
  }
}
