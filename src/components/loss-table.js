// @ts-check
// Two loss curves side by side every k steps, with their relative difference (the Adam page's comparison).
import {numberTable} from "./number-table.js";

/**
 * @param {{step: number, ours: number, theirs: number, rel: number}[]} rows
 * @param {{ours: string, theirs: string}} labels the two columns' headers
 * @returns {HTMLDivElement}
 */
export function lossTable(rows, labels) {
  const exp = (/** @type {number} */ digits) => (/** @type {number} */ v) => v.toExponential(digits);
  return numberTable(rows, {
    columns: ["step", "ours", "theirs", "rel"],
    header: {ours: labels.ours, theirs: labels.theirs, rel: "relative difference"},
    format: {ours: exp(4), theirs: exp(4), rel: exp(1)}
  });
}
