// @ts-check
// Run bookkeeping shared by pages: a run number per (re)start, and markers on the main input and chart
// that say whether the drawing is final (aria-busy for readers, data-* for the browser tests).

let runs = 0;
/** The main input's value when each run started, so a test can tell which value a drawing belongs to. */
const startedWith = new Map();
/**
 * Records the value run `run` started with. Only recent runs are ever drawn again: the record keeps the last 64,
 * or a long visit's reruns grow it by one entry each (measured: ~75 bytes of heap a rerun on /gradient-descent).
 * @param {number} run
 * @param {string} value
 */
function remember(run, value) {
  startedWith.set(run, value);
  for (const old of startedWith.keys()) {
    if (startedWith.size <= 64) break;
    startedWith.delete(old);
  }
}

function mainValue() {
  const value = /** @type {any} */ (document.querySelector("[data-main-input]"))?.value;
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null) return String(value);
  return String(value.key ?? value.lr ?? JSON.stringify(value)); // a select's option, or an optimizer's options
}

/** The main input's URL key (its row's name; an optimizer form's: its lr), as the status line names it. */
function mainName() {
  return /** @type {HTMLElement | null} */ (document.querySelector("[data-main-input]"))?.dataset.mainName;
}

/**
 * Follows a worker run (lab.js), recording the main input's value as it is now, when the run starts: its first
 * drawing may come after the next change (a run started by another input, still in flight when the reader
 * types into the main one), and must not be labelled with that later value.
 * @template {{run: number}} S
 * @param {AsyncIterable<S>} snapshots
 * @returns {AsyncGenerator<S>}
 */
export function recordStart(snapshots) {
  const value = mainValue(); // now, not at the first next(): an async generator's body starts only then
  return (async function* () {
    for await (const s of snapshots) {
      if (value !== undefined && !startedWith.has(s.run)) remember(s.run, value);
      yield s;
    }
  })();
}

/** A fresh run number; each computation that restarts on an input change takes one. */
export function nextRun() {
  const run = ++runs;
  document.documentElement.dataset.runs = String(run); // what the browser tests count
  const value = mainValue();
  if (value !== undefined) remember(run, value);
  return run;
}

/**
 * The line under a main chart: how far its run got ("step 120/300 · running…") and, under the page's first main
 * chart (the one its main input drives, as the browser tests assume), the main input's value the run was started
 * with, as the input table names it: "lr = 0.05 · step 120/300 · running…". Which chart is first is known only
 * once the line is in the page, so it is decided then (a later chart — the line fit under the parabola — runs
 * with inputs of its own and must not claim the main one's value).
 */
class RunLine extends HTMLElement {
  connectedCallback() {
    this.refresh();
  }

  /** Writes the line from its progress and its chart's main value (again after markDone changes the progress). */
  refresh() {
    const chart = this.closest("[data-main-chart]");
    const first = chart !== null && document.querySelector("[data-main-chart]") === chart;
    const name = mainName();
    const value = /** @type {HTMLElement | null} */ (chart)?.dataset.mainValue;
    const named = first && name !== undefined && value !== undefined ? [`${name} = ${value}`] : [];
    this.textContent = [...named, ...(this.dataset.progress ?? "").split("|").filter(Boolean)].join(" · ");
  }
}
if (!customElements.get("descent-run-line")) customElements.define("descent-run-line", RunLine);

/** @param {{done: boolean, step?: number, totalSteps?: number}} state */
function runLine({done, step, totalSteps}) {
  const line = document.createElement("descent-run-line");
  line.className = "descent-status descent-run-line";
  line.dataset.runLine = "";
  line.style.display = "block";
  const progress = [];
  if (typeof step === "number" && typeof totalSteps === "number" && totalSteps > 0) progress.push(`step ${step}/${totalSteps}`);
  progress.push(done ? "done" : "running…");
  line.dataset.progress = progress.join("|");
  return line;
}

/**
 * Marks `chart` as the page's main chart, drawn by run `run`, finished or still running, with a line under it
 * naming the main input's value the run used.
 * @param {Node} chart
 * @param {{run: number, done: boolean, step?: number, totalSteps?: number}} state a snapshot from `run(...)` carries these
 * @returns {HTMLDivElement}
 */
export function mainChart(chart, {run, done, step, totalSteps}) {
  const div = document.createElement("div");
  div.dataset.mainChart = "";
  div.dataset.run = String(run);
  // A worker run (lab.js) numbers itself and records its value when it starts (recordStart); a run that did
  // not (a page's own computation) is labelled at its first drawing.
  if (!startedWith.has(run)) {
    const value = mainValue();
    if (value !== undefined) remember(run, value);
    if (run > runs) document.documentElement.dataset.runs = String((runs = run));
  }
  if (startedWith.has(run)) div.dataset.mainValue = startedWith.get(run);
  div.dataset.state = done ? "done" : "running";
  div.setAttribute("aria-busy", String(!done));
  div.append(chart, runLine({done, step, totalSteps}));
  return div;
}

/**
 * Marks a main chart finished after it was drawn: for a chart that draws itself from a run it started (the
 * landing race animates what the worker computes), so readers and tests do not take its empty frame as final.
 * @param {HTMLElement} div what mainChart returned, drawn with `done: false`
 */
export function markDone(div) {
  div.dataset.state = "done";
  div.setAttribute("aria-busy", "false");
  const line = /** @type {RunLine | null} */ (div.querySelector("descent-run-line"));
  if (line) {
    line.dataset.progress = (line.dataset.progress ?? "").replace("running…", "done");
    // Not yet in the page: connectedCallback writes it when it is.
    if (line.isConnected) line.refresh();
  }
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
