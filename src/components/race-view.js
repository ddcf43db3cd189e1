// @ts-check
// The MNIST pages' race views, over a shared run (lib/experiments/share.ts; the training runs in the page's
// worker): a section's live loss chart, the evaluation charts and table, progress rows, and the page summary.
//
// Drawing is the main thread's only work, so it is rationed: a view redraws only when what it shows has changed
// (its `key` of the snapshot), from the latest snapshot, and all views of a page share one animation-frame
// queue that draws views until ~10 ms of the frame are used and leaves the rest for the next frame — so no
// burst of snapshots (nine races finishing in one message, a rerun) becomes one long task.
import {raceLossChart, evalChart, formatDuration, timeEstimate, stepsPerSecond, plannedSteps, shareRun, mnistPageSetup, mnistRaceSpec, mnistPytorchRun, mnistExportRows, mnistLabels} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {exportMenu} from "./export.js";
import {run} from "./lab.js";
import {reportDataError} from "./data-file.js";
import {runControls} from "./controls.js";
import {numberTable} from "./number-table.js";

export {status};

/**
 * @typedef {import("../../lib/experiments/share.js").SharedRun<any>} SharedRun
 * @typedef {{key: string, label: string, status: string, error: string | null, step: number, totalSteps: number, elapsedMs: number, points: any[], spec?: any, changes?: {step: number, options: Record<string, unknown>, error?: string}[]}} ViewLane
 * @typedef {{name: string, rows: object[], chart: Element, pytorch?: unknown, meta?: object}} ExportOptions what export.js's exportMenu takes
 * @typedef {{run?: number, done: boolean, queued?: boolean, loading?: {loaded: number, total: number} | null, error?: Error, lanes: ViewLane[]}} ViewSnapshot
 */

const style = document.createElement("style");
style.textContent = `
.descent-progress { display: grid; gap: 0.3rem; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
.descent-progress-row { display: flex; flex-wrap: wrap; gap: 0 0.6rem; align-items: center; }
.descent-progress-row .label { flex: 0 0 11rem; }
.descent-progress-row progress { flex: 0 0 8rem; }
.descent-progress-row .text { flex: 1 1 14rem; min-width: 0; }
.descent-progress-row.error .text { color: var(--theme-red, #c00); }
.descent-chart-controls { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.descent-chart-controls form { margin: 0.2rem 0; }
`;
document.head.append(style);

/** @type {Map<object, () => void>} */
const dirty = new Map();
let scheduled = false;
const BUDGET_MS = 10;
function flush() {
  scheduled = false;
  const t0 = performance.now();
  for (const [view, draw] of dirty) {
    dirty.delete(view);
    draw();
    if (performance.now() - t0 > BUDGET_MS) break;
  }
  if (dirty.size) schedule();
}
function schedule() {
  if (!scheduled) (scheduled = true), requestAnimationFrame(flush);
}

/**
 * Calls draw(snapshot) with the latest snapshot of `race` whenever `key(snapshot)` changes, in the page's
 * shared frame queue, until `invalidation`.
 * @param {SharedRun} race
 * @param {(s: ViewSnapshot) => void} draw
 * @param {{key?: (s: ViewSnapshot) => unknown, invalidation?: Promise<unknown>, token?: object}} [options] views
 *   drawn from several races pass one `token`, so a frame draws them once
 */
export function follow(race, draw, {key = (s) => s, invalidation, token = {}} = {}) {
  let stopped = false;
  invalidation?.then(() => ((stopped = true), dirty.delete(token)));
  (async () => {
    for await (const snap of race.updates({key, stop: invalidation})) {
      if (stopped) return;
      dirty.set(token, () => draw(snap));
      schedule();
    }
  })();
}

