/**
 * How a lane ends, decided in one place for every experiment: a `DivergedError` (lib/train/diverged.ts, "diverged
 * at step k (loss = NaN)") makes it "diverged", any other error thrown while setting it up (an optimizer's own
 * validation message, "Invalid learning rate: -1 (lr)") makes it "invalid".
 */
import { DivergedError } from "../train/diverged.js";
import type { Lane, Point } from "./types.js";

export function failedLane<L extends Lane<any>>(lane: L, error: unknown): L {
  if (error instanceof DivergedError) return { ...lane, status: "diverged", error: error.message, divergedAt: error.step };
  return { ...lane, status: "invalid", error: error instanceof Error ? error.message : String(error) };
}

export function lane<P extends Point>(key: string, label: string, points: P[] = []): Lane<P> {
  return { key, label, status: "running", error: null, points };
}

export const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** Every lane's points as rows, each tagged with its lane's label under `field` (a chart's series channel). */
export function laneRows<P extends Point>(lanes: readonly Lane<P>[], field = "optimizer"): (P & Record<string, string | number>)[] {
  return lanes.flatMap((l) => l.points.map((p) => ({ ...p, [field]: l.label })));
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
