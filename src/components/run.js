// @ts-check
// Run bookkeeping shared by pages: a run number per (re)start, and markers on the main input and chart
// that say whether the drawing is final (aria-busy for readers, data-* for the browser tests).

let runs = 0;
/** The main input's value when each run started, so a test can tell which value a drawing belongs to. */
const startedWith = new Map();

function mainValue() {
  const value = /** @type {any} */ (document.querySelector("[data-main-input]"))?.value;
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null) return String(value);
  return String(value.key ?? value.lr ?? JSON.stringify(value)); // a select's option, or an optimizer's options
}

/** A fresh run number; each computation that restarts on an input change takes one. */
export function nextRun() {
  const run = ++runs;
  document.documentElement.dataset.runs = String(run); // what the browser tests count
  const value = mainValue();
  if (value !== undefined) startedWith.set(run, value);
  return run;
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
  // A worker run (lab.js) numbers itself: its first drawing comes after the input change that started it, so
  // the main input's value then is the value it runs with.
  if (!startedWith.has(run)) {
    const value = mainValue();
    if (value !== undefined) startedWith.set(run, value);
    // Only recent runs are ever drawn again: keep the record from growing with every rerun of a long visit.
    for (const old of startedWith.keys()) if (startedWith.size > 64) startedWith.delete(old);
    if (run > runs) document.documentElement.dataset.runs = String((runs = run));
  }
  if (startedWith.has(run)) div.dataset.mainValue = startedWith.get(run);
  div.dataset.state = done ? "done" : "running";
  div.setAttribute("aria-busy", String(!done));
  div.append(chart);
  return div;
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