/** What a section's drawing shows: a race waiting for its turn repeats its snapshot, which needs no redraw. @param {ViewSnapshot} s */
const shown = (s) => `${s.run}|${s.done}|${s.queued}|${s.loading?.loaded}|${s.error}|` + s.lanes.map((l) => `${l.points.length}:${l.status}`).join();
/** Progress rows change with every step. @param {ViewSnapshot} s */
const progressKey = (s) => shown(s) + s.lanes.map((l) => l.step).join();
/** Evaluation views change only when an evaluation arrives or a run ends. @param {ViewSnapshot} s */
export const whenEvaluated = (s) => `${s.run}|${s.done}|${s.error}|` + s.lanes.map((l) => `${l.points.length}:${l.status}`).join();
/** Redraw when a run finishes. @param {ViewSnapshot} s */
export const whenFinished = (s) => `${s.done}`;

/** @param {ViewLane} lane @param {boolean | undefined} queued */
const describe = (lane, queued) => {
  switch (lane.status) {
    case "waiting":
      return queued ? "waiting for its turn" : "starting";
    case "invalid":
      return `not run: ${lane.error}`;
    case "diverged":
      return `stopped: ${lane.error}`;
    case "stopped":
      return "stopped";
    default: {
      const t = timeEstimate({done: lane.step, total: lane.totalSteps, elapsedMs: lane.elapsedMs});
      const rate = Number.isFinite(t.stepsPerSecond) ? ` · ${t.stepsPerSecond.toFixed(1)} steps/s` : "";
      const left = lane.status === "running" && Number.isFinite(t.remainingMs) ? ` · about ${formatDuration(t.remainingMs)} left` : "";
      const took = lane.status === "done" ? ` · ${formatDuration(lane.elapsedMs)}` : "";
      return `step ${lane.step.toLocaleString("en-US")} of ${lane.totalSteps.toLocaleString("en-US")}${rate}${left}${took}`;
    }
  }
};

/**
 * One <progress> per run of a race snapshot, with steps, speed and time left (or why it stopped).
 * @param {ViewSnapshot} snap
 */
export function raceProgress(snap) {
  const root = document.createElement("div");
  root.className = "descent-progress";
  if (snap.error) {
    root.textContent = `Could not run: ${snap.error.message}`;
    reportDataError(snap.error.message); // a data file the worker could not use: named once at the top too
  }
  else if (snap.loading) root.textContent = `Downloading the images: ${(snap.loading.loaded / 1e6).toFixed(1)}${Number.isFinite(snap.loading.total) ? ` of ${(snap.loading.total / 1e6).toFixed(1)}` : ""} MB…`;
  else
    for (const lane of snap.lanes) {
      const row = document.createElement("div");
      row.className = "descent-progress-row" + (lane.status === "diverged" || lane.status === "invalid" ? " error" : "");
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = lane.label;
      const bar = document.createElement("progress");
      bar.max = Math.max(1, lane.totalSteps);
      bar.value = lane.step;
      bar.setAttribute("aria-label", `${lane.label} progress`);
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = describe(lane, snap.queued);
      row.append(label, bar, text);
      root.append(row);
    }
  return root;
}

/** A view that follows `race` with its own key; returns its element. @param {SharedRun} race @param {(s: ViewSnapshot) => Node[]} parts @param {{key?: (s: ViewSnapshot) => unknown, invalidation?: Promise<unknown>}} options */
function live(race, parts, options) {
  const root = document.createElement("div");
  follow(race, (s) => root.replaceChildren(...parts(s)), options);
  return root;
}

/**
 * Progress rows of a race, redrawn with every step it reports.
 * @param {SharedRun} race
 * @param {{invalidation?: Promise<unknown>}} [options]
 */
export const liveProgress = (race, {invalidation} = {}) => live(race, (s) => [raceProgress(s), ...errors(s)], {key: progressKey, invalidation});

/** @param {ViewSnapshot} s */
const errors = (s) => s.lanes.filter((l) => l.error).map((l) => status(`${l.label}: ${l.error}`, {error: true}));

/**
 * A chart-controls element (yMax, smoothing: lib/ui/inputs.ts chartControls) above a chart: `draw(options)`
 * again when the reader changes them, without rerunning any cell.
 * @param {(HTMLElement & {value: {yMax: number, smoothing: number}}) | undefined} controls
 * @param {HTMLElement} root
 * @param {() => void} redraw
 * @param {Promise<unknown> | undefined} invalidation
 */
