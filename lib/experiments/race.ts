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
    error: t.error ?? (t.divergedAt !== null ? `diverged at step ${t.divergedAt}` : null),
    ...(t.divergedAt !== null ? { divergedAt: t.divergedAt } : {}),
    points: Array.from({ length: t.points }, (_, j) => ({ step: j, x: t.xs[j], y: t.ys[j], loss: t.losses[j] })),
  }));
  const taken = lanes.reduce((n, l) => n + Math.max(0, l.points.length - 1), 0);
  return { lanes, step: taken, totalSteps: spec.steps * lanes.length, done: true, elapsedMs: result.ms, meta: { start: result.start, ms: result.ms } };
}

export const surfaceRace: Experiment<RaceSpec, RacePoint> = async function* (spec) {
  yield raceSnapshot(spec);
};
