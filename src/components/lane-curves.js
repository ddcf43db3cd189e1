// @ts-check
// A race's loss curves, one line per lane, as the page's main chart, with each lane's error under it.
import {curves} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";

/**
 * @param {{lanes: {label: string, error: string | null, points: Record<string, number>[], totalSteps?: number}[], run: number, done: boolean}} snapshot
 * @param {{x?: string, y?: string, width: number}} options
 * @returns {HTMLElement}
 */
export function laneCurves(snapshot, {x = "step", y = "loss", width}) {
  const rows = snapshot.lanes.flatMap((l) => l.points.map((p) => ({optimizer: l.label, [x]: p[x], [y]: p[y]})));
  const root = document.createElement("div");
  // The status line counts steps per optimizer, as the chart's x-axis does: the snapshot's own step and
  // totalSteps add up every lane's ("step 120/120" under a chart of two 60-step runs).
  const steps = snapshot.lanes.map((l) => l.points.at(-1)?.[x] ?? 0);
  const total = snapshot.lanes[0]?.totalSteps;
  root.append(mainChart(curves(rows, {x, y, z: "optimizer", width}), {run: snapshot.run, done: snapshot.done, step: Math.min(...steps), totalSteps: total}));
  for (const l of snapshot.lanes) if (l.error) root.append(status(`${l.label}: ${l.error}`, {error: true}));
  return root;
}
