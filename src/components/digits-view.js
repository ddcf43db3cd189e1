// @ts-check
// The digits page's settings and its two largest sections' renderers: the four-optimizer comparison (the
// page's main chart, its export with the PyTorch program, the result table beside PyTorch's accuracies) and the
// input-scaling table. Rows come from lib/experiments/digits.ts; the tables from digits-tables.js.
import {epochLossChart, epochRows, digitsRows, digitsStatus, digitsPyTorch, acceptedChanges, sgd} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {runControls} from "./controls.js";
import {inputs} from "./url-state.js";
import {exportMenu} from "./export.js";
import {fmt, resultTable, optimizerTable} from "./digits-tables.js";

/** The page's settings: one row per input, keyed as in the URL; `main` is the value the browser tests set. */
export function digitsInputs() {
  return inputs([
    {name: "epochs", input: "range", label: "epochs", default: 15, range: [1, 30], step: 1, main: 2},
    {name: "seed", input: "range", label: "initial weights (seed)", default: 1, range: [1, 100], step: 1},
    // A log-scale slider whose number field holds the multiplier itself (so a link carries ?scale=20).
    {name: "scale", input: "range", label: "your scale (× pixels)", default: 20, range: [1e-3, 1e3], scale: "log"},
    {name: "loss.scale", input: "select", label: "multiply the loss by", default: 1e3, options: [1e-3, 1, 1e3], format: (/** @type {number} */ v) => `× ${v}`},
    {name: "folds", input: "range", label: "folds k", default: 5, range: [2, 10], step: 1}
  ]);
}

/**
 * The comparison's run controls: pause, one epoch per step, restart, and the learning rate of the run that
 * trains the next epoch (lib/experiments/digits.ts: later runs keep the table's rates), over SGD's range.
 * @param {{options: Record<string, unknown>}[]} table
 */
export function digitsControls(table) {
  const {min, max} = /** @type {{min: number, max: number}} */ (sgd.ranges.lr);
  return runControls({live: [{name: "lr", label: "learning rate", value: Number(table[0].options.lr), min, max, log: true}]});
}

/**
 * @typedef {{label: string, def: {name: string}, options: Record<string, unknown>}} TableRun
 * @typedef {{config: {epochs: number, initSeed: number, runs: {label: string, options: unknown}[]}, results: {label: string, accuracy: number}[]}} PyTorchResults
 */

/**
 * The comparison: mean training loss per epoch (the main chart), once done its export, the result table with
 * PyTorch's accuracy beside each run (only for the settings PyTorch ran: other settings show —) and the status.
 * @param {any} compare the digits-runs snapshot
 * @param {{table: TableRun[], epochs: number, seed: number, pytorch: PyTorchResults, train: {count: number}, test: {count: number}, width: number}} settings
 */
export function comparisonView(compare, {table, epochs, seed, pytorch, train, test, width}) {
  const rows = digitsRows(compare);
  const chart = epochLossChart(compare.lanes, {epochs, labels: table.map((d) => d.label), width: Math.min(width, 720)});
  const sameAsPyTorch = (/** @type {TableRun} */ run) => epochs === pytorch.config.epochs && seed === pytorch.config.initSeed &&
    JSON.stringify(pytorch.config.runs.find((d) => d.label === run.label)?.options) === JSON.stringify(run.options);
  // A run whose rate the reader changed mid-run is not the run PyTorch made: —.
  const torch = table.map((run, i) => (sameAsPyTorch(run) && !rows[i]?.changes.length ? pytorch.results.find((d) => d.label === run.label)?.accuracy ?? null : null));
  const view = document.createElement("div");
  view.append(mainChart(chart, compare));
  // One row per optimizer and epoch; the test accuracy and loss are measured once, after the last epoch.
  if (compare.done) view.append(exportMenu({
    name: `digits-optimizers-seed${seed}`,
    rows: epochRows(compare),
    chart,
    meta: {epochs, seed, model: "linear 64→10", loss: "cross-entropy", batchSize: 1, order: "file order", train: train.count, test: test.count,
      optimizers: table.map((d, i) => ({label: d.label, name: d.def.name, options: d.options, ...(rows[i]?.changes.length ? {changes: rows[i].changes} : {})}))},
    pytorch: digitsPyTorch({runs: table.map((d, i) => ({label: d.label, name: d.def.name, options: d.options, changes: rows[i] ? acceptedChanges(rows[i]) : []})), epochs, initSeed: seed})
  }));
  view.append(optimizerTable(rows, /** @type {number[]} */ (torch)), status(digitsStatus(compare, {epochs, steps: train.count})));
  for (const r of rows.filter((r) => r.error)) view.append(status(`${r.label}: ${r.error}`, {error: true}));
  return view;
}

/**
 * The input-scaling runs: their table, once done their export, and each failed run's reason.
 * @param {any} scaling the digits-runs snapshot of scalingRuns(c) (or {pending: true} until it starts)
 * @param {{epochs: number, seed: number, freeScale: number}} settings
 */
export function scalingView(scaling, {epochs, seed, freeScale}) {
  const rows = digitsRows(scaling);
  const view = document.createElement("div");
  view.append(resultTable(rows, ["label", "scale", "accuracy", "loss", "testLoss", "ms"]));
  if (!scaling.done) view.append(status("Running…"));
  else view.append(exportMenu({
    name: `digits-scaling-seed${seed}`,
    rows: rows.map((r) => ({optimizer: r.label, lr: r.lr, scale: r.scale, testAccuracy: r.accuracy, loss: r.loss, testLoss: r.testLoss, ms: r.ms, error: r.error ? String(r.error) : null})),
    chart: null, // a table, no chart
    pytorch: undefined,
    meta: {epochs, seed, yourScale: freeScale}
  }));
  for (const r of rows.filter((r) => r.error)) view.append(status(`${r.label} ${fmt.scale(r.scale)}: ${r.error}`, {error: true}));
  return view;
}
