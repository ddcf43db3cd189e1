// @ts-check
// The figure every run of the schedules page draws: the rate each step used (and the momentum or β₁, when
// asked), the loss it produced, a line of numbers under it, any lane's error, and optionally the size of each
// step — lanes coloured the same in every chart. The loss chart is marked as a main chart (run.js), so the
// tests wait for the run. Each chart is its own live view (live.js): it redraws from the run's latest
// snapshot, in its own animation frame if the frame's budget is spent.
import {curves, lossChart, laneRows, stepSizeChart, tailMeans, thinLanes, changeMarks, laneChangeNotes} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";

/** @typedef {import("../_descent/descent.js").ScheduleSnapshot & {run: number}} ScheduleRun a snapshot of `run(...)` (lab.js) */
/** @typedef {ReturnType<typeof laneRows<import("../_descent/descent.js").SchedulePoint, "run">>[number]} Row */
/** @typedef {import("@observablehq/plot").Markish} Markish */
/** @typedef {{lanes: ScheduleRun["lanes"], labels: string[], rows: Row[], marks: Markish[]}} Prepared */
/** @typedef {Parameters<typeof stepSizeChart>[0][number]} StepRow a row of a run with measureSteps: it has step sizes */

/**
 * What a redraw depends on: steps taken, lanes' statuses, done. A snapshot with the same key draws the same.
 * @param {import("../_descent/descent.js").Snapshot} s
 */
export const progress = (s) => `${s.step}/${s.done}/${s.lanes.map((l) => `${l.status}${l.changes?.length ?? 0}`).join()}`;

/**
 * @param {import("./live.js").Live<ScheduleRun>} run a live run of "schedule-mnist" or "schedule-surface" (lib/experiments/schedules.ts)
 * @param {{width: number, steps: number, rate?: boolean, momentum?: boolean, smoothing?: number, logY?: boolean,
 *   marks?: Markish[], tail?: number, highest?: boolean, after?: number, stepSizes?: ("per rate" | "absolute")[]}} options
 *   `highest`: also print each lane's highest batch loss; `after`: the mean over the 10 steps after this step
 *   instead of the last `tail`; `stepSizes`: draw |Δθ| / η and/or |Δθ| (runs with measureSteps).
 */
export function scheduleFigure(run, {width, steps, rate = true, momentum = false, smoothing = 10, logY = false, marks = [], tail = 50, highest = false, after, stepSizes = []}) {
  const div = document.createElement("div");
  /** @type {WeakMap<ScheduleRun, Prepared>} */
  const cache = new WeakMap();
  // The rows of a snapshot, computed once for all its charts; thinned, since 200 steps drawn live do not need every point.
  const prepared = (/** @type {ScheduleRun} */ s) => {
    let p = cache.get(s);
    if (!p) {
      const lanes = thinLanes(s.lanes, 300);
      // Rows tagged with the field the charts' series read (z: "run"); the reader's live changes marked.
      p = {lanes, labels: s.lanes.map((l) => l.label), rows: laneRows(lanes, "run"), marks: [...marks, ...changeMarks(laneChangeNotes(s.lanes[0]))]};
      cache.set(s, p);
    }
    return p;
  };
  const chart = (/** @type {(p: Prepared, s: ScheduleRun) => Node} */ draw) => run.chart((s) => draw(prepared(s), s), {key: progress});
  const color = (/** @type {string[]} */ labels) => ({legend: true, domain: labels});
  if (rate) div.append(chart(({rows, labels, marks}) => curves(rows, {y: "lr", z: "run", height: 170, width, color: color(labels), marks})));
  if (momentum) div.append(chart(({rows, labels, marks}) => curves(rows, {y: "momentum", z: "run", height: 160, width, color: color(labels), marks})));
  div.append(chart(({rows, labels, marks}, s) => mainChart(logY
    ? curves(rows.filter((d) => d.loss > 0), {y: "loss", z: "run", logY, width, color: {...color(labels), legend: !rate}, marks})
    : lossChart(s.lanes, {smoothing, xMax: steps, labels, legend: !rate, width, marks}), s)));
  div.append(run.chart((s) => {
    const out = document.createElement("div");
    const lines = [];
    if (highest) lines.push(`Highest batch loss: ${s.lanes.map((l) => `${l.label} ${l.points.length ? Math.max(...l.points.map((p) => p.loss)).toFixed(2) : "–"}`).join(" · ")}.`);
    if (logY) lines.push(`The loss at the last step: ${tailMeans(s.lanes, {n: 1})}.`);
    else if (after !== undefined) {
      const window = s.lanes.map((l) => ({...l, points: l.points.slice(after, after + 10)}));
      lines.push(`Mean batch loss over the 10 steps after step ${after}: ${tailMeans(window, {n: 10})}.`);
    } else lines.push(`Mean batch loss over the last ${tail} steps: ${tailMeans(s.lanes, {n: tail})}.`);
    for (const line of lines) out.append(status(line));
    for (const l of s.lanes) if (l.error) out.append(status(`${l.label}: ${l.error}`, {error: true}));
    return out;
  }, {key: progress, placeholder: ""}));
  for (const kind of stepSizes) div.append(chart(({rows, labels, marks}) => stepSizeChart(/** @type {StepRow[]} */ (rows), {perRate: kind === "per rate", labels, width, height: 220, marks})));
  return div;
}
