/**
 * SGD's first steps on f(x) = x², drawn on the parabola itself. The view is wide enough for the start and the
 * first few iterates; a diverging run's later iterates would leave it, so the path is drawn only as far as it
 * stays in view (the step chart beside it shows where it went).
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface ParabolaChartOptions {
  width?: number;
  height?: number;
  /** How many iterates to draw (default 30: after that they sit on top of each other or far outside). */
  shown?: number;
}

/** Half-width of the view: the start, the first 8 finite iterates, and at least 1. */
export function parabolaDomain(points: readonly { x: number }[], start: number): number {
  return Math.max(Math.abs(start), ...points.slice(0, 8).map((d) => Math.abs(d.x)).filter(Number.isFinite), 1);
}

/** The iterates up to the first that leaves [−r, r]. */
export function inView<P extends { x: number }>(points: readonly P[], r: number): P[] {
  const out = points.findIndex((d) => !(Math.abs(d.x) <= r));
  return points.slice(0, out < 0 ? points.length : out);
}

export function parabolaChart(points: readonly { x: number; y: number }[], start: number, { width = 460, height = 240, shown = 30 }: ParabolaChartOptions = {}) {
  const r = parabolaDomain(points, start);
  const curve = Array.from({ length: 201 }, (_, i) => -r + (i * r) / 100);
  return Plot.plot({
    width,
    height,
    grid: true,
    x: { label: "x", domain: [-r, r], ...valueAxis },
    y: { label: "f(x) = x²", domain: [0, r * r], ...valueAxis },
    marks: [
      Plot.line(curve, { x: (d: number) => d, y: (d: number) => d * d, stroke: "#aaa" }),
      Plot.line(inView(points.slice(0, shown), r), { x: "x", y: "y", stroke: "steelblue", marker: "dot", curve: "linear" }),
    ],
  });
}
