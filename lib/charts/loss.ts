/**
 * Per-batch loss curves of several runs, as the optimizers-lab notebook's `plot_losses`: one line per run, a y-axis maximum to zoom
 * past early spikes (`yMax`, the notebook's `ymax`) and an optional moving average (`smoothing`, its
 * `moving_average(loss, w)`). Points above `yMax` are clipped, not dropped, so a spike shows as a line leaving
 * the chart.
 */
import * as Plot from "@observablehq/plot";
import { smoothRows } from "./smoothing.js";
import { valueAxis } from "./ticks.js";

export interface LossSeries {
  label: string;
  points: readonly { step: number; loss: number; samplesSeen?: number }[];
}

export interface LossChartOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  /** Upper end of the y-axis; undefined or non-finite: fit the data. */
  yMax?: number;
  /** Moving-average window in steps; 1 (default) draws the raw losses. */
  smoothing?: number;
  /** "step" (default) or "samplesSeen". */
  x?: "step" | "samplesSeen";
  /** Fixed x-axis end (e.g. the planned number of steps, so a live curve grows into a fixed frame). */
  xMax?: number;
  /** Colour domain, so every chart of a page gives a run the same colour. */
  labels?: string[];
  /** Show the colour legend (default true). */
  legend?: boolean;
}

export function lossRows(series: readonly LossSeries[], smoothing = 1): { label: string; step: number; loss: number; samplesSeen?: number }[] {
  return series.flatMap((s) => smoothRows(s.points.map((p) => ({ ...p, label: s.label })), smoothing));
}

export function lossChart(series: readonly LossSeries[], { yMax, smoothing = 1, x = "step", xMax, labels, legend = true, width = 640, ...rest }: LossChartOptions = {}) {
  const rows = lossRows(series, smoothing);
  const zoom = yMax !== undefined && Number.isFinite(yMax);
  const channels = { x, y: "loss", stroke: "label" } as const;
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label: x === "step" ? "update step" : "samples seen", ...(xMax !== undefined && { domain: [0, xMax] }) },
    y: { label: smoothing > 1 ? `loss (moving average of ${Math.floor(smoothing)})` : "loss", ...valueAxis, ...(zoom ? { domain: [0, yMax] } : { zero: true }) },
    color: { legend, domain: labels ?? series.map((s) => s.label) },
    ...rest,
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(rows, { ...channels, clip: true }),
      Plot.tip(rows.filter((r) => !zoom || r.loss <= yMax!), Plot.pointerX(channels)),
      ...(rest.marks ?? []),
    ],
  });
}
