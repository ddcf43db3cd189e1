/**
 * How far one optimizer step moves the weights: per run, the median |Δθ| over all weights (solid) and the 90th
 * percentile (dashed), on a log axis. Rows: {run, step, stepMedian, stepP90}; runs are coloured as elsewhere
 * on the page when `labels` gives the colour domain.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface StepSizeOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  labels?: string[];
  /** Divide by the step's learning rate: |Δθ|/η, the step in units of the rate. */
  perRate?: boolean;
}

export function stepSizeChart(rows: readonly { run: string; step: number; lr: number; stepMedian: number; stepP90: number }[], { width = 640, labels, perRate = false, ...rest }: StepSizeOptions = {}) {
  const long = rows.flatMap((r) => [
    { run: r.run, step: r.step, which: "median", size: perRate ? r.stepMedian / r.lr : r.stepMedian },
    { run: r.run, step: r.step, which: "90th percentile", size: perRate ? r.stepP90 / r.lr : r.stepP90 },
  ]).filter((d) => d.size > 0);
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label: "step" },
    y: { type: "log", label: perRate ? "|Δθ| / η" : "|Δθ| per weight", ...valueAxis },
    color: { legend: true, ...(labels && { domain: labels }) },
    ...rest,
    marks: [
      Plot.lineY(long.filter((d) => d.which === "median"), { x: "step", y: "size", stroke: "run" }),
      Plot.lineY(long.filter((d) => d.which !== "median"), { x: "step", y: "size", stroke: "run", strokeDasharray: "4,3" }),
      Plot.tip(long, Plot.pointerX({ x: "step", y: "size", stroke: "run", title: (d) => `${d.run}, ${d.which}: ${valueAxis.tickFormat(d.size)} at step ${d.step}` })),
      ...(rest.marks ?? []),
    ],
  });
}
