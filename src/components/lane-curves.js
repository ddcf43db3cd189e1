// @ts-check
// A race's loss curves, one line per lane, as the page's main chart, with each lane's error under it.
import {curves} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";

/**
 * @param {{lanes: {label: string, error: string | null, points: Record<string, number>[]}[], run: number, done: boolean}} snapshot
 * @param {{x?: string, y?: string, width: number}} options
 * @returns {HTMLElement}
 */
export function laneCurves(snapshot, {x = "step", y = "loss", width}) {
  const rows = snapshot.lanes.flatMap((l) => l.points.map((p) => ({optimizer: l.label, [x]: p[x], [y]: p[y]})));
  const root = document.createElement("div");
  root.append(mainChart(curves(rows, {x, y, z: "optimizer", width}), snapshot));
  for (const l of snapshot.lanes) if (l.error) root.append(status(`${l.label}: ${l.error}`, {error: true}));
  return root;
}
