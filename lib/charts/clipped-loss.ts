/**
 * Loss curves on a log axis clipped at `ceiling`, for runs that may blow up (the Newton page's gradient
 * descent past its stability limit): a diverging run shows as a line leaving the top of the chart. `rows`:
 * {step, loss, [z]}; non-positive losses are left out (a log axis cannot place them). Extra options pass
 * straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface ClippedLossOptions extends Plot.PlotOptions {
  /** Series field (default "function"). */
  z?: string;
  /** Top of the y-axis (default 1e4). */
  ceiling?: number;
  /** x-axis end (default: the data's). */
  xMax?: number;
  yLabel?: string;
}

export function clippedLoss(rows: readonly { step: number; loss: number }[], { z = "function", ceiling = 1e4, xMax, yLabel = "loss (log scale; clipped at 10⁴)", width = 640, ...rest }: ClippedLossOptions = {}) {
  const positive = rows.filter((d) => d.loss > 0);
  const low = Math.min(...positive.map((d) => d.loss), 1) / 1.5;
  return Plot.plot({
    width,
    height: 280,
    grid: true,
    x: { label: "step", ...(xMax !== undefined && { domain: [0, xMax] }) },
    y: { type: "log", label: yLabel, domain: [low, ceiling], ...valueAxis },
    color: { legend: true },
    clip: true,
    ...rest,
    marks: [
      Plot.line(positive, { x: "step", y: "loss", stroke: z }),
      Plot.tip(positive, Plot.pointerX({ x: "step", y: "loss", stroke: z })),
      ...(rest.marks ?? []),
    ],
  });
}
