/**
 * The optimizers page's single run: one optimizer from a surface's start, with the state it keeps (momentum
 * buffer, sums of squares, moment estimates) recorded at every step. Runs lib's `minimize` on the tfjs
 * engine with the surface's tf objective — the same loop and rule as the page's listings.
 *
 * Points: {step, x, y, loss} and, for each state slot s, `s.x` and `s.y` (the slot's two coordinates).
 * The lane's `state` holds the last step's slots as [x, y] and θ as `theta`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { createOptimizer } from "../optimizers/optimizer.js";
import { minimize } from "../train/minimize.js";
import { variable } from "../train/parameters.js";
import { surfaces } from "../surfaces.js";
import { applyChanges, between, failedLane, lane, now } from "./lanes.js";
import type { Experiment, LaneChange, OptimizerChoice, Snapshot } from "./types.js";

export interface SurfaceRunSpec {
  surface: string;
  choice: OptimizerChoice;
  steps: number;
  /** Steps between snapshots. Default 50. */
  every?: number;
}

export type SurfaceRunSnapshot = Snapshot<Record<string, number>, { slots: string[] }>;

export const surfaceRun: Experiment<SurfaceRunSpec, Record<string, number>, { slots: string[] }> = async function* ({ surface: key, choice, steps, every = 50 }, { signal, control }) {
  const surface = surfaces.find((s) => s.key === key);
  if (!surface) throw new Error(`Unknown surface "${key}"`);
  const t0 = now();
  const [x0, y0] = surface.start;
  let run = { ...lane<Record<string, number>>(choice.key, choice.label, [{ step: 0, x: x0, y: y0, loss: surface.value(x0, y0) }]), changes: [] as LaneChange[] };
  let slots: string[] = [];
  const snapshot = (done: boolean): SurfaceRunSnapshot => ({ lanes: [run], step: run.points.length - 1, totalSteps: steps, done, elapsedMs: now() - t0, meta: { slots } });
  const θ = variable(surface.start, [2]);
  let optimizer: ReturnType<typeof createOptimizer> | null = null;
  try {
    optimizer = createOptimizer(choice.def, choice.options);
    for (const s of minimize({ params: [θ], loss: () => surface.f(θ as tf.Tensor1D), optimizer, steps, signal })) {
      const [x, y] = s.params[0];
      const point: Record<string, number> = { step: s.step, x, y, loss: surface.value(x, y) };
      const state: Record<string, number[]> = { theta: [x, y] };
      const entries = Object.entries(optimizer.state[0].slots as Record<string, tf.Tensor>);
      slots = entries.map(([slot]) => slot);
      for (const [slot, tensor] of entries) {
        const [a, b] = tensor.dataSync();
        point[`${slot}.x`] = a;
        point[`${slot}.y`] = b;
        state[slot] = [a, b];
      }
      run.points.push(point);
      run.state = state;
      if (s.step % every === 0 && s.step < steps) yield snapshot(false);
      yield* between(control, () => snapshot(false));
      applyChanges(control, [{ key: run.key, optimizer, changes: run.changes, nextStep: s.step + 1 }]);
    }
    run = { ...run, status: signal.aborted ? "stopped" : "done" };
  } catch (error) {
    run = failedLane(run, error);
  } finally {
    optimizer?.dispose();
    θ.dispose();
  }
  yield snapshot(true);
};
