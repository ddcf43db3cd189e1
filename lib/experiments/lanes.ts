/**
 * How a lane ends, decided in one place for every experiment: a `DivergedError` (lib/train/diverged.ts, "diverged
 * at step k (loss = NaN)") makes it "diverged", any other error thrown while setting it up (an optimizer's own
 * validation message, "Invalid learning rate: -1 (lr)") makes it "invalid".
 */
import { DivergedError } from "../train/diverged.js";
import type { Lane, Point } from "./types.js";

export function failedLane<P extends Point>(lane: Lane<P>, error: unknown): Lane<P> {
  if (error instanceof DivergedError) return { ...lane, status: "diverged", error: error.message, divergedAt: error.step };
  return { ...lane, status: "invalid", error: error instanceof Error ? error.message : String(error) };
}

export function lane<P extends Point>(key: string, label: string, points: P[] = []): Lane<P> {
  return { key, label, status: "running", error: null, points };
}

export const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());
