/**
 * Where each coordinate of an iterate sits, iteration by iteration (the Newton page: sin xᵢ of Σ sin xᵢ, −1 at
 * a minimum of that coordinate, +1 at a maximum). `rows`: {iteration, coordinate, value}. Extra options pass
 * straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";

export interface CoordinatePathsOptions extends Omit<Plot.PlotOptions, "y"> {
  /** The y field and its axis label. */
  y?: string;
  yLabel?: string;
  /** Reference lines (default the ±1 bounds of a sine). */
  rules?: number[];
  yDomain?: [number, number];
}

export function coordinatePaths(rows: readonly { iteration: number; coordinate: string }[], { y = "value", yLabel = y, rules = [-1, 1], yDomain = [-1.05, 1.05], width = 640, ...rest }: CoordinatePathsOptions = {}) {
  const last = Math.max(1, ...rows.map((d) => d.iteration));
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label: "iteration", domain: [0, last] },
    y: { label: yLabel, domain: yDomain },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.ruleY(rules, { stroke: "#bbb" }),
      Plot.line(rows, { x: "iteration", y, stroke: "coordinate", marker: "dot" }),
      Plot.tip(rows, Plot.pointer({ x: "iteration", y, stroke: "coordinate" })),
      ...(rest.marks ?? []),
    ],
  });
}
