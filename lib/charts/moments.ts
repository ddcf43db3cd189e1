/**
 * Adam's moment estimates over a stream of noisy gradients, corrected and not, against the true moments:
 * one panel for the first moment (with the gradients as dots) and one for the second.
 */
import * as Plot from "@observablehq/plot";
import type { MomentRow } from "../optimizers/moments.js";

export interface MomentChartOptions extends Plot.PlotOptions {
  /** The stream's true mean μ and standard deviation σ: E[g] = μ, E[g²] = μ² + σ². */
  mean: number;
  std: number;
}

export function momentChart(moments: readonly MomentRow[], { mean, std, width = 640, ...rest }: MomentChartOptions) {
  const long = moments.flatMap((d) => [
    { step: d.step, moment: "first: m", kind: "uncorrected mₜ", value: d.m },
    { step: d.step, moment: "first: m", kind: "corrected m̂ₜ", value: d.mHat },
    { step: d.step, moment: "second: v", kind: "uncorrected vₜ", value: d.v },
    { step: d.step, moment: "second: v", kind: "corrected v̂ₜ", value: d.vHat },
  ]);
  const truth = [
    { moment: "first: m", value: mean },
    { moment: "second: v", value: mean * mean + std * std },
  ];
  return Plot.plot({
    width,
    height: 300,
    grid: true,
    fx: { label: null },
    x: { label: "step t" },
    y: { label: "estimate" },
    color: { legend: true, domain: ["uncorrected mₜ", "corrected m̂ₜ", "uncorrected vₜ", "corrected v̂ₜ", "true value"], range: ["#9ecae1", "steelblue", "#fdae6b", "orangered", "black"] },
    ...rest,
    marks: [
      Plot.ruleY(truth, { fx: "moment", y: "value", stroke: () => "true value", strokeDasharray: "4,3" }),
      Plot.dot(moments, { fx: () => "first: m", x: "step", y: "g", r: 1.5, fill: "#ccc" }),
      Plot.lineY(long, { fx: "moment", x: "step", y: "value", stroke: "kind" }),
      Plot.ruleY([0]),
      ...(rest.marks ?? []),
    ],
  });
}
