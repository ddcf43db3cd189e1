// @ts-check
// Two loss curves side by side every k steps, with their relative difference (the Adam page's comparison).
import * as Inputs from "@observablehq/inputs";

/**
 * @param {{step: number, ours: number, theirs: number, rel: number}[]} rows
 * @param {{ours: string, theirs: string}} labels the two columns' headers
 */
export function lossTable(rows, labels) {
  return Inputs.table(rows, {
    columns: ["step", "ours", "theirs", "rel"],
    header: {step: "step", ours: labels.ours, theirs: labels.theirs, rel: "relative difference"},
    format: {ours: (/** @type {number} */ v) => v.toExponential(4), theirs: (/** @type {number} */ v) => v.toExponential(4), rel: (/** @type {number} */ v) => v.toExponential(1)},
    select: false
  });
}
