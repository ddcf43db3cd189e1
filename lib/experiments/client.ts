/**
 * The page side of running experiments (host.ts is the other side). One connection per page:
 *
 * ```js
 * const lab = connect(() => new Worker(url, {type: "module"}), {backend, wasmPaths, fallback: () => serveHere()});
 * const engine = await lab.engine;            // what the worker trains on: backend, adapter, why
 * for await (const snapshot of lab.run("race", spec)) draw(snapshot);   // return() cancels the run
 * ```
 *
 * `run` is an async generator, which is what a Framework cell consumes: the runtime pulls the next snapshot
 * once per animation frame and calls `return()` when an input changes or the page is left — which posts
 * `cancel`, so the worker stops training and frees the run's tensors. Between two pulls, however many
 * messages arrive are merged into one complete snapshot: the page draws only the latest.
 */
import type { Lane, Snapshot } from "./types.js";
import type { Port, WireSnapshot } from "./host.js";
import { encode } from "./wire.js";

export interface WorkerLike extends Port {
  terminate?(): void;
  addEventListener(type: "message" | "error", listener: (event: any) => void): void;
}

export interface ConnectOptions {
  backend?: string | null;
  wasmPaths?: Record<string, string>;
  /** localStorage entries the worker may read (it has no localStorage of its own): the backend calibration cache. */
  storage?: Record<string, string>;
  /**
   * Runs the host on this thread and returns its port, for browsers that cannot start a module worker (or
   * whose worker fails to load). The engine info then says `thread: "main"`.
   */
  fallback?: () => Port;
  /** How long the worker may take to answer `init` before the fallback is used, ms. Default 20 s. */
  timeoutMs?: number;
}

export interface Connection {
  /** The worker's engine info (lib/engine/backend.ts EngineInfo), plus `thread`: "worker" or "main". */
  readonly engine: Promise<Record<string, unknown> & { thread: "worker" | "main" }>;
  /**
   * The run's snapshots, each with `run`: this run's number on the page (a new number for every start). `signal`
   * cancels it even while the generator waits for the worker: return() cannot, it waits behind a pending next(),
   * and a run queued in the worker may send nothing for minutes (each one kept its page's charts alive).
   */
  run<S extends Snapshot = Snapshot>(name: string, spec: unknown, options?: { signal?: AbortSignal }): AsyncGenerator<S & { run: number }, void, undefined>;
  /** Pause, play or take one step of run `run` (a snapshot's `run`); resolves to whether it is now paused. */
  control(run: number, action: "pause" | "play" | "step"): Promise<boolean>;
  /** Change options of run `run` from its next step on, for lane `lane` ("*": every lane). */
  set(run: number, lane: string, options: Record<string, unknown>): void;
  /** tfjs memory counters where training runs, and how many runs are live there. */
  memory(): Promise<{ numTensors: number; numBytes: number; runs: number }>;
  /** How many runs this page has open (started, not ended): for tests. */
  readonly open: number;
}

/** Put a wire snapshot's new points onto the lanes already received. */
export function mergeSnapshot(previous: Snapshot | null, wire: WireSnapshot): Snapshot {
  const lanes: Lane[] = wire.lanes.map(({ from, ...lane }, i) => {
    const before = previous?.lanes[i];
    const points = from === 0 || !before ? lane.points : before.points.slice(0, from).concat(lane.points);
    return { ...lane, points };
  });
  return { ...wire, lanes };
}

