/**
 * The worker side of running experiments: receives `start` / `cancel` messages, runs the named experiment,
 * and posts its snapshots back. It talks to anything with `postMessage` and a message event — the worker's
 * global scope, or one end of a MessageChannel when a browser cannot start a worker (then it runs on the
 * main thread, in the slices the experiments already yield in) — so both paths run exactly this code.
 *
 * Protocol (page → host):
 *   {type: "init", backend, wasmPaths}   start tfjs (once); answered by {type: "engine", engine}
 *   {type: "start", id, name, spec}      run experiment `name`; a newer start does not cancel older ones
 *   {type: "cancel", id}                 abort run `id`; answered by {type: "end", id} once it has stopped
 *   {type: "memory"}                     answered by {type: "memory", numTensors, numBytes}
 *   {type: "pause" | "play" | "step", id}  the reader's run controls (RunControl in types.ts); answered by
 *                                        {type: "control", id, paused}
 *   {type: "set", id, lane, options}     an option change from the next step on (lane "*": every lane)
 * host → page:
 *   {type: "snapshot", id, snapshot}     lanes carry only the points added since the last message for this
 *                                        run, with `from`, the index of the first of them (client.ts merges)
 *   {type: "end", id, error?}            the run finished, was cancelled, or threw (error = its message)
 *
 * Snapshots are posted at most every `throttleMs` (the first and the last always), so a fast experiment
 * cannot flood the page with messages; the page draws at most once per frame anyway.
 */
import type { Experiment, Lane, OptionChange, RunControl, Snapshot } from "./types.js";
import { decode } from "./wire.js";
import { nextMacrotask } from "../train/loop.js";

export interface Port {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** A lane on the wire: its fields, and its points from index `from` on. */
export type WireLane = Lane & { from: number };
export type WireSnapshot = Omit<Snapshot, "lanes"> & { lanes: WireLane[] };

export interface HostOptions {
  /** Starts tfjs; its result is posted as {type: "engine"}. */
  init?: (message: { backend?: string | null; wasmPaths?: Record<string, string>; storage?: Record<string, string> }) => Promise<unknown>;
  /** Reads tfjs's memory counters, for the page's leak checks. */
  memory?: () => { numTensors: number; numBytes: number };
  throttleMs?: number;
  now?: () => number;
}

type Registry = Readonly<Record<string, Experiment<any, any, any>>>;

/** Only the points a page does not have yet: lanes whose points were replaced (fewer than sent) go whole. */
export function diffSnapshot(snapshot: Snapshot, sent: number[]): WireSnapshot {
  const lanes = snapshot.lanes.map((lane, i) => {
    const from = lane.points.length >= (sent[i] ?? 0) ? (sent[i] ?? 0) : 0;
    sent[i] = lane.points.length;
    return { ...lane, points: lane.points.slice(from), from };
  });
  sent.length = lanes.length;
  return { ...snapshot, lanes };
}

/**
 * Longest stretch, in ms, a run may compute without letting the worker's event loop take a message: a
 * synchronous step loop (minimize) awaiting only resolved promises would otherwise never see "pause" or
 * "cancel" until it ended.
 */
const TURN_MS = 8;

/** A run's controls: paused or playing, steps granted while paused, option changes not yet taken. */
export class Controls implements RunControl {
  paused = false;
  private lastTurn = 0;
  private granted = 0;
  private pending: OptionChange[] = [];
  private wake: (() => void) | null = null;
  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", () => this.release());
  }
  async turn(): Promise<void> {
    if (performance.now() - this.lastTurn > TURN_MS) {
      await nextMacrotask(); // let pause / play / step / set / cancel messages in
      this.lastTurn = performance.now();
    }
  }
  next(): Promise<void> {
    if (!this.paused || this.signal.aborted) return Promise.resolve();
    if (this.granted > 0) {
      this.granted--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (this.wake = resolve)).then(() => this.next());
  }
  changes(): OptionChange[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
  pause(): void {
    this.paused = true;
  }
  play(): void {
    this.paused = false;
    this.release();
  }
  step(): void {
    this.paused = true;
    this.granted++;
    this.release();
  }
  set(change: OptionChange): void {
    this.pending.push(change);
  }
  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

export function serve(port: Port, experiments: Registry, options: HostOptions = {}): void {
  const { throttleMs = 30, now = () => performance.now() } = options;
  const runs = new Map<number, AbortController>();
  const controls = new Map<number, Controls>();
  let ready: Promise<unknown> = Promise.resolve();

  async function run(id: number, name: string, spec: unknown): Promise<void> {
    const controller = new AbortController();
    const control = new Controls(controller.signal);
    runs.set(id, controller);
    controls.set(id, control);
    const sent: number[] = [];
    let last = -Infinity;
    let pending: Snapshot | null = null;
    const flush = () => {
      if (pending) port.postMessage({ type: "snapshot", id, snapshot: diffSnapshot(pending, sent) });
      pending = null;
      last = now();
    };
    try {
      await ready;
      const experiment = experiments[name];
      if (!experiment) throw new Error(`Unknown experiment "${name}" (known: ${Object.keys(experiments).join(", ")})`);
      for await (const snapshot of experiment(decode(spec), { signal: controller.signal, control })) {
        if (controller.signal.aborted) break;
        pending = snapshot;
        if (snapshot.done || control.paused || now() - last >= throttleMs) {
          flush();
          await nextMacrotask(); // a cancel that arrived meanwhile is seen before the next step
        }
      }
      if (!controller.signal.aborted) flush();
      port.postMessage({ type: "end", id });
    } catch (error) {
      port.postMessage({ type: "end", id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      runs.delete(id);
      controls.delete(id);
    }
  }

  port.addEventListener("message", (event: MessageEvent) => {
    const m = event.data as {
      type: string;
      id: number;
      name: string;
      spec: unknown;
      backend?: string | null;
      wasmPaths?: Record<string, string>;
      storage?: Record<string, string>;
      lane?: string;
      options?: Record<string, unknown>;
    };
    if (m.type === "init") {
      ready = (options.init ? options.init(m) : Promise.resolve({})).then(
        (engine) => port.postMessage({ type: "engine", engine }),
        (error) => port.postMessage({ type: "engine", engine: null, error: error instanceof Error ? error.message : String(error) }),
      );
    } else if (m.type === "start") {
      void run(m.id, m.name, m.spec);
    } else if (m.type === "cancel") {
      const controller = runs.get(m.id);
      if (controller) controller.abort();
      else port.postMessage({ type: "end", id: m.id });
    } else if (m.type === "pause" || m.type === "play" || m.type === "step") {
      const c = controls.get(m.id);
      c?.[m.type]();
      port.postMessage({ type: "control", id: m.id, paused: c?.paused ?? false });
    } else if (m.type === "set") {
      controls.get(m.id)?.set({ lane: m.lane ?? "*", options: m.options ?? {} });
    } else if (m.type === "memory") {
      port.postMessage({ type: "memory", ...(options.memory?.() ?? { numTensors: NaN, numBytes: NaN }), runs: runs.size });
    }
  });
}
