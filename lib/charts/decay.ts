/**
 * Weight decay inside Adam (L2 in the gradient) vs AdamW (decoupled): each group's mean weight per step, one
 * panel per optimizer, and AdamW's exact (1 − lr·λ)ᵗ as a dashed line in its panel.
 */
import * as Plot from "@observablehq/plot";
import type { DecayRow } from "../optimizers/moments.js";
import { thin } from "./thin.js";

export interface DecayChartOptions extends Plot.PlotOptions {
  lr: number;
  weightDecay: number;
  steps: number;
}

export function decayChart(rows: readonly DecayRow[], { lr, weightDecay, steps, width = 640, ...rest }: DecayChartOptions) {
  const exact = Array.from({ length: 101 }, (_, i) => {
    const step = Math.round((i * steps) / 100);
    return { step, mean: (1 - lr * weightDecay) ** step };
  });
  // Each line thinned to 300 points: the live chart redraws while 3,000 steps arrive, and 12,000 rows made each
  // redraw a 60–140 ms task.
  const lines = new Map<string, DecayRow[]>();
  for (const r of rows) {
    const key = `${r.optimizer}\u0000${r.group}`;
    const line = lines.get(key);
    if (line) line.push(r);
    else lines.set(key, [r]);
  }
  const drawn = [...lines.values()].flatMap((line) => thin(line, 300));
  return Plot.plot({
    width,
    height: 300,
    grid: true,
    // A gap between the panels: at a phone's width the left panel's last tick ("1,000") ran into the right one's "0".
    fx: { label: null, padding: 0.12 },
    x: { label: "step", ticks: width < 560 ? 2 : 5 },
    y: { label: "mean weight" },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.line(exact, { x: "step", y: "mean", stroke: "#aaa", strokeDasharray: "4,3", fx: () => "AdamW (decoupled)" }),
      Plot.lineY(drawn, { fx: "optimizer", x: "step", y: "mean", stroke: "group" }),
      Plot.ruleY([0]),
      ...(rest.marks ?? []),
    ],
  });
}