export function connect(createWorker: () => WorkerLike, options: ConnectOptions = {}): Connection {
  const listeners = new Map<number, (m: any) => void>();
  const memoryWaiters: ((m: any) => void)[] = [];
  const controlWaiters = new Map<number, ((paused: boolean) => void)[]>();
  let nextId = 1;
  let open = 0;
  let port!: Port;
  let thread: "worker" | "main" = "worker";

  const onMessage = (event: MessageEvent) => {
    const m = event.data;
    if (m?.type === "memory") memoryWaiters.shift()?.(m);
    else if (m?.type === "control") controlWaiters.get(m.id)?.shift()?.(m.paused);
    else if (typeof m?.id === "number") listeners.get(m.id)?.(m);
  };

  const engine = new Promise<Record<string, unknown> & { thread: "worker" | "main" }>((resolve, reject) => {
    const init = { type: "init", backend: options.backend ?? null, wasmPaths: options.wasmPaths, storage: options.storage };
    const attach = (p: Port, which: "worker" | "main", onEngine: (m: any) => void) => {
      port = p;
      thread = which;
      p.addEventListener("message", (event: MessageEvent) => {
        if (event.data?.type === "engine") onEngine(event.data);
        else onMessage(event);
      });
      p.postMessage(init);
    };
    const settle = (m: any) => (m.engine ? resolve({ ...m.engine, thread }) : reject(new Error(`The training engine could not start: ${m.error}`)));
    const useFallback = (why: string) => {
      if (!options.fallback) return reject(new Error(`No worker (${why}) and no fallback`));
      attach(options.fallback(), "main", (m) => settle(m.engine ? { ...m, engine: { ...m.engine, notice: [m.engine.notice, `Training on the main thread: ${why}.`].filter(Boolean).join(" ") } } : m));
    };
    let worker: WorkerLike;
    try {
      worker = createWorker();
    } catch (error) {
      return useFallback(`this browser could not start a worker (${(error as Error).message})`);
    }
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      answered = true;
      worker.terminate?.();
      useFallback("the worker did not answer");
    }, options.timeoutMs ?? 20000);
    worker.addEventListener("error", (event: ErrorEvent) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      worker.terminate?.();
      useFallback(`the worker failed to load${event?.message ? `: ${event.message}` : ""}`);
    });
    attach(worker, "worker", (m) => {
      answered = true;
      clearTimeout(timer);
      settle(m);
    });
  });

  async function* run<S extends Snapshot>(name: string, spec: unknown, { signal }: { signal?: AbortSignal } = {}): AsyncGenerator<S & { run: number }, void, undefined> {
    const id = nextId++;
    const encoded = encode(spec); // throws here, in the page, for a spec that cannot travel
    let latest: Snapshot | null = null;
    let fresh = false;
    let ended: { error?: string } | null = null;
    let wake: (() => void) | null = null;
    listeners.set(id, (m) => {
      if (m.type === "snapshot") {
        latest = mergeSnapshot(latest, m.snapshot);
        fresh = true;
      } else if (m.type === "end") {
        ended = m;
      }
      wake?.();
    });
    open++;
    let finished = false;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      await engine;
      if (signal?.aborted) return;
      port.postMessage({ type: "start", id, name, spec: encoded });
      while (true) {
        if (!fresh && !ended && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (signal?.aborted) return; // the finally cancels it in the worker
        if (fresh) {
          fresh = false;
          yield { ...(latest as unknown as S), run: id };
          continue;
        }
        if (ended) {
          finished = true;
          const error = (ended as { error?: string }).error;
          if (error) throw new Error(error);
          return;
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!finished) {
        // Cancelled by the page (return() from the runtime, or its signal): tell the host, and wait for nothing.
        port?.postMessage({ type: "cancel", id });
        const listener = listeners.get(id);
        listeners.set(id, (m) => {
          listener?.(m);
          if (m.type === "end") listeners.delete(id);
        });
      } else {
        listeners.delete(id);
      }
      open--;
    }
  }

  return {
    engine,
    run,
    async memory() {
      await engine;
      return new Promise((resolve) => {
        memoryWaiters.push(resolve);
        port.postMessage({ type: "memory" });
      });
    },
    async control(run, action) {
      await engine;
      return new Promise((resolve) => {
        if (!listeners.has(run)) return resolve(false); // the run has ended: nothing to control
        controlWaiters.set(run, [...(controlWaiters.get(run) ?? []), resolve]);
        port.postMessage({ type: action, id: run });
      });
    },
    set(run, lane, options) {
      port?.postMessage({ type: "set", id: run, lane, options });
    },
    get open() {
      return open;
    },
  };
}

/**
 * The last snapshot of a run, once it has finished: for a one-shot computation a page only shows when done
 * (`(await finalSnapshot(run("digits-spectrum", spec))).meta`). Throws the run's error.
 */
export async function finalSnapshot<S>(snapshots: AsyncIterable<S>): Promise<S> {
  let last: S | undefined;
  for await (const s of snapshots) last = s;
  if (last === undefined) throw new Error("The run ended without a snapshot");
  return last;
}
