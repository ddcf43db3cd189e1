/**
 * A small square matrix as a heat map (the Newton page's Hessians): one cell per entry, rows top to bottom,
 * columns numbered from 1, a diverging colour scale centred on 0, and the values printed in the cells when the
 * matrix is small enough to read. Extra options pass straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { rampMargins } from "./ticks.js";

export interface MatrixHeatmapOptions extends Plot.PlotOptions {
  /** Print each entry in its cell up to this size (default 8). */
  labelsUpTo?: number;
  /** Colour domain (default [-1, 1]). */
  domain?: [number, number];
  label?: string;
}

/** `values`: row-major n×n. */
export function matrixHeatmap(values: ArrayLike<number>, n: number, { labelsUpTo = 8, domain = [-1, 1], label = "Hᵢⱼ", width = 420, ...rest }: MatrixHeatmapOptions = {}) {
  const cells = Array.from(values, (v, k) => ({ i: Math.floor(k / n), j: k % n, v }));
  const size = Math.min(width, 420);
  return Plot.plot({
    width: size,
    height: size * 0.9,
    padding: 0.04,
    x: { axis: "top", label: "column j", tickFormat: (j: number) => `${j + 1}` },
    y: { label: "row i", tickFormat: (i: number) => `${i + 1}` },
    color: { type: "diverging", scheme: "RdBu", domain, legend: true, ...rampMargins, label },
    ...rest,
    marks: [
      Plot.cell(cells, { x: "j", y: "i", fill: "v", tip: true }),
      n <= labelsUpTo ? Plot.text(cells, { x: "j", y: "i", text: (d) => d.v.toFixed(2), fontSize: 11, fill: (d) => (Math.abs(d.v) > 0.5 ? "white" : "black") }) : null,
      ...(rest.marks ?? []),
    ],
  });
}
