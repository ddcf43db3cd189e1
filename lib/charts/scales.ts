/**
 * The per-weight scale an optimizer divides its step by, over steps: one colour per weight, one dash per
 * optimizer (solid: Adam's √v̂, dashed: Adamax's u). Log y: the scales span decades.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export type ScaleRow = { step: number; weight: number; value: number; kind: string };

export function scalesChart(data: readonly ScaleRow[], { width = 640, ...rest }: Omit<Plot.PlotOptions, "x" | "y"> = {}) {
  const rows = data.filter((d) => d.value > 0).map((d) => ({ ...d, series: `weight ${d.weight}` }));
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label: "step" },
    y: { type: "log", label: "scale of the step's denominator", ...valueAxis },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.lineY(rows.filter((d) => d.kind !== "u"), { x: "step", y: "value", stroke: "series" }),
      Plot.lineY(rows.filter((d) => d.kind === "u"), { x: "step", y: "value", stroke: "series", strokeDasharray: "5,3" }),
      Plot.tip(rows, Plot.pointer({ x: "step", y: "value", stroke: "series", title: (d: ScaleRow & { series: string }) => `${d.series}, step ${d.step}\n${d.kind === "u" ? "Adamax u" : "Adam √v̂"} = ${d.value.toExponential(3)}` })),
      ...(rest.marks ?? []),
    ],
  });
}
