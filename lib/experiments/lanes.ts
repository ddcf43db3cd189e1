/**
 * Lanes, built in one place for every experiment. How a lane ends: a `DivergedError` (lib/train/diverged.ts,
 * "diverged at step k (loss = NaN)") makes it "diverged", any other error thrown while setting it up (an
 * optimizer's own validation message, "Invalid learning rate: -1 (lr)") makes it "invalid". A classifier race's
 * lanes (lib/train/race.ts) become experiment lanes here too (raceLane, and the MNIST pages' trainingLane).
 */
import { DivergedError } from "../train/diverged.js";
import type { AccumulateMode } from "../train/accumulate.js";
import type { Lane as RaceLane, RaceSnapshot } from "../train/race.js";
import type { ClassifierChoice } from "./choices.js";
import type { ClassifierPoint } from "./classifier-race.js";
import type { Lane, LaneChange, Point, RunControl } from "./types.js";

export function failedLane<L extends Lane<any>>(lane: L, error: unknown): L {
  if (error instanceof DivergedError) return { ...lane, status: "diverged", error: error.message, divergedAt: error.step };
  return { ...lane, status: "invalid", error: error instanceof Error ? error.message : String(error) };
}

export function lane<P extends Point>(key: string, label: string, points: P[] = []): Lane<P> {
  return { key, label, status: "running", error: null, points };
}

/** A trainingRace lane (lib/train/race.ts) as an experiment lane: its error as words, where it diverged, its points and timings. */
export function raceLane(l: RaceLane) {
  const stopped = l.status === "diverged" || l.status === "invalid";
  return {
    key: l.key,
    label: l.label,
    status: l.status,
    error: stopped ? (l.error?.message ?? l.status) : null,
    ...(l.error instanceof DivergedError ? { divergedAt: l.error.step } : {}),
    points: l.points,
    totalSteps: l.totalSteps,
    elapsedMs: l.elapsedMs,
  };
}

/** What a lane ran, as plain data (exports, the PyTorch program): the optimizer's name and options, and its accumulation. */
export interface PlainChoice {
  optimizer: string;
  options: Record<string, unknown>;
  accumulation?: number;
  accumulate?: AccumulateMode;
}

export function plainChoice({ def, options, accumulation, accumulate }: ClassifierChoice): PlainChoice {
  return { optimizer: def.name, options, ...(accumulation !== undefined && { accumulation }), ...(accumulate !== undefined && { accumulate }) };
}

/** A lane of the MNIST pages' races: its steps, its training and evaluation time, and what it ran. */
export interface TrainingLane<P extends Point> extends Lane<P> {
  step: number;
  totalSteps: number;
  /** Training time of this lane, ms (not time waiting for its turn). */
  elapsedMs: number;
  evalMs: number;
  spec: PlainChoice;
}

/** A race's lane while its data still download: nothing run yet. */
export function waitingLane<P extends Point>(c: ClassifierChoice): TrainingLane<P> {
  return { key: c.key, label: c.label, status: "waiting", error: null, points: [], step: 0, totalSteps: 0, elapsedMs: 0, evalMs: 0, spec: plainChoice(c) };
}

/** A race's lane as trainingRace reports it, one point per step, with the reader's option changes so far. */
export function trainingLane(l: RaceLane): TrainingLane<ClassifierPoint> {
  return { ...raceLane(l), changes: [...l.changes], step: l.step, evalMs: l.evalMs, spec: plainChoice(l.spec) };
}

/** A trainingRace snapshot's progress as an experiment snapshot's: steps taken and planned over all lanes, done, wall time. */
export function raceProgress(s: RaceSnapshot): { step: number; totalSteps: number; done: boolean; elapsedMs: number } {
  return { step: s.lanes.reduce((n, l) => n + l.step, 0), totalSteps: s.lanes.reduce((n, l) => n + l.totalSteps, 0), done: s.done, elapsedMs: s.wallMs };
}

export const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** The option changes a lane took (those its optimizer refused are left out), as an export replays them. */
export function acceptedChanges(lane: { changes?: readonly LaneChange[] }): { step: number; options: Record<string, unknown> }[] {
  return (lane.changes ?? []).filter((c) => !c.error).map(({ step, options }) => ({ step, options }));
}

/**
 * Apply the reader's pending option changes to the lanes' optimizers, each from its next step (`nextStep`),
 * recording each in the lane (with the optimizer's message when it refuses one: the run keeps its old options).
 */
export function applyChanges(
  control: RunControl | undefined,
  lanes: readonly { key: string; optimizer: { setOptions(o: Record<string, unknown>): void } | null; changes: LaneChange[]; nextStep: number }[],
): void {
  for (const change of control?.changes() ?? []) {
    for (const l of lanes) {
      if (change.lane !== "*" && change.lane !== l.key) continue;
      if (!l.optimizer) continue;
      try {
        l.optimizer.setOptions(change.options);
        l.changes.push({ step: l.nextStep, options: change.options });
      } catch (error) {
        l.changes.push({ step: l.nextStep, options: change.options, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

/**
 * What a run does between two steps: let the reader's messages in, and if they paused it, report where it
 * is (`snapshot()`) before waiting for play or step. Use as `yield* between(control, () => snapshot(false))`.
 */
export async function* between<S>(control: RunControl | undefined, snapshot: () => S): AsyncGenerator<S, void, undefined> {
  if (!control) return;
  await control.turn();
  if (control.paused) yield snapshot();
  await control.next();
}

/** Every lane's points as rows, each tagged with its lane's label under `field` (a chart's series channel). */
export function laneRows<P extends Point, F extends string = "optimizer">(lanes: readonly Lane<P>[], field = "optimizer" as F): (P & Record<string, string | number> & Record<F, string>)[] {
  return lanes.flatMap((l) => l.points.map((p) => ({ ...p, [field]: l.label }) as P & Record<string, string | number> & Record<F, string>));
}

/**
 * Whether to report now: true on the first call, then at most every `ms`. A page redraws on every report it
 * receives, and on a long page a redraw costs more than a step, so experiments that step quickly report less
 * often than they step (as lib/train/race.ts's `reportEveryMs`). The last snapshot is always reported.
 */
export function reportEvery(ms = 200): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < ms) return false;
    last = t;
    return true;
  };
}
