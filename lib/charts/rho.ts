/**
 * RAdam's ρₜ over steps, with the threshold ρ = 5 and the first rectified step marked: left of the mark RAdam
 * takes plain momentum steps, right of it Adam's step times rₜ.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface RhoChartOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  /** The first step with ρₜ > 5. */
  rectifiedFrom: number;
}

export function rhoChart(data: readonly { step: number; rho: number }[], { rectifiedFrom, width = 640, ...rest }: RhoChartOptions) {
  return Plot.plot({
    width,
    height: 220,
    grid: true,
    x: { label: "step t", type: "log" },
    y: { label: "ρₜ (log scale)", type: "log", ...valueAxis },
    color: { legend: true, domain: ["momentum only", "adaptive"] },
    ...rest,
    marks: [
      Plot.ruleY([5], { stroke: "var(--theme-red, crimson)", strokeDasharray: "4,3" }),
      Plot.ruleX([rectifiedFrom], { stroke: "var(--theme-red, crimson)" }),
      Plot.text([rectifiedFrom], { x: (d: number) => d, frameAnchor: "top", dx: 4, textAnchor: "start", text: (d: number) => `t = ${d}: rectified from here` }),
      Plot.lineY(data, { x: "step", y: "rho" }),
      Plot.dot(data.filter((d) => d.step <= rectifiedFrom + 3), { x: "step", y: "rho", r: 2.5, fill: (d: { rho: number }) => (d.rho > 5 ? "adaptive" : "momentum only") }),
      Plot.tip(data, Plot.pointerX({ x: "step", y: "rho", title: (d: { step: number; rho: number }) => `t = ${d.step}\nρₜ = ${d.rho.toFixed(3)}` })),
      ...(rest.marks ?? []),
    ],
  });
}
