/**
 * Singular values of a matrix, largest first, one line per stage (0 Newton–Schulz iterations = the normalised
 * update, then after 1, 2, … iterations). Log y: before the iteration they span decades, after it they crowd
 * into a band near 1.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export type SingularValuePoint = { iterations: number; index: number; sigma: number };

export function singularValuesChart(data: readonly SingularValuePoint[], { width = 640, ...rest }: Omit<Plot.PlotOptions, "x" | "y"> = {}) {
  const rows = data.filter((d) => d.sigma > 0).map((d) => ({ ...d, stage: d.iterations === 0 ? "before (U/‖U‖)" : `after ${d.iterations}` }));
  return Plot.plot({
    width,
    height: 280,
    grid: true,
    x: { label: "singular value, largest first (index)" },
    y: { type: "log", label: "σᵢ", ...valueAxis },
    color: { type: "ordinal", scheme: "viridis", legend: true, domain: [...new Set(rows.map((d) => d.stage))] },
    ...rest,
    marks: [
      Plot.ruleY([1], { strokeDasharray: "3,3" }),
      Plot.lineY(rows, { x: "index", y: "sigma", stroke: "stage" }),
      Plot.tip(rows, Plot.pointer({ x: "index", y: "sigma", stroke: "stage", title: (d: SingularValuePoint & { stage: string }) => `${d.stage}\nσ${d.index + 1} = ${d.sigma.toExponential(3)}` })),
      ...(rest.marks ?? []),
    ],
  });
}
