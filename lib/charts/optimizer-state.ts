/**
 * An optimizer's state buffers over a 2-D run (momentum buffer, sums of squares, moments), one small chart per
 * buffer: their scales differ by orders of magnitude (Adam's v ≈ 100 where m ≈ 1), so a shared axis would
 * flatten all but the largest. In each, the x coordinate is solid and the y coordinate dashed.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export type StateRow = { step: number; slot: string; coordinate: "x" | "y"; value: number };

/** A surface run's points (with `${slot}.x`, `${slot}.y` fields) as rows: one series per slot and coordinate. */
export function stateRows(points: readonly Record<string, number>[], slots: readonly string[]): StateRow[] {
  return slots.flatMap((slot) =>
    points.slice(1).flatMap((p) => [
      { step: p.step, slot, coordinate: "x" as const, value: p[`${slot}.x`] },
      { step: p.step, slot, coordinate: "y" as const, value: p[`${slot}.y`] },
    ]),
  );
}

export interface StateChartOptions {
  width?: number;
  /** Height of each buffer's chart. */
  height?: number;
  /** Steps to mark with a dashed rule (option changes). */
  marks?: readonly number[];
}

/** One chart per slot, stacked, each titled with the slot's name and its colour. */
export function optimizerStateCharts(rows: readonly StateRow[], { width = 460, height = 120, marks = [] }: StateChartOptions = {}): HTMLElement {
  const root = document.createElement("div");
  root.className = "descent-state-charts";
  const slots = [...new Set(rows.map((r) => r.slot))];
  for (const slot of slots) {
    const mine = rows.filter((r) => r.slot === slot);
    root.append(
      Plot.plot({
        width,
        height,
        grid: true,
        marginLeft: 56,
        y: { label: `${slot} (x solid, y dashed)`, ...valueAxis },
        x: { label: "step" },
        marks: [
          Plot.ruleY([0], { stroke: "#ccc" }),
          Plot.lineY(mine.filter((r) => r.coordinate === "x"), { x: "step", y: "value", stroke: "steelblue" }),
          Plot.lineY(mine.filter((r) => r.coordinate === "y"), { x: "step", y: "value", stroke: "steelblue", strokeDasharray: "4,3" }),
          Plot.ruleX(marks, { stroke: "black", strokeDasharray: "3,3" }),
        ],
      }),
    );
  }
  return root;
}