function withControls(controls, root, redraw, invalidation) {
  if (!controls) return root;
  // The controls outlive the run (they are the page's inputs): a listener left on them would keep every
  // earlier run's race and figure alive (the soak measured +0.6 MB per rerun).
  controls.addEventListener("input", redraw);
  invalidation?.then(() => controls.removeEventListener("input", redraw));
  const wrap = document.createElement("div");
  wrap.append(controls, root);
  return wrap;
}

/**
 * A section's race: its per-step loss chart (the page's main chart with `main`), progress rows, each lane's
 * error, and an export menu once the race has finished (`exportAs(lanes, chart)` gives exportMenu's options). The chart redraws when a point arrives, the
 * progress with every step; chart options go to raceLossChart, `controls` (yMax, smoothing) on top of them.
 * @param {SharedRun} race
 * @param {{main?: boolean, exportAs?: (lanes: ViewLane[], chart: Element) => ExportOptions, note?: (s: ViewSnapshot) => string, invalidation?: Promise<unknown>, controls?: HTMLElement & {value: {yMax: number, smoothing: number}}} & import("../../lib/charts/race-curves.js").RaceLossOptions} [options]
 */
export function liveRace(race, {main = false, exportAs, invalidation, controls, note, ...chart} = {}) {
  const figure = document.createElement("div");
  /** @param {ViewSnapshot} snap */
  const draw = (snap) => {
    const svg = raceLossChart(snap.lanes, {...chart, ...controls?.value, tips: snap.done});
    figure.replaceChildren(
      // Before the worker's first snapshot there is no run yet: draw the empty frame, but not as a run's chart.
      main && snap.run !== undefined ? mainChart(svg, {run: snap.run, done: snap.done}) : svg,
      ...(snap.done && !snap.error && exportAs ? [exportMenu(/** @type {any} */ (exportAs(snap.lanes, svg)))] : []),
      ...(note ? [status(note(snap))] : [])
    );
  };
  follow(race, draw, {key: shown, invalidation});
  const root = document.createElement("div");
  const redraw = () => draw(race.latest);
  const run = /** @type {{controls?: HTMLElement}} */ (race).controls;
  root.append(withControls(controls, figure, redraw, invalidation), ...(run ? [run] : []), liveProgress(race, {invalidation}), liveText(race, refused, {key: changesKey, invalidation, as: "status"}));
  return root;
}

/** @param {ViewSnapshot} s */
const changesKey = (s) => `${s.run}|` + s.lanes.map((l) => l.changes?.length ?? 0).join();
/** The option changes an optimizer refused (the run went on with its old options), in its own words. @param {ViewSnapshot} s */
const refused = (s) => s.lanes.flatMap((l) => (l.changes ?? []).filter((c) => c.error).map((c) => `${l.label}: change at step ${c.step} refused: ${c.error}`)).join(" ") || null;

/** A live option's slider label, by option name. */
const liveLabels = /** @type {Record<string, string>} */ ({lr: "learning rate", momentum: "momentum", alpha: "α", rho: "ρ"});

/**
 * Run controls for a race (controls.js): play / pause / step, restart, and a slider for each option in `live`
 * with the range its optimizer declares (lib/optimizers' `ranges`), applied to every lane from the next step.
 * @param {{def: {ranges?: Record<string, {min: number, max: number, scale: string, step?: number}>}, options: Record<string, unknown>}} first the race's first choice
 * @param {string[]} live
 */
function raceControls(first, live) {
  return runControls({live: live.map((name) => {
    const r = first.def.ranges?.[name];
    if (!r) throw new Error(`no range for ${name}`);
    return {name, label: liveLabels[name] ?? name, value: Number(first.options[name]), min: r.min, max: r.max, log: r.scale === "log", step: r.step};
  })});
}

/**
 * A run under the reader's controls: `start()` runs it, and the controls' restart starts it again from the
 * same settings (a new run in the worker) without rerunning any cell; a finished run waits for a restart.
 * Ends when `stop` resolves.
 * @template {{run: number, done: boolean}} S
 * @param {import("./controls.js").RunControls} controls
 * @param {(signal: AbortSignal) => AsyncGenerator<S>} start a run that `signal` cancels
 * @param {Promise<unknown>} stop
 * @returns {AsyncGenerator<S>}
 */
