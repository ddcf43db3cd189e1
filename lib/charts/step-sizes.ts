/**
 * Adam's per-weight step sizes lr/(√v̂ + ε) as a histogram (log₁₀), with the learning rate marked. Takes the
 * bins the worker computed (lib/charts/bins.ts) and lets Plot's binX re-bin them on the same thresholds, so
 * the bars, their insets and the axes are exactly those of binning the raw values.
 */
import * as Plot from "@observablehq/plot";
import type { Histogram } from "./bins.js";

export interface StepSizeChartOptions extends Plot.PlotOptions {
  /** The learning rate: a dashed rule at log₁₀ lr. */
  lr: number;
}

export function stepSizeHistogram({ thresholds, bins }: Histogram, { lr, width = 640, ...rest }: StepSizeChartOptions) {
  const at = Math.log10(lr);
  // Each bin's middle falls in its own bin, so summing the counts on the same thresholds rebuilds it.
  const rebin = { x: "mid", y: "count", thresholds, fill: "steelblue" } as Plot.BinXInputs<Plot.RectYOptions>;
  return Plot.plot({
    width,
    height: 220,
    grid: true,
    marginLeft: 60,
    x: { label: "log₁₀ effective step size lr/(√v̂ + ε)" },
    y: { label: "weights" },
    ...rest,
    marks: [
      Plot.rectY(bins, Plot.binX({ y: "sum" }, rebin)),
      Plot.ruleX([at], { stroke: "orangered", strokeDasharray: "4,3" }),
      Plot.text([at], { x: (d: number) => d, frameAnchor: "top", text: () => "lr", dx: 10, fill: "orangered" }),
      ...(rest.marks ?? []),
    ],
  });
}
