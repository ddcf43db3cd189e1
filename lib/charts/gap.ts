/**
 * Distance to the best loss any method reached, L(θ) − L*, for several methods on a log scale, against
 * iterations or compute time; one dot per iterate (second-order methods take few, each one counts).
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export type GapLane = { label: string; points: readonly { step: number; loss: number; ms: number; gradients: number }[] };

export interface GapChartOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  /** L*, the lowest loss reached. */
  best: number;
  /** "step" (iterations) or "ms" (compute time). */
  x?: "step" | "ms";
  /** Gaps below this are drawn at it (float32 loss resolution). */
  floor?: number;
}

export function gapChart(lanes: readonly GapLane[], { best, x = "step", floor = 1e-7, width = 640, ...rest }: GapChartOptions) {
  const rows = lanes.flatMap((l) => l.points.map((p) => ({ method: l.label, ...p, gap: Math.max(p.loss - best, floor), ms: Math.max(p.ms, 0.1) })));
  const label = x === "ms" ? "time (ms, log)" : "iteration"; // short: the long one ran into the last tick
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label, type: x === "ms" ? "log" : "linear" },
    y: { type: "log", label: `L(θ) − L* (floored at ${floor})`, ...valueAxis },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.lineY(rows, { x, y: "gap", stroke: "method" }),
      Plot.dot(rows, { x, y: "gap", fill: "method", r: 2 }),
      Plot.tip(rows, Plot.pointer({ x, y: "gap", stroke: "method", title: (d: (typeof rows)[number]) => `${d.method}, iteration ${d.step}\nloss ${d.loss.toFixed(6)}\n${d.gradients} gradients / HVPs\n${d.ms.toFixed(0)} ms` })),
      ...(rest.marks ?? []),
    ],
  });
}
