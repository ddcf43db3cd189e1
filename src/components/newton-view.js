// @ts-check
// The Newton page's settings and its sections' renderers: each takes a run's snapshot (lib/experiments/newton.ts)
// and the settings it ran with, and returns the section's charts, status lines, table and export panel in one
// element. The rows and sentences come from lib/experiments/newton-report.ts; the charts from lib/charts.
import {
  coordinatePaths, optimalityGap, clippedLoss, changeMarks, optimizerCheck, adam, sgd, newtonSinesPyTorch,
  newtonIterateRows, sineRows, newtonTableRows, describeNewtonRun, digitsRaceRows, stabilityReport
} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {inputs} from "./url-state.js";
import {exportMenu} from "./export.js";
import {numberTable} from "./number-table.js";

/** The page's settings: one row per input, keyed as in the URL; `main` is the value the browser tests set. */
export function newtonInputs() {
  return inputs([
    {name: "dim", input: "range", label: "dimension n", default: 5, range: [2, 16], step: 1},
    {name: "seed", input: "number", label: "seed (x₀ ~ N(0, 1))", default: 7, range: [1, 2 ** 31], step: 1, main: 3},
    {name: "newton", input: "radio", label: "Newton's method", default: "pure", options: ["safeguarded", "pure"]},
    {name: "l2", input: "select", label: "L2 λ", default: 1e-4, options: [1e-4, 1e-3, 1e-2], format: (/** @type {number} */ v) => v.toExponential(0)},
    {name: "adam.lr", input: "range", label: "Adam learning rate", default: 0.05, range: [0.001, 0.5], step: 0.001, check: optimizerCheck(adam, {}, "lr")},
    {name: "sgd.lr", input: "range", label: "SGD learning rate", default: 1.5, range: [0.05, 3], step: 0.05, check: optimizerCheck(sgd, {}, "lr")},
    {name: "steps", input: "range", label: "Adam/SGD steps", default: 300, range: [50, 1000], step: 50},
    {name: "hvp.n", input: "select", label: "time n HVPs up to n =", default: 250, options: [50, 150, 250, 350, 450, 650]},
    {name: "lr", input: "range", label: "learning rate η", default: 3, range: [0.1, 5], step: 0.05, check: optimizerCheck(sgd, {}, "lr")}
  ]);
}

/** @param {Node[]} nodes */
function section(...nodes) {
  const div = document.createElement("div");
  div.append(...nodes);
  return div;
}

/**
 * Newton's iterates on Σ sin xᵢ for one method: where each coordinate heads (the page's main chart), how both
 * methods ended, the iterates' table and the export (with the PyTorch program that reruns it).
 * @param {any} sines the newton-sines snapshot
 * @param {{dim: number, seed: number, method: "pure" | "safeguarded", width: number}} settings
 */
export function sinesView(sines, {dim, seed, method, width}) {
  const run = sines.meta.runs[method];
  const iterates = newtonIterateRows(sines.lanes.find((/** @type {{key: string}} */ l) => l.key === method), run, dim);
  const chart = coordinatePaths(sineRows(iterates), {y: "sin xᵢ", yLabel: "sin xᵢ (−1: a minimum in that coordinate, +1: a maximum)", width});
  return section(
    mainChart(chart, {run: sines.run, done: true}),
    exportMenu({
      name: `newton-${method}-sines-n${dim}-seed${seed}`,
      rows: iterates.flatMap((it) => Array.from(it.x, (xi, i) => ({
        method, iteration: it.iteration, coordinate: i + 1, x: xi, sinX: Math.sin(xi),
        f: it.loss, gradNorm: it.gradNorm, stepSize: it.stepSize, direction: it.direction ?? null
      }))),
      chart,
      meta: {f: "Σ sin xᵢ", dimension: dim, seed, x0: sines.meta.x0, method, maxIterations: 50, result: run.message, stationaryPoint: run.kind},
      pytorch: newtonSinesPyTorch({start: sines.meta.x0, safeguarded: method === "safeguarded"})
    }),
    status(describeNewtonRun("Pure Newton", sines.meta.runs.pure)),
    status(describeNewtonRun("Safeguarded Newton", sines.meta.runs.safeguarded)),
    numberTable(newtonTableRows(iterates), {columns: ["iteration", "f", "‖∇f‖", "step α", "direction", "x"], format: {f: (v) => v.toFixed(6), "‖∇f‖": (v) => v.toExponential(2)}, text: ["direction"]})
  );
}