async function* restartable(controls, start, stop) {
  let stopped = false;
  let restarts = 0;
  /** @type {(() => void) | null} */
  let wake = null;
  const poke = () => wake?.();
  const onRestart = () => ((restarts++), poke());
  controls.addEventListener("input", onRestart);
  void stop.then(() => ((stopped = true), poke()));
  try {
    while (!stopped) {
      const seen = restarts;
      const cancel = new AbortController();
      const it = controls.drive(seen, start(cancel.signal));
      try {
        for (;;) {
          const woken = new Promise((resolve) => (wake = () => resolve(null)));
          if (stopped || restarts !== seen) break;
          const r = await Promise.race([it.next(), woken]);
          if (r === null) break;
          if (r.done) {
            await woken;
            break;
          }
          yield r.value;
        }
      } finally {
        // The old run stops (its worker run is cancelled) before the new one starts, so the controls never
        // address it again; when the page stops it, nothing waits. The signal ends it even while it waits for
        // the worker (a queued run sends nothing), where return() would wait behind that next().
        cancel.abort();
        await Promise.race([it.return(undefined), stop]);
      }
    }
  } finally {
    controls.removeEventListener("input", onRestart);
  }
}

/**
 * A comparison of finished runs: their loss curves on one chart, redrawn when one of `races` finishes or the
 * reader changes `controls`; `note(...snapshots)` a line under it, `exportAs` an export menu once all are done.
 * @param {SharedRun[]} races
 * @param {{invalidation?: Promise<unknown>, controls?: HTMLElement & {value: {yMax: number, smoothing: number}}, note?: (...s: ViewSnapshot[]) => string, exportAs?: (lanes: ViewLane[], chart: Element) => ExportOptions} & import("../../lib/charts/race-curves.js").RaceLossOptions} [options]
 */
export function comparison(races, {invalidation, controls, note, exportAs, ...chart} = {}) {
  const root = document.createElement("div");
  const draw = () => {
    const latest = races.map((r) => r.latest);
    const lanes = latest.flatMap((r) => (r.done ? r.lanes : []));
    const svg = raceLossChart(lanes, {...chart, ...controls?.value});
    const all = latest.every((r) => r.done && !r.error && r.lanes.length);
    root.replaceChildren(svg, ...(note ? [status(note(...latest))] : []), ...(all && exportAs ? [exportMenu(/** @type {any} */ (exportAs(lanes, svg)))] : []));
  };
  const token = {};
  for (const r of races) follow(r, draw, {key: whenFinished, invalidation, token});
  return withControls(controls, root, draw, invalidation);
}

/**
 * The evaluation curves of a race (accuracy or loss against samples seen), redrawn when an evaluation arrives.
 * @param {SharedRun} race
 * @param {{main?: boolean, invalidation?: Promise<unknown>} & import("../../lib/charts/race-curves.js").EvalChartOptions} [options]
 */
export function liveEvalChart(race, {main = false, invalidation, ...chart} = {}) {
  return live(race, (s) => {
    const svg = evalChart(s.lanes, {...chart, tips: s.done});
    return [main && s.run !== undefined ? mainChart(svg, {run: s.run, done: s.done}) : svg];
  }, {key: whenEvaluated, invalidation});
}

const fixed4 = (/** @type {number} */ v) => v.toFixed(4);

/**
 * Every evaluation, newest first, as the notebook prints them (number-table.js: on a phone it scrolls, and says so).
 * @param {SharedRun} race
 * @param {{invalidation?: Promise<unknown>, rows?: number}} [options]
 */
