// @ts-check
// Run bookkeeping shared by pages: a run number per (re)start, and markers on the main input and chart
// that say whether the drawing is final (aria-busy for readers, data-* for the browser tests).

let runs = 0;

/** A fresh run number; each computation that restarts on an input change takes one. */
export function nextRun() {
  return ++runs;
}

/**
 * Marks `chart` as the page's main chart, drawn by run `run`, finished or still running.
 * @param {Node} chart
 * @param {{run: number, done: boolean}} state a snapshot from `run(...)` carries both
 * @returns {HTMLDivElement}
 */
export function mainChart(chart, {run, done}) {
  const div = document.createElement("div");
  div.dataset.mainChart = "";
  div.dataset.run = String(run);
  div.dataset.state = done ? "done" : "running";
  div.setAttribute("aria-busy", String(!done));
  div.append(chart);
  return div;
}

/**
 * Marks `input` as the page's main input; `testValue` is a valid value the browser test sets.
 * @template {HTMLElement} E
 * @param {E} input
 * @param {string | number} testValue
 * @returns {E}
 */
export function mainInput(input, testValue) {
  input.dataset.mainInput = String(testValue);
  return input;
}

/**
 * A one-line status: running, finished, or the reason a run stopped (divergence, bad hyperparameter).
 * @param {string} text
 * @param {{error?: boolean}} [options]
 * @returns {HTMLParagraphElement}
 */
export function status(text, {error = false} = {}) {
  const p = document.createElement("p");
  p.className = "descent-status" + (error ? " error" : "");
  p.setAttribute("role", "status");
  p.textContent = text;
  return p;
}

/** A promise and its resolve function, for a cell that waits until another cell's run has finished. */
export function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return {promise, resolve};
}
