/**
 * What a page runs and what it draws, in one shape.
 *
 * An experiment is `(spec, {signal}) → AsyncIterable<Snapshot>`: it takes a plain description of the run (the
 * page's inputs), trains, and yields snapshots — plain, structured-cloneable descriptions of what to draw. The
 * same module runs in the page's Web Worker (lib/experiments/host.ts), on the main thread when no worker can
 * start, and in the Node tests: the code a page runs is the code the tests run.
 *
 * A snapshot is *complete*: every lane carries all of its points so far, so a renderer never needs the
 * previous one. (The worker transport sends only the points added since its last message and the page side
 * puts them back together, client.ts; experiments and renderers never see that.)
 */

/** One row of a lane's series: `step` and whatever the experiment measures there (loss, x, y, accuracy, …). */
export type Point = Record<string, number>;

/**
 * - waiting: not started yet (another lane is training);
 * - running / done;
 * - diverged: stopped at the first non-finite loss or parameter, `error` says "diverged at step k (…)";
 * - invalid: could not start, `error` is the optimizer's own message ("Invalid learning rate: -1 (lr)");
 * - stopped: the run was cancelled before this lane finished.
 */
export type LaneStatus = "waiting" | "running" | "done" | "diverged" | "invalid" | "stopped";

/** One contestant of an experiment: a series of points, a status, and what the page shows of its state. */
export interface Lane<P extends Point = Point> {
  key: string;
  label: string;
  status: LaneStatus;
  /** Why the lane stopped early (diverged / invalid), in words a reader can act on; null otherwise. */
  error: string | null;
  /** With status "diverged": the step k whose loss or parameters stopped being finite (not drawn). */
  divergedAt?: number;
  points: P[];
  /** Optimizer state or other per-lane values a page visualises (buffers as plain arrays), if any. */
  state?: Record<string, number | number[]>;
  /** Option changes made during the run, in order. */
  changes?: LaneChange[];
}

export interface Snapshot<P extends Point = Point, M = unknown> {
  lanes: Lane<P>[];
  /** Steps taken so far over all lanes, and in all when finished (for a progress line). */
  step: number;
  totalSteps: number;
  /** Every lane has finished (done, diverged, invalid). The last snapshot of a run has done = true. */
  done: boolean;
  /** Wall time of the run so far, ms. */
  elapsedMs: number;
  /** Anything else the experiment reports that is not per lane (a table, a start point, timings). */
  meta?: M;
}

export interface RunContext {
  /** Aborted when the page cancels the run (an input changed, the page was left); stop at the next step. */
  signal: AbortSignal;
  /** The reader's play / pause / step buttons and mid-run option changes; absent: run freely. */
  control?: RunControl;
}

/** An option change the reader made during a run, for one lane (by key) or for every lane ("*"). */
export interface OptionChange {
  lane: string;
  options: Record<string, unknown>;
}

/**
 * What an experiment consults between two steps: `next()` resolves at once while the run plays; while it is
 * paused, when the reader presses play or asks for one step. `changes()` hands over (once) the option
 * changes made since it was last called; the experiment applies them from its next step, as assigning to
 * torch's param_groups does (the optimizer runners' `setOptions` keeps every state buffer), and records the
 * step in the lane's `changes`.
 */
export interface RunControl {
  /** Paused by the reader: an experiment reports a snapshot before it waits, so the page shows where it is. */
  readonly paused: boolean;
  /** Let the host take messages (pause, play, step, option changes, cancel) if the run has computed for a while. */
  turn(): Promise<void>;
  next(): Promise<void>;
  changes(): OptionChange[];
}

/** Where a lane's options changed mid-run: from step `step` on (the first step that used them). */
export interface LaneChange {
  step: number;
  options: Record<string, unknown>;
  /** The optimizer's message when it refused the change (the run went on with the old options). */
  error?: string;
}

export type Experiment<S = unknown, P extends Point = Point, M = unknown> = (spec: S, context: RunContext) => AsyncIterable<Snapshot<P, M>>;

/** Across the worker boundary an OptimizerChoice's `def` travels as its name (wire.ts). */
export type { OptimizerChoice } from "../optimizers/choice.js";
