/**
 * How far each method's loss is above the best any of them reached, L(θ) − L*, on a log axis, against
 * iterations or computation time (the Newton page's race). `rows`: {method, iteration, loss, ms}; the
 * methods whose names start with `dotted` also get a dot per iterate (their iterations are few). Extra
 * options pass straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface GapRow {
  method: string;
  iteration: number;
  loss: number;
  ms: number;
}

export interface OptimalityGapOptions extends Omit<Plot.PlotOptions, "x"> {
  /** "step" (iterations, 0 drawn at ½) or "time" (ms, at least 0.1). */
  x?: "step" | "time";
  xLabel?: string;
  /** L*: default the lowest loss in `rows`. */
  best?: number;
  /** Gaps below this are drawn at it (default 1e-7). */
  floor?: number;
  dotted?: string;
}

export function optimalityGap(rows: readonly GapRow[], { x = "step", xLabel = x, best, floor = 1e-7, dotted = "Newton", width = 520, ...rest }: OptimalityGapOptions = {}) {
  const lStar = best ?? Math.min(...rows.map((d) => d.loss));
  const data = rows.map((d) => ({ ...d, gap: Math.max(d.loss - lStar, floor), time: Math.max(d.ms, 0.1), step: Math.max(d.iteration, 0.5) }));
  return Plot.plot({
    width,
    height: 280,
    grid: true,
    x: { type: "log", label: xLabel },
    y: { type: "log", label: `L(θ) − L* (floored at 10⁻⁷)`, ...valueAxis },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.line(data, { x, y: "gap", stroke: "method" }),
      Plot.dot(data.filter((d) => d.method.startsWith(dotted)), { x, y: "gap", fill: "method", r: 2.5 }),
      Plot.tip(data, Plot.pointer({ x, y: "gap", stroke: "method", title: (d) => `${d.method}\niteration ${d.iteration}\nloss ${d.loss.toFixed(6)}\n${d.ms.toFixed(0)} ms` })),
      ...(rest.marks ?? []),
    ],
  });
}
