// @ts-check
// The renderers of "Gradient descent, step by step": each takes a snapshot of its experiment
// (lib/experiments/gradient-descent.ts) and the settings it ran with, and returns what the page shows.
import {curves, changeMarks, parabolaChart, parabolaPyTorch, lineFitPyTorch, acceptedChanges, laneChangeNotes} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {exportMenu} from "./export.js";
import {numberTable} from "./number-table.js";

/** Two charts side by side on a wide column, one above the other on a narrow one, each at its shown width. */
const halves = (/** @type {number} */ width) => (width >= 640 ? Math.floor((width - 16) / 2) : width);
const grid = (/** @type {number} */ width, /** @type {Node[]} */ ...children) => {
  const div = document.createElement("div");
  div.style.cssText = `display: grid; gap: 16px; grid-template-columns: ${width >= 640 ? "1fr 1fr" : "1fr"}; margin: 1rem 0;`;
  div.replaceChildren(...children.map((child) => {
    const cell = document.createElement("div");
    cell.append(child);
    return cell;
  }));
  return div;
};

/**
 * The parabola run: x per step (the page's main chart) beside the first steps drawn on f(x) = x², a stop
 * message if it diverged, and its export.
 * @param {any} snapshot a "parabola" snapshot
 * @param {{lr: number, momentum: number, iterations: number, start: number}} spec
 * @param {{width: number}} options
 * @returns {HTMLElement}
 */
export function parabolaView(snapshot, spec, {width}) {
  const lane = snapshot.lanes[0];
  const w = halves(width);
  const root = document.createElement("div");
  if (lane.error) root.append(status(`Stopped: ${lane.error}. Try a learning rate below 1.`, {error: true}));
  root.append(
    exportMenu({name: `parabola-lr${spec.lr}`, rows: lane.points, chart: undefined, meta: spec, pytorch: parabolaPyTorch(spec)}),
    grid(width,
      mainChart(curves(lane.points, {x: "step", y: "x", dots: lane.points.length <= 120, width: w, height: 240}), snapshot),
      parabolaChart(lane.points, spec.start, {width: w, height: 240})
    )
  );
  return root;
}

/**
 * Every 20th iteration of the parabola run: x before and after the step and the loss where the gradient was taken.
 * @param {any} snapshot a "parabola" snapshot
 * @returns {HTMLElement}
 */
export function parabolaTable(snapshot) {
  const f = (/** @type {number} */ v) => v.toFixed(4);
  return numberTable(snapshot.lanes[0].points.filter((/** @type {{step: number}} */ d) => d.step > 0 && d.step % 20 === 0), {
    columns: ["step", "before", "x", "loss"],
    header: {step: "iteration", before: "x before step", x: "x after step", loss: "y = x² (before)"},
    format: {before: f, x: f, loss: f}
  });
}

/**
 * The line fit: training and validation loss per epoch (the page's main chart, marking live rate changes),
 * its export once finished, and a status line with the weights so far against the true ones.
 * @param {any} snapshot a "line-fit" snapshot
 * @param {{lr: number, momentum: number, epochs: number, seed: number}} spec
 * @param {{width: number}} options
 * @returns {HTMLElement}
 */
export function lineFitView(snapshot, spec, {width}) {
  const history = snapshot.lanes.flatMap((/** @type {any} */ l) => l.points.map((/** @type {any} */ p) => ({...p, split: l.key})));
  const train = snapshot.lanes[0];
  const changes = acceptedChanges(train);
  const changedAt = changes.map((c) => c.step);
  const notes = laneChangeNotes(train);
  const chart = curves(history, {x: "epoch", y: "loss", z: "split", logY: true, width, marks: changeMarks(notes)});
  const root = document.createElement("div");
  root.append(mainChart(chart, snapshot));
  if (snapshot.done) root.append(exportMenu({name: `line-fit-seed${spec.seed}`, rows: history, chart, meta: {...spec, changes}, pytorch: lineFitPyTorch({...spec, changes})}));
  const [w1, w2, b] = snapshot.meta.weights;
  root.append(train.error
    ? status(`Stopped: ${train.error}. Lower the learning rate.`, {error: true})
    : status(`${snapshot.done ? "Finished" : "Training…"} epoch ${train.points.at(-1)?.epoch ?? 0} of ${spec.epochs}: ` +
        `w = [${w1.toFixed(4)}, ${w2.toFixed(4)}], b = ${b.toFixed(4)} (true: w = [0.77, −0.56], b = ${snapshot.meta.trueBias.toFixed(4)})` +
        (changedAt.length ? `; learning rate changed at epoch ${changedAt.join(", ")} (dashed)` : "")));
  return root;
}
