/**
 * The landing page's race as an experiment: every optimizer choice from one start point on one 2-D surface
 * (lib/race.ts does the stepping on the Float32 engine). A race of a few thousand steps takes milliseconds,
 * so it is reported once, whole; the page animates the paths it receives.
 */
import { createRace, type RaceChange } from "../race.js";
import { surfaces, type Surface } from "../surfaces.js";
import { surfaceContours, type SurfaceContours } from "../surface-contours.js";
import type { Experiment, Lane, OptimizerChoice, Point, Snapshot } from "./types.js";

export interface RaceSpec {
  /** A key of lib/surfaces.ts (rosenbrock, beale, saddle, ill-conditioned). */
  surface: string;
  start: readonly [number, number];
  steps: number;
  choices: readonly OptimizerChoice[];
  /**
   * Option changes from a given step on (the reader moved a rate while the race replayed): each applies, through
   * the optimizer's setOptions, before that step is taken, keeping every buffer, as assigning to torch's
   * `param_groups` between steps does. The race is computed whole in milliseconds, so a change mid-replay is
   * the race run again with the change at its step: the path before it is the same, bit for bit.
   */
  changes?: readonly RaceChange[];
}

/** One point per step of a path: θ = (x, y) and f(θ); step 0 is the start. */
export type RacePoint = { step: number; x: number; y: number; loss: number };

export type RaceSnapshot = Snapshot<RacePoint, { start: [number, number]; ms: number }>;

function findSurface(key: string): Surface {
  const surface = surfaces.find((s) => s.key === key);
  if (!surface) throw new Error(`Unknown surface "${key}" (known: ${surfaces.map((s) => s.key).join(", ")})`);
  return surface;
}

export function raceSnapshot(spec: RaceSpec): RaceSnapshot {
  const surface = findSurface(spec.surface);
  const result = createRace(surface, spec.choices).run(spec.start, spec.steps, spec.changes);
  const lanes: Lane<RacePoint>[] = result.tracks.map((t) => ({
    key: t.key,
    label: t.label,
    status: t.error !== null ? "invalid" : t.divergedAt !== null ? "diverged" : "done",
    error: t.error ?? t.diverged,
    ...(t.divergedAt !== null ? { divergedAt: t.divergedAt } : {}),
    ...(t.changes.length > 0 ? { changes: t.changes } : {}),
    points: Array.from({ length: t.points }, (_, j) => ({ step: j, x: t.xs[j], y: t.ys[j], loss: t.losses[j] })),
  }));
  const taken = lanes.reduce((n, l) => n + Math.max(0, l.points.length - 1), 0);
  return { lanes, step: taken, totalSteps: spec.steps * lanes.length, done: true, elapsedMs: result.ms, meta: { start: result.start, ms: result.ms } };
}

export const surfaceRace: Experiment<RaceSpec, RacePoint> = async function* (spec) {
  yield raceSnapshot(spec);
};

/** Each surface's contours, traced once per worker (they depend on the surface alone). */
const traced = new Map<string, SurfaceContours>();

/**
 * A surface's filled contours (lib/surface-contours.ts) for the race chart to draw under the paths: traced here,
 * off the page's thread, and sent once; the page keeps them per surface too.
 */
export const raceContours: Experiment<{ surface: string }, Point, SurfaceContours> = async function* ({ surface: key }) {
  const t0 = performance.now();
  let contours = traced.get(key);
  if (!contours) traced.set(key, (contours = surfaceContours(findSurface(key))));
  yield { lanes: [], step: 0, totalSteps: 0, done: true, elapsedMs: performance.now() - t0, meta: contours };
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