export function liveEvalTable(race, {invalidation, rows = 16} = {}) {
  return live(race, (s) => {
    const all = s.lanes.flatMap((l, i) => l.points.map((e) => ({label: l.label, i, e}))).sort((a, b) => b.e.samplesSeen - a.e.samplesSeen || a.i - b.i);
    const table = numberTable(all.slice(0, rows).map(({label, e}) => ({...e, optimizer: label})), {
      columns: ["optimizer", "samplesSeen", "epoch", "trainLoss", "testLoss", "trainAcc", "testAcc"],
      header: {samplesSeen: "samples", epoch: "epochs", trainLoss: "train loss", testLoss: "test loss", trainAcc: "train accuracy", testAcc: "test accuracy"},
      format: {samplesSeen: (v) => v.toLocaleString("en-US"), epoch: (v) => v.toFixed(2), trainLoss: fixed4, testLoss: fixed4, trainAcc: fixed4, testAcc: fixed4},
      text: ["optimizer"]
    });
    return [table, ...(all.length > rows ? [status(`The newest ${rows} of ${all.length} evaluations; the export below has them all.`)] : [])];
  }, {key: whenEvaluated, invalidation});
}

/**
 * A paragraph whose text follows a race: `text(snapshot)` whenever `key` changes.
 * @param {SharedRun | SharedRun[]} races
 * @param {(...s: ViewSnapshot[]) => string | null} text null: nothing to say yet
 * @param {{key?: (s: ViewSnapshot) => unknown, invalidation?: Promise<unknown>, as?: "p" | "status"}} [options]
 */
export function liveText(races, text, {key = whenFinished, invalidation, as = "p"} = {}) {
  const list = Array.isArray(races) ? races : [races];
  const root = document.createElement("div");
  const draw = () => {
    const t = text(...list.map((r) => r.latest));
    const el = as === "p" ? document.createElement("p") : status("");
    el.textContent = t ?? "";
    root.replaceChildren(...(t ? [el] : []));
  };
  const token = {};
  for (const r of list) follow(r, draw, {key, invalidation, token});
  return root;
}

/**
 * A node computed from races when they change (an export menu once they have finished, a summary line).
 * @param {SharedRun[]} races
 * @param {(...s: ViewSnapshot[]) => Node | null} make
 * @param {{key?: (s: ViewSnapshot) => unknown, invalidation?: Promise<unknown>}} [options]
 */
export function liveNode(races, make, {key = whenFinished, invalidation} = {}) {
  const root = document.createElement("div");
  const draw = () => {
    const n = make(...races.map((r) => r.latest));
    root.replaceChildren(...(n ? [n] : []));
  };
  const token = {};
  for (const r of races) follow(r, draw, {key, invalidation, token});
  return root;
}

/**
 * The export menu of one race, or of several together, once all have finished without error: `make(...snapshots)`
 * gives exportMenu's options.
 * @param {SharedRun | SharedRun[]} races
 * @param {(...s: ViewSnapshot[]) => ExportOptions} make
 * @param {{invalidation?: Promise<unknown>}} [options]
 */
export function liveExport(races, make, {invalidation} = {}) {
  const list = Array.isArray(races) ? races : [races];
  return liveNode(list, (...s) => (s.every((r) => r.done && !r.error && r.lanes.length) ? exportMenu(/** @type {any} */ (make(...s))) : null), {invalidation});
}

/**
 * Every race of the page: one progress bar over all their steps, when they finished, the training speed of one
 * run, and what the notebook's full run would take at that speed. Redrawn at most once a second while training.
 * @param {SharedRun[]} races
 * @param {{pageStart: number, batchSize: number, backend: string, full: boolean, trainCount: number, invalidation?: Promise<unknown>}} options
 */
