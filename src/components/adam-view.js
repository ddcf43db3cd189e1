// @ts-check
// The Adam page's live figures (src/adam.md): each takes a run held by live.js and returns an element that
// redraws itself from the run's latest snapshot, so the page's cells do not re-run per snapshot.
import {
  adamDemoPyTorch, adam, SEED001_DEMO, laneRows, lossTableRows, adamVsTfjsStatus, pitfallStatus, decayRows,
  laneLosses, stepSizeHistogram, decayChart, agreementLosses, agreementDifference, thinLanes, acceptedChanges
} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {exportMenu} from "./export.js";
import {lossTable} from "./loss-table.js";

/** @typedef {{lr: number, steps: number, seed: number, width: number}} DemoOptions */
/** Redraw when a step was added, the run finished or paused, or a setting changed mid-run. */
const progress = (/** @type {any} */ s) => `${s.step}/${s.done}/${s.lanes?.map((/** @type {any} */ l) => `${l.status}${l.changes?.length ?? 0}`).join()}`;

/** The notebook's example: both implementations' losses and their difference, the status line, the export. */
export function demoFigure(/** @type {import("./live.js").Live<any>} */ demo, /** @type {DemoOptions} */ {lr, steps, seed, width}) {
  const div = document.createElement("div");
  div.append(
    demo.chart((s) => mainChart(agreementLosses(s.lanes, {width}), s), {key: progress}),
    demo.chart((s) => agreementDifference(s.lanes, {width}), {key: progress}),
    demo.chart((s) => status(...adamVsTfjsStatus(s, steps)), {key: progress})
  );
  demo.finished.then((s) => div.append(exportMenu({
    name: `adam-random-data-${seed}`,
    rows: laneRows(s.lanes),
    chart: div.querySelector("svg"),
    meta: {lr, steps, seed, samples: SEED001_DEMO.n, inputs: SEED001_DEMO.dIn, hidden: SEED001_DEMO.hidden, outputs: SEED001_DEMO.dOut, betas: adam.defaults.betas, eps: adam.defaults.eps,
      loss: "summed squared error", maxWeightDifference: s.meta.maxParamDiff, error: s.lanes.find((/** @type {any} */ l) => l.error)?.error ?? null, changes: s.lanes[0].changes ?? []},
    pytorch: adamDemoPyTorch({lr, betas: adam.defaults.betas, eps: adam.defaults.eps, steps, seed, sizes: SEED001_DEMO, changes: acceptedChanges(s.lanes[0])})
  })));
  return div;
}

/** The loss every 100 steps, both implementations, as the notebook prints it. */
export function demoTable(/** @type {import("./live.js").Live<any>} */ demo) {
  return demo.chart((s) => lossTable(lossTableRows(s, 100), {ours: "Descent's Adam", theirs: "tf.train.adam"}), {key: (s) => Math.floor(s.step / 100), placeholder: "The table fills in every 100 steps."});
}

/** Adam's per-weight step sizes, redrawn when the worker has read them again (every 50 steps). */
export function stepSizeFigure(/** @type {import("./live.js").Live<any>} */ demo, /** @type {{lr: number, width: number}} */ {lr, width}) {
  return demo.chart((s) => (s.meta?.stepSizes ? stepSizeHistogram(s.meta.stepSizes.histogram, {lr, width}) : status("Waiting for the first step…")), {key: (s) => s.meta?.stepSizes?.step});
}

/** The g²-first-moment pitfall beside Adam, once the main run has finished, and its export. */
export function pitfallFigure(/** @type {import("./live.js").Live<any>} */ pitfall, /** @type {DemoOptions} */ {lr, steps, seed, width}) {
  const div = document.createElement("div");
  div.append(
    pitfall.chart((s) => (s.pending ? status("Waiting for the main run above to finish…") : laneLosses(thinLanes(s.lanes), {colors: ["steelblue", "crimson"], width, height: 260})), {key: progress}),
    pitfall.chart((s) => status(...pitfallStatus(s.pending ? null : s)), {key: progress})
  );
  pitfall.finished.then((s) => div.append(exportMenu({
    name: `adam-pitfall-${seed}`,
    rows: laneRows(s.lanes),
    chart: div.querySelector("svg"),
    meta: {lr, steps, seed, samples: SEED001_DEMO.n, inputs: SEED001_DEMO.dIn, hidden: SEED001_DEMO.hidden, outputs: SEED001_DEMO.dOut, error: s.lanes[1].error},
    pytorch: null
  })));
  return div;
}

/** Adam's L2 penalty against AdamW's decay: the two groups' mean weights, and the export. */
export function decayFigure(/** @type {import("./live.js").Live<any>} */ run, /** @type {{lr: number, weightDecay: number, steps: number, width: number}} */ options) {
  const div = document.createElement("div");
  div.append(run.chart((s) => decayChart(decayRows(s), options), {key: progress}));
  run.finished.then((s) => div.append(exportMenu({
    name: "adam-vs-adamw-decay",
    rows: decayRows(s).map((d) => ({optimizer: d.optimizer, group: d.group, step: d.step, mean: d.mean})),
    chart: div.querySelector("svg"),
    meta: {lr: options.lr, weight_decay: options.weightDecay, steps: options.steps, seed: 5, weightsPerGroup: 200},
    pytorch: null
  })));
  return div;
}

/**
 * Where each optimizer left each group: `{"AdamW (decoupled)": [large-gradient mean, small-gradient mean], …}`.
 * @param {{optimizer: string, group: string, mean: number}[]} rows decayRows of the finished run
 * @returns {Record<string, number[]>}
 */
export function decayEnds(rows) {
  const groups = [...new Set(rows.map((d) => d.group))];
  /** @type {Record<string, number[]>} */
  const out = {};
  for (const o of new Set(rows.map((d) => d.optimizer))) out[o] = groups.map((g) => rows.filter((d) => d.optimizer === o && d.group === g).at(-1)?.mean ?? NaN);
  return out;
}
