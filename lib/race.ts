/**
 * The landing page's race: the eight preset optimizers (optimizers/presets.ts) started from one point of a
 * 2-D surface (surfaces.ts), stepped side by side.
 *
 * Two parameters are too few for tensors to pay off, so the race uses the Float32Array engine
 * (`createFloatOptimizer`) with each surface's float32 gradient (`surface.grad`, bit-equal to tf.grad of `f`). The
 * update rules are the same functions the tfjs engine runs; the unit tests check that the race and
 * `createOptimizer` + `minimize` on the surface's tf `f` (the optimizers page) give the same path bit for bit. Every number the optimizer sees is float32, as in tfjs: the gradient is stored in a Float32Array and
 * the loss is rounded with Math.fround, so a loss past float32's range counts as non-finite here too.
 *
 * Divergence (lib/train/diverged.ts's rule): a run stops at the first step k whose gradient, updated parameters
 * or loss is not finite; its path keeps only the finite points θ₀ … θₖ₋₁, `divergedAt` is k and `diverged`
 * says "diverged at step k (loss = …)" — never a NaN on a chart.
 *
 * ```ts
 * const race = createRace(surface, raceEntries(surface));   // validates options, builds 8 optimizers
 * const result = race.run([-1.5, 2], 500);                   // reuse `race` for every new start point
 * result.tracks[0].xs.subarray(0, result.tracks[0].points);
 * ```
 */
import { createFloatOptimizer, type FloatOptimizer } from "./optimizers/optimizer.js";
import { presets, type Preset } from "./optimizers/presets.js";
import type { OptimizerChoice } from "./optimizers/choice.js";
import type { Surface } from "./surfaces.js";
import { divergedMessage } from "./train/diverged.js";

/**
 * Learning rates that make a race worth watching on each surface, per preset key (the presets' own lr were
 * chosen for neural networks). Chosen by running the race from each surface's start; other settings are the
 * presets' own. For torch's other optimizers (torchPresets) each rate is the best final f after 500 steps,
 * without diverging, of lr ∈ {1e-3, 1e-2, 0.1, 0.5}.
 */
export const raceLearningRates: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  rosenbrock: { sgd: 1e-3, momentum: 1e-3, nesterov: 1e-3, adagrad: 1, adadelta: 1, rmsprop: 1e-2, adam: 0.1, adamw: 0.1, nadam: 0.1, radam: 1e-2, adamax: 0.5, rprop: 0.5, asgd: 1e-3, adafactor: 0.5 },
  "ill-conditioned": { sgd: 0.09, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, adadelta: 1, rmsprop: 0.02, adam: 0.1, adamw: 0.1, nadam: 0.1, radam: 0.1, adamax: 0.1, rprop: 0.1, asgd: 1e-2, adafactor: 0.5 },
  beale: { sgd: 1e-2, momentum: 1e-3, nesterov: 1e-3, adagrad: 0.3, adadelta: 1, rmsprop: 1e-2, adam: 0.1, adamw: 0.1, nadam: 0.1, radam: 1e-2, adamax: 0.5, rprop: 0.5, asgd: 1e-2, adafactor: 1e-2 },
  saddle: { sgd: 1e-2, momentum: 3e-3, nesterov: 3e-3, adagrad: 0.3, adadelta: 1, rmsprop: 1e-2, adam: 0.05, adamw: 0.05, nadam: 0.1, radam: 0.1, adamax: 0.1, rprop: 1e-2, asgd: 1e-2, adafactor: 1e-2 },
};

/** The eight presets with the race's learning rate for `surface` (the preset's own lr for an unknown surface). */
export function raceEntries(surface: Pick<Surface, "key">, from: readonly Preset[] = presets): OptimizerChoice[] {
  const lrs = raceLearningRates[surface.key] ?? {};
  return from.map((p) => ({
    key: p.key,
    label: p.label,
    def: p.def,
    options: lrs[p.key] === undefined ? { ...p.options } : { ...p.options, lr: lrs[p.key] },
  }));
}

/**
 * An option change from step `step` on, for the entry keyed `lane` or for every entry ("*"): applied through the
 * optimizer's setOptions before that step, so every buffer carries over (torch: assigning to `param_groups`).
 */
export interface RaceChange {
  step: number;
  lane: string;
  options: Record<string, unknown>;
}

/** One optimizer's run: points θ₀ … θ_{points−1} in `xs`, `ys`, with f at each in `losses`. */
export interface RaceTrack {
  key: string;
  label: string;
  /** Number of finite points: steps taken + 1 (0 when the run could not start). */
  points: number;
  xs: Float32Array;
  ys: Float32Array;
  losses: Float32Array;
  /** The step k at which values became non-finite, or null. */
  divergedAt: number | null;
  /** "diverged at step k (loss = Infinity)" (divergedMessage), or null. */
  diverged: string | null;
  /** Why the run could not start (an invalid hyperparameter, in the optimizer's words), or null. */
  error: string | null;
  /** The changes this run took, by step, with the optimizer's message where it refused one (and kept its options). */
  changes: { step: number; options: Record<string, unknown>; error?: string }[];
}

