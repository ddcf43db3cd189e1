// @ts-check
// The landing page's race, wired: the race computed in the page's worker (lib/experiments/race.ts) for each
// start the reader drags to, the start kept per surface and in the URL, and the export of the settled run.
import {run} from "./lab.js";
import {mainChart, markDone, nextRun} from "./run.js";
import {raceChart, raceColors, raceTracks} from "./race-chart.js";
import {urlValue, setUrlValue} from "./url-state.js";
import {exportMenu} from "./export.js";
import {parseNumber, formatNumber, racePyTorch, acceptedChanges} from "../_descent/descent.js";

/**
 * @typedef {import("../_descent/descent.js").Surface} Surface
 * @typedef {import("../_descent/descent.js").OptimizerChoice} Entry
 * @typedef {ReturnType<typeof raceTracks>} RaceResult
 */

/**
 * Each surface's contours, traced in the worker once per page visit (they depend on the surface alone): a surface
 * picked again draws them at once.
 * @type {Map<string, Promise<import("../_descent/descent.js").SurfaceContours>>}
 */
const contours = new Map();

/** @param {string} key */
function surfaceContours(key) {
  let c = contours.get(key);
  if (!c) {
    c = (async () => {
      for await (const s of run("race-contours", {surface: key})) if (s.meta) return /** @type {any} */ (s.meta);
      throw new Error("The worker sent no contours");
    })();
    c.catch(() => contours.delete(key)); // a failed or cancelled trace is tried again next time
    contours.set(key, c);
  }
  return c;
}

// Start points survive changes to the settings, per surface (a module-level map: it outlives the page's cells).
/** @type {Map<string, [number, number]>} */
const starts = new Map();
let linkRead = false;

/**
 * The current surface's start is in the URL as ?x0=…&y0=… (written with the surface when a drag ends); a
 * link's start applies only to the surface it names, and one without a surface is reported in the notice.
 */
/** @param {Surface} surface */
function linkStart(surface) {
  if (linkRead) return;
  linkRead = true;
  const {x: [x1, x2], y: [y1, y2]} = surface.domain;
  const x0 = urlValue("x0", {parse: (/** @type {string} */ raw) => parseNumber(raw, {min: x1, max: x2}), initial: surface.start[0], requires: {key: "surface", value: surface.key}});
  const y0 = urlValue("y0", {parse: (/** @type {string} */ raw) => parseNumber(raw, {min: y1, max: y2}), initial: surface.start[1], requires: {key: "surface", value: surface.key}});
  if (x0 !== surface.start[0] || y0 !== surface.start[1]) starts.set(surface.key, [x0, y0]);
}

/**
 * Writes ?name=text only when the URL does not say so already: each write is a history.replaceState, which
 * took 10–35 ms apiece on a busy machine, and a settled race with the default start changes nothing.
 * @param {string} name
 * @param {string | null} text
 */
function keepInUrl(name, text) {
  if (new URLSearchParams(location.search).get(name) !== text) setUrlValue(name, text);
}

/**
 * The race on `surface` for `entries` (optimizer choices with their options) over `steps` steps, as the page's
 * main chart, with its export under it. The link's start is read on the first call, for the first surface shown.
 * @param {{surface: Surface, entries: Entry[], steps: number, hiddenAtFirst: string[], invalidation?: Promise<unknown>}} options
 * @returns {HTMLElement}
 */
export function landingRace({surface, entries, steps, hiddenAtFirst, invalidation}) {
  linkStart(surface);
  const race = {surface, entries, compute: async (/** @type {[number, number]} */ start, /** @type {number} */ n, /** @type {import("../_descent/descent.js").RaceChange[]} */ changes) => {
    /** @type {import("../_descent/descent.js").SurfaceRaceSnapshot | undefined} */
    let last;
    for await (const snapshot of run("race", {surface: surface.key, start, steps: n, choices: entries, changes})) {
      last = /** @type {any} */ (snapshot);
      // Not waiting for the run's end message: the worker sends it only after whatever it took up meanwhile
      // (the contours, ~150 ms), and the race is complete in its one snapshot.
      if (snapshot.done) break;
    }
    if (!last) throw new Error("The race sent no snapshot");
    return raceTracks(last);
  }, contours: () => surfaceContours(surface.key)};
  // The export is rebuilt when a start settles (not on every frame of a drag), a moment after, so arrow-key
  // repeats do not rebuild it each time.
  const exportSlot = document.createElement("div");
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let exportTimer;
  invalidation?.then(() => clearTimeout(exportTimer));
  const raceExport = (/** @type {RaceResult} */ result, /** @type {[number, number]} */ [x0, y0]) => exportMenu({
    name: `race-${surface.key}`,
    rows: result.tracks.flatMap((t) => Array.from({length: t.points}, (_, j) => ({optimizer: t.label, step: j, x: t.xs[j], y: t.ys[j], loss: t.losses[j]}))),
    chart,
    meta: {surface: surface.key, steps, start: [x0, y0],
      optimizers: entries.map((e, i) => ({key: e.key, label: e.label, options: e.options, divergedAt: result.tracks[i].divergedAt, error: result.tracks[i].error, changes: result.tracks[i].changes}))},
    pytorch: racePyTorch({surface: surface.key, start: [x0, y0], steps,
      runners: entries.flatMap((e, i) => (result.tracks[i].error === null ? [{label: e.label, name: e.def.name, options: e.options, changes: acceptedChanges(result.tracks[i])}] : []))})
  });
  /** @type {HTMLDivElement | null} */
  let main = null;
  const runId = nextRun();
  const chart = raceChart(race, {
    steps,
    start: starts.get(surface.key) ?? surface.start,
    onStart: (/** @type {[number, number]} */ p) => starts.set(surface.key, p),
    // The chart is this run's drawing once the worker's first race is on it, not while its frame is empty: only
    // then does it carry the run's number (what the browser tests time a rerun by) and, when settled, "done".
    onFirstDraw: () => {
      if (main) main.dataset.run = String(runId);
    },
    onSettle: (/** @type {RaceResult} */ result, /** @type {[number, number]} */ p) => {
      if (main) markDone(main);
      const moved = p[0] !== surface.start[0] || p[1] !== surface.start[1];
      if (moved) keepInUrl("surface", surface.key);
      keepInUrl("x0", moved ? formatNumber(p[0]) : null);
      keepInUrl("y0", moved ? formatNumber(p[1]) : null);
      clearTimeout(exportTimer);
      exportTimer = setTimeout(() => exportSlot.replaceChildren(raceExport(result, p)), exportSlot.childElementCount ? 150 : 0);
    },
    colors: raceColors,
    hiddenAtFirst,
    invalidation
  });
  const root = document.createElement("div");
  main = mainChart(chart, {run: runId, done: false});
  delete main.dataset.run; // until onFirstDraw: the race is computed after the chart exists (raceChart awaits it)
  root.append(main, exportSlot);
  return root;
}
