// The figure every run of the schedules page draws: the rate each step used (and the momentum or β₁, when
// asked), the loss it produced, a line of numbers under it, any lane's error, and optionally the size of each
// step — lanes coloured the same in every chart. The loss chart is marked as a main chart (run.js), so the
// tests wait for the run.
import {curves, lossChart, laneRows, stepSizeChart, tailMeans} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";

/**
 * @param {any} snapshot a snapshot of "schedule-mnist" or "schedule-surface" (lib/experiments/schedules.ts)
 * @param {{width: number, steps: number, rate?: boolean, momentum?: boolean, smoothing?: number, logY?: boolean,
 *   marks?: any[], tail?: number, highest?: boolean, after?: number, stepSizes?: ("per rate" | "absolute")[]}} options
 *   `highest`: also print each lane's highest batch loss; `after`: the mean over the 10 steps after this step
 *   instead of the last `tail`; `stepSizes`: draw |Δθ| / η and/or |Δθ| (runs with measureSteps).
 */
export function scheduleRun(snapshot, {width, steps, rate = true, momentum = false, smoothing = 10, logY = false, marks = [], tail = 50, highest = false, after, stepSizes = []}) {
  const div = document.createElement("div");
  const labels = snapshot.lanes.map((l) => l.label);
  const color = {legend: true, domain: labels};
  const rows = laneRows(snapshot.lanes);
  if (rate) div.append(curves(rows, {y: "lr", z: "run", height: 170, width, color, marks}));
  if (momentum) div.append(curves(rows, {y: "momentum", z: "run", height: 160, width, color, marks}));
  const loss = logY
    ? curves(rows.filter((d) => d.loss > 0), {y: "loss", z: "run", logY, width, color: {...color, legend: !rate}, marks})
    : lossChart(snapshot.lanes, {smoothing, xMax: steps, labels, legend: !rate, width, marks});
  div.append(mainChart(loss, snapshot));
  const lines = [];
  if (highest) lines.push(`Highest batch loss: ${snapshot.lanes.map((l) => `${l.label} ${Math.max(...l.points.map((p) => p.loss)).toFixed(2)}`).join(" · ")}.`);
  if (logY) lines.push(`The loss at the last step: ${tailMeans(snapshot.lanes, {n: 1})}.`);
  else if (after !== undefined) {
    const window = snapshot.lanes.map((l) => ({...l, points: l.points.slice(after, after + 10)}));
    lines.push(`Mean batch loss over the 10 steps after step ${after}: ${tailMeans(window, {n: 10})}.`);
  } else lines.push(`Mean batch loss over the last ${tail} steps: ${tailMeans(snapshot.lanes, {n: tail})}.`);
  for (const line of lines) div.append(status(line));
  for (const l of snapshot.lanes) if (l.error) div.append(status(`${l.label}: ${l.error}`, {error: true}));
  for (const kind of stepSizes) div.append(stepSizeChart(rows, {perRate: kind === "per rate", labels, width, height: 220, marks}));
  return div;
}
