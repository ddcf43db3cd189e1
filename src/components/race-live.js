// @ts-check
// Live views of a shared race (lib/experiments/share.ts, run in the page's worker): a section's loss chart with
// its progress, errors and export, and the page's summary of every run — each redrawn from the latest snapshot
// at most once per animation frame, without rerunning a cell.
import {lossChart, stepsPerSecond, formatDuration, plannedSteps} from "../_descent/descent.js";
import {mainChart, status} from "./run.js";
import {raceProgress} from "./race-view.js";

/**
 * A race snapshot as these views read it (lib/experiments/mnist-from-scratch.ts: MnistRaceSnapshot).
 * @typedef {{run?: number, done: boolean, queued?: boolean, loading?: {loaded: number}, error?: unknown, lanes: any[]}} RaceSnap
 * @typedef {import("../_descent/descent.js").SharedRun<RaceSnap>} Race
 */

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** What a drawing shows of a snapshot: a race waiting for its turn repeats its snapshot, which needs no redraw. */
const shown = (/** @type {RaceSnap} */ s) => `${s.run}|${s.done}|${s.queued}|${s.loading?.loaded}|${s.error}|` + s.lanes.map((l) => `${l.points.length}:${l.status}`).join();

/**
 * Calls draw(snapshot) for each snapshot of `race` that shows something new, once per frame at most, until `invalidation`.
 * @param {Race} race
 * @param {(snap: RaceSnap) => void} draw
 * @param {Promise<unknown> | undefined} invalidation
 */
function follow(race, draw, invalidation) {
  let stopped = false;
  invalidation?.then(() => (stopped = true));
  (async () => {
    for await (const snap of race.updates({key: shown})) {
      if (stopped) return;
      draw(snap);
      await frame();
    }
  })();
}

/**
 * One section's race: its loss chart (the page's main chart with `main`), progress bars, each lane's error,
 * and `exportAs(lanes, chart)` once the race has finished. Chart options go to lossChart.
 * @param {Race} race
 * @param {{main?: boolean, exportAs?: (lanes: any[], chart: SVGSVGElement | HTMLElement) => Node, invalidation?: Promise<unknown>} & Record<string, any>} [options]
 * @returns {HTMLElement}
 */
export function liveRace(race, {main = false, exportAs, invalidation, ...chart} = {}) {
  const root = document.createElement("div");
  follow(race, (snap) => {
    const svg = lossChart(snap.lanes, chart);
    root.replaceChildren(
      // Before the worker's first snapshot there is no run yet: draw the empty frame, but not as a run's chart.
      main && snap.run !== undefined ? mainChart(/** @type {Node} */ (svg), {run: snap.run, done: snap.done}) : svg,
      ...(snap.done && !snap.error && exportAs ? [exportAs(snap.lanes, svg)] : []),
      raceProgress(snap),
      ...snap.lanes.filter((l) => l.error).map((l) => status(`${l.label}: ${l.error}`, {error: true}))
    );
  }, invalidation);
  return root;
}

/**
 * A paragraph of prose computed from a run (a <p>, like the text around it).
 * @param {string} text
 */
export function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

/**
 * Every race of the page: one progress bar over all their steps, when they finished, the training speed of one
 * run, and what the notebook's full run would take at that speed.
 * @param {Race[]} races
 * @param {{pageStart: number, batchSize: number, backend: string, full: boolean, trainCount: number, invalidation?: Promise<unknown>}} options
 * @returns {HTMLElement}
 */
export function runsSummary(races, {pageStart, batchSize, backend, full, trainCount, invalidation}) {
  const root = document.createElement("div");
  /** @type {RaceSnap[]} */
  const latest = races.map((r) => r.latest);
  const draw = () => {
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
  // One redraw per second at most while training (and at once when a race finishes): it is a progress line.
  /** @type {ReturnType<typeof setTimeout> | null} */
  let pending = null;
  races.forEach((race, i) => follow(race, (snap) => {
    latest[i] = snap;
    if (snap.done) draw();
    else pending ??= setTimeout(() => ((pending = null), draw()), 1000);
  }, invalidation));
  draw();
  return root;
}
