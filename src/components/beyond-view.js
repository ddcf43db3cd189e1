// @ts-check
// The Beyond Adam page's live figures (src/beyond-adam.md), drawn from runs held by live.js: each redraws
// itself from the latest snapshot, so the page's cells do not re-run per snapshot.
import {curves, gapChart, thin, changeMarks} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {numberTable} from "./number-table.js";

const progress = (/** @type {any} */ s) => `${s.step}/${s.done}/${s.lanes.map((/** @type {any} */ l) => `${l.status}${l.changes?.length ?? 0}`).join()}`;

/** Where the reader changed a setting mid-run (the lanes share their changes: they apply to all four). */
const changeNotes = (/** @type {any} */ lane) => (lane?.changes ?? []).filter((/** @type {any} */ c) => !c.error).map((/** @type {any} */ c) => ({step: c.step, note: Object.entries(c.options).map(([k, v]) => `${k} → ${v}`).join(", ")}));

/** The four-rule race: loss curves (thinned), a line per lane that failed, the progress line. */
export function raceFigure(/** @type {import("./live.js").Live<any>} */ race, /** @type {{width: number, steps: number}} */ {width, steps}) {
  return race.chart((s) => {
    const div = document.createElement("div");
    const rows = s.lanes.flatMap((/** @type {any} */ l) => thin(l.points).map((/** @type {any} */ p) => ({optimizer: l.label, step: p.step, loss: p.loss})));
    div.append(mainChart(curves(rows, {x: "step", y: "loss", z: "optimizer", width, marks: changeMarks(changeNotes(s.lanes[0]))}), s));
    for (const l of s.lanes) if (l.error) div.append(status(`${l.label}: ${l.error}`, {error: true}));
    div.append(status(s.done ? `Finished ${steps} steps per optimizer in ${(s.elapsedMs / 1000).toFixed(1)} s.` : `Training… ${s.step} of ${s.totalSteps} steps`));
    return div;
  }, {key: progress});
}

/** Newton, Newton-CG and L-BFGS: the optimality gap by iteration and by time, side by side; the table at the end. */
export function secondOrderFigure(/** @type {import("./live.js").Live<any>} */ second, /** @type {{width: number}} */ {width}) {
  const div = document.createElement("div");
  // Drawn at the width a grid column shows them (as /newton's race): at the column's width they were shrunk to ~7 px ticks.
  const w = Math.max(240, Math.min(width / 2 - 10, 520));
  const grid = document.createElement("div");
  grid.className = "grid grid-cols-2";
  grid.append(
    second.chart((s) => gapChart(s.lanes, {best: s.meta.best, x: "step", width: w}), {key: progress}),
    second.chart((s) => gapChart(s.lanes, {best: s.meta.best, x: "ms", width: w}), {key: progress})
  );
  div.append(grid, second.chart((s) => {
    const out = document.createElement("div");
    for (const l of s.lanes) if (l.error) out.append(status(`${l.label}: ${l.error}`, {error: true}));
    if (s.done) out.append(numberTable(s.lanes.map((/** @type {any} */ l) => ({method: l.label, iterations: l.points.at(-1)?.step ?? 0, loss: l.points.at(-1)?.loss, gradients: l.points.at(-1)?.gradients, ms: l.points.at(-1)?.ms, status: l.status})),
      {columns: ["method", "iterations", "loss", "gradients", "ms", "status"], format: {loss: (v) => v?.toFixed(7) ?? "", ms: (v) => (v == null ? "" : `${v.toFixed(0)} ms`)}, header: {gradients: "gradients + HVPs"}, text: ["method", "status"]}));
    return out;
  }, {key: (s) => `${s.done}/${s.lanes.map((/** @type {any} */ l) => l.status).join()}`, placeholder: ""}));
  return div;
}
