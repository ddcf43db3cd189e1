/**
 * Curves over steps (loss, a parameter, a metric), one line per series. Charts take data and
 * `{width, ...options}` and return an SVG; extra options pass straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis, valueMargin } from "./ticks.js";

export interface CurvesOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  /** Channel names (fields of each row). */
  x?: string;
  y?: string;
  /** Series key: one line and one colour per value. */
  z?: string;
  logY?: boolean;
  /** Draw a dot at every row (for short, discrete sequences). */
  dots?: boolean;
}

export function curves(data: readonly object[], { x = "step", y = "loss", z, logY = false, dots = false, width = 640, ...rest }: CurvesOptions = {}) {
  const channels = { x, y, ...(z && { stroke: z }) };
  const height = rest.height ?? 260;
  return Plot.plot({
    width,
    height,
    grid: true,
    marginLeft: valueMargin(data.map((d) => Number((d as Record<string, unknown>)[y])), { log: logY, height }),
    y: { type: logY ? "log" : "linear", label: y, ...valueAxis },
    x: { label: x },
    ...(z && { color: { legend: true } }),
    ...rest,
    marks: [
      Plot.lineY(data, channels),
      ...(dots ? [Plot.dot(data, { ...channels, r: 2.5, fill: z ?? "currentColor" })] : []),
      Plot.tip(data, Plot.pointerX(channels)),
      ...(rest.marks ?? []),
    ],
  });
}
