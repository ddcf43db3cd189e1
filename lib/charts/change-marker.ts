/**
 * Marks for a chart of a run whose options changed between steps: a dashed vertical rule at each change, with a
 * note ("lr → 0.001") at the top. Spread into `marks` of any step-indexed chart (curves, lossChart).
 */
import * as Plot from "@observablehq/plot";

export function changeMarks(changes: readonly { step: number; note: string }[]) {
  return [
    Plot.ruleX(changes, { x: "step", stroke: "#555", strokeDasharray: "5,4" }),
    Plot.text(changes, { x: "step", text: "note", frameAnchor: "top", dx: 4, dy: 4, textAnchor: "start", fontSize: 11 }),
  ];
}