/**
 * Newton, Newton-CG, Adam and SGD on the digits: the optimality gap against iterations and against time side by
 * side, L*, the summary table and (once done) the export.
 * @param {any} race the newton-digits snapshot
 * @param {{l2: number, adamLr: number, sgdLr: number, steps: number, width: number}} settings
 */
export function raceView(race, {l2, adamLr, sgdLr, steps, width}) {
  const {rows, best, error} = digitsRaceRows(race);
  const half = Math.max(240, Math.min(width / 2 - 10, 520));
  const byStep = optimalityGap(rows, {x: "step", xLabel: "iteration (log scale; 0 drawn at ½)", best, width: half});
  const byTime = optimalityGap(rows, {x: "time", xLabel: "computation time, ms (log scale)", best, width: half});
  const grid = document.createElement("div");
  grid.className = "grid grid-cols-2";
  grid.append(section(byStep), section(byTime));
  const view = section(
    grid,
    status(error ? `Stopped: ${error}` : race.done ? `L* = ${best.toFixed(6)}, the lowest loss any method reached.` : "Training…", {error: !!error}),
    numberTable(race.meta.summary, {columns: ["method", "iterations", "loss", "ms", "work", "status"], format: {loss: (v) => v.toFixed(6), ms: (v) => `${v.toFixed(0)} ms`}, text: ["method", "work", "status"]})
  );
  if (race.done) view.append(exportMenu({
    name: "newton-vs-adam-sgd-digits",
    rows: rows.map((d) => ({method: d.method, iteration: d.iteration, loss: d.loss, gap: Math.max(d.loss - best, 0), ms: d.ms})),
    chart: byStep,
    pytorch: undefined, // Newton and Newton-CG have no torch.optim counterpart to export
    meta: {model: "softmax regression 64→10 (650 parameters), pixels / 16, θ₀ = 0, full batch of 898", l2, adamLr, sgdLr, firstOrderSteps: steps,
      newtonMaxIterations: 50, bestLoss: best, summary: race.meta.summary, error}
  }));
  return view;
}

/**
 * Gradient descent at η on the cross-entropy and on its quadratic model: the clipped loss chart, how each run
 * ended, and (once done) the export.
 * @param {any} stability the gd-stability snapshot
 * @param {{lambdaMax: number, maxStableLearningRate: number}} spectrum the digits-spectrum result
 * @param {{lr: number, steps: number, width: number}} settings
 */
export function stabilityView(stability, spectrum, {lr, steps, width}) {
  const {rows, notes, quadratic, crossEntropy} = stabilityReport(stability, {lr, steps, maxStableLearningRate: spectrum.maxStableLearningRate});
  // Where the reader changed η mid-run (the run controls above the chart): a dashed rule per change.
  const changes = stability.lanes.flatMap((/** @type {{key: string, changes?: {step: number, options: {lr?: number}, error?: string}[]}} */ l) =>
    (l.changes ?? []).map((c) => ({step: c.step, note: c.error ? `η refused: ${c.error}` : `${l.key}: η → ${c.options.lr}`})));
  const chart = clippedLoss(rows, {xMax: steps, width, marks: changeMarks(changes)});
  const view = section(chart);
  if (stability.done) view.append(exportMenu({
    name: `gd-stability-lr${lr}`,
    rows,
    chart,
    pytorch: undefined,
    meta: {lr, steps, start: "θ = 0", lambdaMax: spectrum.lambdaMax, maxStableLearningRate: spectrum.maxStableLearningRate, notes}
  }));
  view.append(status(quadratic.text, {error: quadratic.diverged}), status(crossEntropy));
  return view;
}
