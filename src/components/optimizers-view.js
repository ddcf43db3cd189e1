// @ts-check
// The renderers of "The optimizers, equation beside code": one surface run (lib/experiments/surface-run.ts)
// with its loss and state, torch's checks on a typed options object, and one section per optimizer.
import {createFloatOptimizer, curves, changeMarks, optimizerStateCharts, stateRows, symbols, surfaceRunPyTorch} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {exportMenu} from "./export.js";
import {linked, updateRegions} from "./source.js";

/** @param {any} lane @returns {{step: number, note: string}[]} the option changes the run accepted */
const acceptedChanges = (lane) => (lane.changes ?? []).filter((/** @type {any} */ c) => !c.error)
  .map((/** @type {any} */ c) => ({step: c.step, note: Object.entries(c.options).map(([k, v]) => `${k} → ${v}`).join(", ")}));

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

/**
 * The run on its surface (the page's main chart: `chart`, drawn once per surface, gets the path), its status
 * and export, and below it the loss and the optimizer's state buffers, each marking live changes.
 * @param {any} snapshot a "surface-run" snapshot
 * @param {{chart: any, choice: any, surface: any, steps: number, options: Record<string, unknown>, width: number}} spec
 * @returns {HTMLElement}
 */
export function surfaceRunView(snapshot, {chart, choice, surface, steps, options, width}) {
  const path = snapshot.lanes[0];
  const changes = acceptedChanges(path);
  chart.draw(path.points, {marks: changes.map((c) => ({step: c.step, title: `learning rate changed at step ${c.step} (${c.note})`}))});
  const root = document.createElement("div");
  root.append(mainChart(chart.element, snapshot));
  if (snapshot.done) root.append(exportMenu({
    name: `${choice.key}-${surface.key}`,
    rows: path.points.map((/** @type {any} */ {step, x, y, loss}) => ({step, x, y, loss})),
    chart: chart.element,
    meta: {optimizer: choice.key, options, surface: surface.key},
    pytorch: surfaceRunPyTorch({surface: surface.key, start: surface.start, steps, optimizer: {name: choice.def.name, options}})
  }));
  const last = path.points.at(-1);
  root.append(path.error
    ? status(`Stopped: ${path.error}`, {error: true})
    : status(`${snapshot.done ? "Finished" : "Running…"} step ${last.step}: (x, y) = (${last.x.toFixed(4)}, ${last.y.toFixed(4)}), f = ${last.loss.toExponential(3)}`));
  const half = width >= 640 ? Math.floor((width - 16) / 2) : width;
  const row = document.createElement("div");
  row.style.cssText = `display: grid; gap: 16px; grid-template-columns: ${width >= 640 ? "1fr 1fr" : "1fr"};`;
  const rows = stateRows(path.points, snapshot.meta.slots);
  row.append(
    curves(path.points.filter((/** @type {any} */ d) => d.loss > 0), {x: "step", y: "loss", logY: true, width: half, height: 220, marks: changeMarks(changes)}),
    rows.length ? optimizerStateCharts(rows, {width: half, marks: changes.map((c) => c.step)}) : status("Plain SGD keeps no state: its update uses the current gradient only.")
  );
  root.append(row);
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