export function runsSummary(races, {pageStart, batchSize, backend, full, trainCount, invalidation}) {
  const root = document.createElement("div");
  const draw = () => {
    const latest = races.map((r) => r.latest);
    const allLanes = latest.flatMap((r) => r.lanes);
    const allDone = latest.every((r) => r.done);
    const rate = stepsPerSecond(allLanes.filter((l) => !l.spec?.accumulation || l.spec.accumulation === 1));
    const doneSteps = allLanes.reduce((a, l) => a + l.step, 0);
    const totalSteps = allLanes.reduce((a, l) => a + l.totalSteps, 0);
    root.dataset.allDone = String(allDone);
    root.dataset.stepsPerSecond = String(rate);
    if (!allDone) delete root.dataset.wallMs;
    else root.dataset.wallMs ??= String(performance.now() - pageStart);
    const bar = document.createElement("progress");
    bar.max = Math.max(1, totalSteps);
    bar.value = doneSteps;
    bar.style.width = "100%";
    bar.setAttribute("aria-label", "every run of the page");
    const fullSteps = plannedSteps({count: trainCount, batchSize, epochs: 5});
    const fullBatches = allLanes.length * fullSteps;
    root.replaceChildren(bar, status(`${races.length} races, ${allLanes.length} runs: ${doneSteps.toLocaleString("en-US")} of ${totalSteps.toLocaleString("en-US")} steps` +
      (allDone ? `, finished ${formatDuration(Number(root.dataset.wallMs))} after the page started training.` : "…") +
      (Number.isFinite(rate) ? ` One run trains at ${rate.toFixed(1)} steps per second here (batch ${batchSize}, ${backend}).` : "")),
    Number.isFinite(rate)
      ? status(`The notebook's full run — 60,000 images, 5 epochs — is ${fullSteps.toLocaleString("en-US")} steps per run, ` +
          `${fullBatches.toLocaleString("en-US")} batches for the ${allLanes.length} runs of this page: about ${formatDuration((fullBatches / rate) * 1000)} at the speed measured here` +
          (full ? " (running now; the sections train in page order, each shows its own progress and time left)." : ". Turn on the full run in the settings above to start it."))
      : status("The time a full run would take is estimated once the first run has measured this machine's speed."));
  };
  // A progress line: once a second at most while training, and at once when a race finishes.
  /** @type {ReturnType<typeof setTimeout> | null} */
  let pending = null;
  for (const race of races) follow(race, (snap) => {
    if (snap.done) draw();
    else pending ??= setTimeout(() => ((pending = null), draw()), 1000);
  }, {key: progressKey, invalidation});
  draw();
  return root;
}

// The y-axis maximum and moving-average window of one comparison chart: lib/ui/inputs.ts.
export {chartControls} from "../_descent/descent.js";

/** A signal that aborts when `stop` resolves (a cell's invalidation). @param {Promise<unknown>} stop */
function abortOn(stop) {
  const c = new AbortController();
  void stop.then(() => c.abort());
  return c.signal;
}

/**
 * The from-scratch page's wiring: its settings (lib/experiments/mnist-from-scratch.ts mnistPageSetup), a
 * `race(choices, priority, stop, live?)` that runs one section's race in the worker as a shared run — with
 * `live` (option names, e.g. ["lr"]) under run controls that liveRace shows below its chart — the charts'
 * common options (without `width`: the cell that runs the races must not read it, or a window resize restarts
 * them all; each figure's cell adds it), and `exportAs(name)` for a section's export menu.
 * @param {Parameters<typeof mnistPageSetup>[0]} v the settings form's value
 * @param {Parameters<typeof mnistPageSetup>[1]} meta mnist-meta.json
 * @param {Parameters<typeof mnistPageSetup>[2]} files the data files' URLs
 */
export function mnistRaces(v, meta, files) {
  const {settings, steps, plan, exportMeta} = mnistPageSetup(v, meta, files);
  /** @type {(choices: any[], priority: number, stop: Promise<unknown>, live?: string[]) => SharedRun & {controls?: HTMLElement}} */
  const race = (choices, priority, stop, live) => {
    const start = (/** @type {AbortSignal} */ signal) => /** @type {AsyncGenerator<any>} */ (run("mnist-race", mnistRaceSpec(choices, priority, settings), {signal}));
    const controls = live ? raceControls(choices[0], live) : undefined;
    const shared = shareRun(controls ? restartable(controls, start, stop) : start(abortOn(stop)), {initial: {lanes: [], done: false, queued: true, loading: null}, stop});
    return Object.assign(shared, controls ? {controls} : {});
  };
  /** @type {(name: string) => (lanes: any[], chart: Element) => ExportOptions} */
  const exportAs = (name) => (lanes, chart) => ({name: `mnist-${name}-seed${v.seed}`, rows: mnistExportRows(lanes), chart, meta: exportMeta(lanes), pytorch: mnistPytorchRun(lanes, settings)});
  return {race, exportAs, plan, steps, settings, chart: {xMax: steps, labels: mnistLabels}, pageStart: performance.now()};
}
