// @ts-check
// The renderers of "The optimizers, equation beside code": one surface run (lib/experiments/surface-run.ts)
// with its loss and state, torch's checks on a typed options object, and one section per optimizer.
import {createFloatOptimizer, curves, changeMarks, stateChart, stateRows, symbols, surfaceRunPyTorch, thin, laneChangeNotes, acceptedChanges} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {exportMenu} from "./export.js";
import {linked, updateRegions} from "./source.js";

/**
 * The latest values of the run's symbols (θ and each state buffer), read out when a reader points at one.
 * @param {any} lane
 * @returns {Record<string, string>}
 */
export function symbolValues(lane) {
  const symbolOf = Object.fromEntries(Object.entries(symbols).map(([key, s]) => [s.code, key]));
  const pair = (/** @type {number[]} */ [a, b]) => `(${a.toPrecision(4)}, ${b.toPrecision(4)}) for (x, y)`;
  const at = ` at step ${lane.points.length - 1}`;
  return Object.fromEntries(Object.entries(lane.state ?? {}).map(([slot, v]) => [slot === "theta" ? "theta" : symbolOf[slot], pair(/** @type {number[]} */ (v)) + at]));
}

/** Redraw when a step was added, the run finished or paused, or a setting changed mid-run. */
const progress = (/** @type {any} */ s) => `${s.step}/${s.done}/${s.lanes[0].status}${s.lanes[0].changes?.length ?? 0}`;

/** Points per drawn loss or state line: the charts are at most ~470 px wide, and a live chart redraws many times a second. */
const POINTS = 300;
/** State charts drawn as separate figures; an optimizer with more buffers draws the rest in the last one. */
const STATE_CHARTS = 3;

/**
 * The run on its surface (the page's main chart: `chart`, drawn once per surface, gets the path), its status
 * and, once finished, its export; below them the loss and the optimizer's state buffers, each marking live
 * changes. Each figure redraws itself from the run's latest snapshot (live.js), and they are separate figures
 * so live.js can spread their redraws over frames: a 3,000-step run redrawn whole, every line at every point,
 * kept the page's main thread busy for 120–220 ms at a time.
 * @param {import("./live.js").Live<any>} run a "surface-run" run
 * @param {{chart: any, choice: any, surface: any, steps: number, options: Record<string, unknown>, width: number}} spec
 * @returns {HTMLElement}
 */
export function surfaceRunView(run, {chart, choice, surface, steps, options, width}) {
  const half = width >= 640 ? Math.floor((width - 16) / 2) : width;
  const exports = document.createElement("div");
  const state = document.createElement("div");
  state.className = "descent-state-charts";
  for (let i = 0; i < STATE_CHARTS; i++) {
    state.append(run.chart((s) => {
      const path = s.lanes[0];
      const slots = i === STATE_CHARTS - 1 ? s.meta.slots.slice(i) : s.meta.slots.slice(i, i + 1);
      if (i === 0 && !s.meta.slots.length) return status(path.points.length > 1 ? "Plain SGD keeps no state: its update uses the current gradient only." : "");
      const rows = stateRows(thin(path.points, POINTS), slots);
      const marks = laneChangeNotes(path).map((c) => c.step);
      const div = document.createElement("div");
      for (const slot of slots) div.append(stateChart(rows, slot, {width: half, marks}));
      return div;
    }, {key: progress, placeholder: ""}));
  }
  const row = document.createElement("div");
  row.style.cssText = `display: grid; gap: 16px; grid-template-columns: ${width >= 640 ? "1fr 1fr" : "1fr"};`;
  row.append(
    run.chart((s) => {
      const path = s.lanes[0];
      return curves(thin(path.points.filter((/** @type {any} */ d) => d.loss > 0), POINTS), {x: "step", y: "loss", logY: true, width: half, height: 220, marks: changeMarks(laneChangeNotes(path))});
    }, {key: progress, placeholder: ""}),
    state
  );
  const root = document.createElement("div");
  root.append(
    run.chart((s) => {
      const path = s.lanes[0];
      chart.draw(path.points, {marks: laneChangeNotes(path).map((c) => ({step: c.step, title: `learning rate changed at step ${c.step} (${c.note})`}))});
      const last = path.points.at(-1);
      const div = mainChart(chart.element, s);
      div.append(path.error
        ? status(`Stopped: ${path.error}`, {error: true})
        : status(`${s.done ? "Finished" : "Running…"} step ${last.step}: (x, y) = (${last.x.toFixed(4)}, ${last.y.toFixed(4)}), f = ${last.loss.toExponential(3)}`));
      return div;
    }, {key: progress}),
    exports,
    row
  );
  run.finished.then((s) => exports.append(exportMenu({
    name: `${choice.key}-${surface.key}`,
    rows: s.lanes[0].points.map((/** @type {any} */ {step, x, y, loss}) => ({step, x, y, loss})),
    chart: chart.element,
    meta: {optimizer: choice.key, options, surface: surface.key, changes: acceptedChanges(s.lanes[0])},
    pytorch: surfaceRunPyTorch({surface: surface.key, start: surface.start, steps, optimizer: {name: choice.def.name, options, changes: acceptedChanges(s.lanes[0])}})
  })));
  return root;
}

/**
 * What an optimizer says of an options object typed as JSON: accepted, or its own (torch's) message.
 * @param {string} text
 * @param {any} def
 * @returns {HTMLElement}
 */
export function optionsCheck(text, def) {
  let parsed;
  try { parsed = JSON.parse(text); } catch (e) { return status(`Not JSON: ${/** @type {Error} */ (e).message}`, {error: true}); }
  try {
    createFloatOptimizer(def, parsed); // validates exactly as the tfjs runner does (one resolveOptions)
    return status(`${def.title} accepts ${JSON.stringify(parsed)}.`);
  } catch (e) {
    return status(`${def.title}: ${/** @type {Error} */ (e).message}`, {error: true});
  }
}

/**
 * One section per preset: its name, torch's call with its settings and the course notebooks' use of it, and
 * its equation linked to its code.
 * @param {readonly any[]} presets
 * @returns {HTMLElement}
 */
export function optimizerSections(presets) {
  const root = document.createElement("div");
  for (const p of presets) {
    const section = document.createElement("section");
    const h = document.createElement("h3");
    h.textContent = p.label;
    const options = Object.entries({...p.def.defaults, ...p.options}).filter(([k]) => k !== "maximize")
      .map(([k, v]) => `${k} = ${Array.isArray(v) ? `(${v.join(", ")})` : v}`).join(", ");
    const note = document.createElement("p");
    note.textContent = `torch.optim.${p.def.title}(${options}). In the course notebooks: ${p.seeds}`;
    section.append(h, note, linked(p.def.tex, updateRegions(p.def)));
    root.append(section);
  }
  return root;
}
