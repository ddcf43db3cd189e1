/**
 * The landing page's race as an experiment: every optimizer choice from one start point on one 2-D surface
 * (lib/race.ts does the stepping on the Float32 engine). A race of a few thousand steps takes milliseconds,
 * so it is reported once, whole; the page animates the paths it receives.
 */
import { createRace } from "../race.js";
import { surfaces } from "../surfaces.js";
import type { Experiment, Lane, OptimizerChoice, Snapshot } from "./types.js";

export interface RaceSpec {
  /** A key of lib/surfaces.ts (rosenbrock, beale, saddle, ill-conditioned). */
  surface: string;
  start: readonly [number, number];
  steps: number;
  choices: readonly OptimizerChoice[];
}

/** One point per step of a path: θ = (x, y) and f(θ); step 0 is the start. */
export type RacePoint = { step: number; x: number; y: number; loss: number };

export type RaceSnapshot = Snapshot<RacePoint, { start: [number, number]; ms: number }>;

export function raceSnapshot(spec: RaceSpec): RaceSnapshot {
  const surface = surfaces.find((s) => s.key === spec.surface);
  if (!surface) throw new Error(`Unknown surface "${spec.surface}" (known: ${surfaces.map((s) => s.key).join(", ")})`);
  const result = createRace(surface, spec.choices).run(spec.start, spec.steps);
  const lanes: Lane<RacePoint>[] = result.tracks.map((t) => ({
    key: t.key,
    label: t.label,
    status: t.error !== null ? "invalid" : t.divergedAt !== null ? "diverged" : "done",
    error: t.error ?? t.diverged,
    ...(t.divergedAt !== null ? { divergedAt: t.divergedAt } : {}),
    points: Array.from({ length: t.points }, (_, j) => ({ step: j, x: t.xs[j], y: t.ys[j], loss: t.losses[j] })),
  }));
  const taken = lanes.reduce((n, l) => n + Math.max(0, l.points.length - 1), 0);
  return { lanes, step: taken, totalSteps: spec.steps * lanes.length, done: true, elapsedMs: result.ms, meta: { start: result.start, ms: result.ms } };
}

export const surfaceRace: Experiment<RaceSpec, RacePoint> = async function* (spec) {
  yield raceSnapshot(spec);
};

/**
 * What to notice on each surface with the default start, steps and learning rates (checked against the race
 * by tests/unit/experiments.test.ts, so a change to a rate that breaks a sentence fails there).
 */
export const raceNotes: Readonly<Record<string, string>> = {
  rosenbrock:
    "Every path finds the curved valley within a few dozen steps; following its floor to the star at (1, 1) is the hard part. SGD with momentum, Nesterov and Adam get there within 500 steps; plain SGD, Adagrad and Adadelta are still crawling along the floor, and RMSprop stops about half-way.",
  "ill-conditioned":
    "The valley is twenty times steeper across (y) than along (x): a rate small enough not to bounce across it is slow along it. SGD zigzags across the valley and still converges; all but Adadelta reach the minimum to float32's precision, and Adadelta is still far out along x after 500 steps.",
  beale:
    "A flat plateau between steep walls: near the start the gradient is tiny. All eight find their way down to the minimum at (3, 0.5); in 500 steps Adam gets closest, and Adadelta is still on its way.",
  saddle:
    "The start sits just off the ridge y = 0 (y₀ = 0.01), where the gradient across the ridge is tiny and grows only as a path leaves it. All but Adadelta escape to the minimum at (0, √2); drag the start exactly onto the ridge and no optimizer leaves it, since nothing pushes it off.",
};
