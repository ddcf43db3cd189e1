/**
 * m̂/√v̂ against the gradient's signal-to-noise ratio r = μ/σ: one dot per simulated stream, and the limit
 * r/√(1 + r²) as a line over r ∈ [−4, 4].
 */
import * as Plot from "@observablehq/plot";
import { snrLimit, type SnrPoint } from "../optimizers/moments.js";

export function snrChart(sweep: readonly SnrPoint[], { width = 640, ...rest }: Plot.PlotOptions = {}) {
  const theory = Array.from({ length: 161 }, (_, i) => {
    const r = -4 + i * 0.05;
    return { snr: r, ratio: snrLimit(r) };
  });
  return Plot.plot({
    width,
    height: 300,
    grid: true,
    x: { label: "signal-to-noise ratio r = μ/σ" },
    y: { label: "m̂ₜ / (√v̂ₜ + ε)", domain: [-1.3, 1.3] },
    ...rest,
    marks: [
      Plot.dot(sweep, { x: "snr", y: "ratio", r: 1.5, fill: "steelblue", fillOpacity: 0.3 }),
      Plot.line(theory, { x: "snr", y: "ratio", stroke: "orangered", strokeWidth: 2 }),
      Plot.ruleY([-1, 0, 1], { stroke: "#888", strokeDasharray: "2,3" }),
      ...(rest.marks ?? []),
    ],
  });
}