export interface RaceResult {
  start: [number, number];
  steps: number;
  tracks: RaceTrack[];
  /** Wall time of the run, in milliseconds. */
  ms: number;
}

export interface Race {
  readonly surface: Surface;
  readonly entries: readonly OptimizerChoice[];
  /**
   * Run every entry `steps` steps from `start`, taking `changes` at their steps. The optimizers are reused
   * (reset, with their entries' options again) between runs.
   */
  run(start: readonly [number, number], steps: number, changes?: readonly RaceChange[]): RaceResult;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Builds one Float32Array optimizer per entry (an entry whose options are invalid gets the error message
 * instead), to be rerun from any start point.
 */
export function createRace(surface: Surface, entries: readonly OptimizerChoice[] = raceEntries(surface)): Race {
  const runners = entries.map((e) => {
    try {
      return { entry: e, optimizer: createFloatOptimizer(e.def, e.options) as FloatOptimizer<object, string, string>, error: null };
    } catch (error) {
      return { entry: e, optimizer: null, error: error instanceof Error ? error.message : String(error) };
    }
  });
  // Parameter and gradient buffers, shared by all runs: the optimizer updates θ in place.
  const θ = new Float32Array(2);
  const g = new Float32Array(2);

  function diverge(track: RaceTrack, t: number, value: number, quantity?: "gradient"): void {
    track.divergedAt = t;
    track.diverged = divergedMessage(t, value, quantity);
  }

  // #region race
  function runOne(optimizer: FloatOptimizer<object, string, string>, track: RaceTrack, steps: number, changes: readonly RaceChange[]): void {
    const { xs, ys, losses } = track;
    θ[0] = xs[0];
    θ[1] = ys[0];
    for (let t = 1; t <= steps; t++) {
      for (const c of changes) {
        if (c.step !== t) continue;
        try {
          optimizer.setOptions(c.options);
          track.changes.push({ step: t, options: c.options });
        } catch (error) {
          track.changes.push({ step: t, options: c.options, error: error instanceof Error ? error.message : String(error) });
        }
      }
      const [gx, gy] = surface.grad(θ[0], θ[1]);
      g[0] = gx; // stored as float32, as tfjs would compute it
      g[1] = gy;
      if (!Number.isFinite(g[0]) || !Number.isFinite(g[1])) return diverge(track, t, Number.isFinite(g[0]) ? g[1] : g[0], "gradient");
      optimizer.step([θ], [g]);
      const loss = Math.fround(surface.value(θ[0], θ[1]));
      if (!Number.isFinite(θ[0]) || !Number.isFinite(θ[1]) || !Number.isFinite(loss)) return diverge(track, t, Number.isFinite(loss) ? NaN : loss);
      xs[t] = θ[0];
      ys[t] = θ[1];
      losses[t] = loss;
      track.points = t + 1;
    }
  }
  // #endregion race

  return {
    surface,
    entries,
    run(start, steps, changes = []) {
      if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`Invalid number of steps: ${steps}`);
      const t0 = now();
      const x0 = Math.fround(start[0]);
      const y0 = Math.fround(start[1]);
      const f0 = Math.fround(surface.value(x0, y0));
      const tracks = runners.map(({ entry, optimizer, error }) => {
        const track: RaceTrack = {
          key: entry.key,
          label: entry.label,
          points: 0,
          xs: new Float32Array(steps + 1),
          ys: new Float32Array(steps + 1),
          losses: new Float32Array(steps + 1),
          divergedAt: null,
          diverged: null,
          error,
          changes: [],
        };
        if (optimizer === null) return track;
        if (!Number.isFinite(x0) || !Number.isFinite(y0) || !Number.isFinite(f0)) {
          diverge(track, 0, f0);
          return track;
        }
        track.xs[0] = x0;
        track.ys[0] = y0;
        track.losses[0] = f0;
        track.points = 1;
        optimizer.reset();
        optimizer.setOptions(entry.options); // back to the entry's own, after a run that took changes
        const mine = changes.filter((c) => c.lane === "*" || c.lane === entry.key);
        runOne(optimizer, track, steps, mine);
        return track;
      });
      return { start: [x0, y0], steps, tracks, ms: now() - t0 };
    },
  };
}

/** A one-off race with the default entries for `surface`. */
export function race(surface: Surface, start: readonly [number, number] = surface.start, steps = 500, entries?: readonly OptimizerChoice[]): RaceResult {
  return createRace(surface, entries).run(start, steps);
}

/** "diverged at step k (loss = …)", "lr: Invalid learning rate…", or the final loss — one line per track for legends. */
export function describeTrack(track: RaceTrack): string {
  if (track.error !== null) return track.error;
  if (track.diverged !== null) return track.diverged;
  const f = track.losses[track.points - 1];
  return `f = ${f === 0 ? "0" : Math.abs(f) < 1e-3 || Math.abs(f) >= 1e4 ? f.toExponential(2) : f.toPrecision(3)}`;
}
