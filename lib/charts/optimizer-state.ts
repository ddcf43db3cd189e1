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

/** One buffer's chart: its x coordinate solid, its y coordinate dashed, `marks` as dashed rules. */
export function stateChart(rows: readonly StateRow[], slot: string, { width = 460, height = 120, marks = [] }: StateChartOptions = {}): SVGSVGElement | HTMLElement {
  const mine = rows.filter((r) => r.slot === slot);
  return Plot.plot({
    width,
    height,
    grid: true,
    marginLeft: 56,
    // Plot's default of one tick per 35 px gives a 120 px chart two, often only "0": three keep the scale readable.
    y: { label: `${slot} (x solid, y dashed)`, ticks: 3, ...valueAxis },
    x: { label: "step" },
    marks: [
      Plot.ruleY([0], { stroke: "#ccc" }),
      Plot.lineY(mine.filter((r) => r.coordinate === "x"), { x: "step", y: "value", stroke: "steelblue" }),
      Plot.lineY(mine.filter((r) => r.coordinate === "y"), { x: "step", y: "value", stroke: "steelblue", strokeDasharray: "4,3" }),
      Plot.ruleX(marks, { stroke: "black", strokeDasharray: "3,3" }),
    ],
  });
}
