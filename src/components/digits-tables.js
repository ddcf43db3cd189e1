// @ts-check
// The digits page's tables: runs (optimizer, settings, test accuracy, losses, time), cross-validation, and the
// stale-optimizer replay. Rows come from lib/experiments/digits.ts (digitsRows, crossValidationRows, staleRows).
import {numberTable} from "./number-table.js";

/** @type {Record<string, (v: any) => string>} */
export const fmt = {
  accuracy: (v) => (v == null ? "…" : v.toFixed(4)),
  loss: (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v)),
  testLoss: (v) => (v == null ? "…" : v.toFixed(3)),
  ms: (v) => `${v.toFixed(0)} ms`,
  lr: (v) => v.toExponential(0),
  scale: (v) => (v >= 1 ? `× ${+v.toPrecision(4)}` : `× 1/${+(1 / v).toPrecision(4)}`),
  gradScale: (v) => `× ${v}`
};

/**
 * @param {object[]} rows
 * @param {string[]} columns
 * @param {{header?: Record<string, string>, format?: Record<string, (v: any, row: any) => string>}} [extra]
 */
export function resultTable(rows, columns, extra = {}) {
  return numberTable(/** @type {Record<string, any>[]} */ (rows), {
    columns,
    header: {label: "optimizer", lr: "lr", scale: "inputs", standardize: "standardised", gradScale: "loss",
      accuracy: "test accuracy", loss: "final loss", testLoss: "test loss", ms: "time", torch: "PyTorch", ...extra.header},
    format: {...fmt, standardize: (/** @type {boolean} */ v) => (v ? "yes" : "no"), ...extra.format},
    text: ["label", "lr"]
  });
}

/**
 * The optimizer table, with PyTorch's accuracy beside each run.
 * @param {object[]} rows
 * @param {number[]} torch PyTorch's test accuracy for each row
 */
export function optimizerTable(rows, torch) {
  return resultTable(rows.map((r, i) => ({...r, torch: torch[i]})), ["label", "lr", "accuracy", "loss", "testLoss", "ms", "torch"], {
    header: {label: "optimizer", torch: "PyTorch accuracy"}, format: {
      torch: (/** @type {number | null} */ v) => (v == null ? "—" : v.toFixed(4)),
      // A rate changed mid-run: the table's rate, then each change and the first epoch it applied to.
      lr: (/** @type {number} */ v, /** @type {any} */ row) =>
        [fmt.lr(v), ...(row.changes ?? []).filter((/** @type {any} */ c) => !c.error).map((/** @type {any} */ c) => `→ ${fmt.lr(Number(c.options.lr))} (epoch ${c.step})`)].join(" ")
    }
  });
}

/** @param {object[]} rows */
export function crossValidationTable(rows) {
  return numberTable(/** @type {Record<string, any>[]} */ (rows), {
    columns: ["inputs", "folds", "mean", "sd", "ms", "state"],
    header: {folds: "test accuracy per fold", mean: "mean", sd: "± sd", ms: "time", state: ""},
    format: {mean: (/** @type {number} */ v) => (Number.isFinite(v) ? v.toFixed(4) : "…"), sd: (/** @type {number} */ v) => (Number.isFinite(v) ? `± ${v.toFixed(4)}` : ""), ms: (/** @type {number} */ v) => `${v.toFixed(0)} ms`},
    text: ["inputs", "folds", "state"]
  });
}

/** @param {object[]} rows */
export function staleTable(rows) {
  return numberTable(/** @type {Record<string, any>[]} */ (rows), {
    columns: ["version", "model", "scale", "stepped", "initialAccuracy", "accuracy", "moved", "loss", "ms"],
    header: {model: "model", scale: "inputs", stepped: "optimizer steps model", initialAccuracy: "accuracy before", accuracy: "accuracy after",
      moved: "largest weight change", loss: "final loss", ms: "time"},
    format: {scale: fmt.scale, initialAccuracy: (/** @type {number} */ v) => v.toFixed(4), accuracy: (/** @type {number} */ v) => v.toFixed(4), moved: (/** @type {number} */ v) => (v === 0 ? "0 (never trained)" : v.toFixed(3)),
      loss: (/** @type {number} */ v) => v.toFixed(4), ms: fmt.ms},
    text: ["version", "model"]
  });
}
