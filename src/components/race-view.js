// Page-side pieces of the MNIST races (lib/train/race.ts does the training): a generator that ties a race to a
// Framework cell, a progress bar per run, and the zoom/smoothing controls of a comparison chart.
import {trainingRace, formatDuration, timeEstimate} from "../_descent/descent.js";
import {nextRun} from "./run.js";
import {reportDataError} from "./data-file.js";

// The progress rows' layout (kept here so the component works on any page).
const style = document.createElement("style");
style.textContent = `
.descent-progress { display: grid; gap: 0.2rem; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
.descent-progress-row { display: grid; grid-template-columns: minmax(8rem, 14rem) 10rem 1fr; gap: 0.6rem; align-items: center; }
.descent-progress-row progress { width: 10rem; }
.descent-progress-row.error .text { color: var(--theme-red, #c00); }
.descent-chart-controls { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.descent-chart-controls form { margin: 0.2rem 0; }
`;
document.head.append(style);

/**
 * Starts `trainingRace({...setup, lanes, priority, evaluation})` for the cell that calls it and returns a handle;
 * `invalidation` (that cell's own) aborts the race when an input changes. The race is pumped in the background,
 * so training never waits for the page to pull a value (Framework pulls a generator once per animation frame).
 * Other cells watch it with `handle.updates()`, each at its own pace, so cheap views (progress bars) can follow
 * every snapshot while costly ones (comparison charts, tables) redraw only when what they show has changed.
 * `setup` may be a promise of the setup (the race starts when the data arrive, and the page can draw its charts
 * before that); with `setup` null (data still downloading) the race does not start. Either way the handle
 * reports `loading` until the race starts.
 */
export function startRace(setup, lanes, {priority = 0, invalidation, evaluation, reportEveryMs = 250} = {}) {
  const run = nextRun();
  const waiters = new Set();
  const notify = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  const handle = {
    run,
    latest: {run, lanes: [], done: false, queued: true, wallMs: 0, loading: true},
    finished: !setup,
    /**
     * An async generator of snapshots {run, lanes, done, queued, wallMs, error?}: the current one at once, then
     * each new one whose `key(snapshot)` differs from the last yielded (default: every new snapshot), and always
     * the last. Use it as a cell's value: `const r = handle.updates()`.
     */
    async *updates({key = (s) => s} = {}) {
      let shown = null;
      let shownKey;
      for (;;) {
        const s = handle.latest;
        if (s !== shown && (shown === null || handle.finished || key(s) !== shownKey)) {
          shown = s;
          shownKey = key(s);
          yield s;
        } else if (handle.finished) return;
        else await new Promise((resolve) => waiters.add(resolve));
      }
    }
  };
  if (!setup) return handle;
  const controller = new AbortController();
  invalidation?.then(() => controller.abort());
  (async () => {
    try {
      const resolved = await setup;
      if (controller.signal.aborted) return;
      for await (const snap of trainingRace({...resolved, lanes, priority, reportEveryMs, signal: controller.signal, ...(evaluation && {evaluation})})) {
        handle.latest = {run, ...snap};
        notify();
      }
    } catch (error) {
      handle.latest = {...handle.latest, done: true, error};
    } finally {
      handle.finished = true;
      if (!handle.latest.done && !controller.signal.aborted) handle.latest = {...handle.latest, done: true};
      notify();
    }
  })();
  return handle;
}

/** Snapshot keys for `updates({key})`: redraw when a run finishes, or when an evaluation arrives. */
export const whenFinished = (s) => `${s.done}`;
export const whenEvaluated = (s) => `${s.done}:${s.lanes.map((l) => `${l.evals.length}${l.status}`).join()}`;

const describe = (lane, queued) => {
  switch (lane.status) {
    case "waiting":
      return queued ? "waiting for its turn" : "starting";
    case "invalid":
      return `not run: ${lane.error?.message ?? lane.error}`;
    case "diverged":
      return `stopped: ${lane.error?.message ?? lane.error}`;
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

/** One <progress> per run of a race snapshot, with steps, speed and time left (or why it stopped). */
export function raceProgress(snap) {
  const root = document.createElement("div");
  root.className = "descent-progress";
  if (snap.error) {
    root.textContent = `Could not run: ${snap.error.message}`;
    reportDataError(snap.error.message); // a data file the worker could not use: named once at the top too
    return root;
  }
  if (snap.loading) {
    root.textContent = "Waiting for the training data…";
    return root;
  }
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

// The y-axis maximum and moving-average window of one comparison chart: lib/ui/inputs.ts.
export {chartControls} from "../_descent/descent.js";
