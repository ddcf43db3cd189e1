/**
 * Timings against problem size, one line per method, log time axis (the Newton page's "speed of the Hessian").
 * `rows`: {label, n, ms, runs, bytes}. Extra options pass straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface TimingRow {
  label: string;
  n: number;
  /** Median of `runs`, ms. */
  ms: number;
  runs: readonly number[];
  bytes: number;
}

export interface TimingsOptions extends Plot.PlotOptions {
  xLabel?: string;
  yLabel?: string;
  xMax?: number;
}

export function timings(rows: readonly TimingRow[], { xLabel = "parameters n", yLabel = "time to form the full Hessian, ms", xMax = 660, width = 640, ...rest }: TimingsOptions = {}) {
  return Plot.plot({
    width,
    height: 300,
    grid: true,
    x: { label: xLabel, domain: [0, xMax] },
    y: { type: "log", label: yLabel, ...valueAxis },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.line(rows, { x: "n", y: "ms", stroke: "label", marker: "dot" }),
      Plot.tip(rows, Plot.pointer({ x: "n", y: "ms", stroke: "label", title: (d) => `${d.label}\nn = ${d.n}\n${d.ms.toFixed(1)} ms (runs: ${d.runs.map((t: number) => t.toFixed(0)).join(", ")})\n${(d.bytes / 1e6).toFixed(2)} MB` })),
      ...(rest.marks ?? []),
    ],
  });
}
