// @ts-check
// A run's snapshots drawn off Framework's cell graph. A cell that reads a run's snapshot re-runs — and its
// output is replaced, with a relayout and a style recalculation of the whole page — for every snapshot; on the
// long Adam and schedules pages that measured 200–800 ms a redraw on a loaded machine. Here one cell holds the
// run (its value is this object, fixed for the run), each figure is an element that redraws itself at most once
// per animation frame from the latest snapshot, and only when the part of the snapshot it shows has changed;
// prose that quotes a result reads it once, when the run has finished.
//
//   const demo = live(run("adam-vs-tfjs", spec), invalidation);
//   display(demo.chart((s) => mainChart(laneLosses(s.lanes, {...}), s), {key: (s) => s.step}));
//   const agree = demo.final(agreement, null);      // a generator: null, then agreement(last snapshot)
import {status} from "./run.js";

/**
 * @template S
 * @typedef {{
 *   chart: (render: (s: S) => Node, options?: {key?: (s: S) => unknown, placeholder?: string}) => HTMLDivElement,
 *   final: <T, U>(fn: (s: S) => T, initial: U) => AsyncGenerator<T | U>,
 *   finished: Promise<S>,
 *   latest: S | null
 * }} Live
 */

/** Plot gives every chart the same class and the same <style>: one copy in <head> serves them all. */
const installed = new Set();
/** @param {Node} node */
function shareStyles(node) {
  if (!(node instanceof Element)) return;
  for (const style of node.querySelectorAll("style")) {
    const text = style.textContent ?? "";
    if (!installed.has(text)) {
      installed.add(text);
      const copy = document.createElement("style");
      copy.textContent = text;
      document.head.append(copy);
    }
    style.remove(); // a <style> added to the page restyles all of it, every time
  }
}

/**
 * Every pending redraw of the page, drawn in order, a few per animation frame: all requestAnimationFrame
 * callbacks of a frame run in one task, so eight figures redrawn in the same frame made one long task. Each
 * frame draws until its budget is spent and leaves the rest for the next.
 */
const FRAME_BUDGET_MS = 12;
/** @type {Set<() => void>} */
const pending = new Set();
let scheduled = false;
function schedule(/** @type {() => void} */ draw) {
  pending.add(draw);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(function frame() {
    const t0 = performance.now();
    for (const d of pending) {
      pending.delete(d);
      d();
      if (performance.now() - t0 > FRAME_BUDGET_MS) break;
    }
    if (pending.size) requestAnimationFrame(frame);
    else scheduled = false;
  });
}

/**
 * @template {{done: boolean}} S
 * @param {AsyncGenerator<S>} snapshots a run's snapshots (lab.js `run`, or runControls' `drive` of one)
 * @param {Promise<unknown>} [invalidation] the cell's own: cancels the run when an input changes
 * @returns {Live<S>}
 */
export function live(snapshots, invalidation) {
  /** @type {S | null} */
  let latest = null;
  /** @type {string | null} */
  let error = null;
  /** @type {Set<() => void>} */
  const views = new Set();
  /** @type {(s: S) => void} */
  let finish = () => {};
  /** @type {Promise<S>} */
  const finished = new Promise((resolve) => (finish = resolve));
  let stopped = false;
  invalidation?.then(() => {
    stopped = true;
    views.clear();
  });
  (async () => {
    try {
      for await (const s of snapshots) {
        if (stopped) break; // leaving the loop returns the generator: the worker cancels the run
        latest = s;
        for (const v of views) v();
        if (s.done) finish(s);
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      for (const v of views) v();
    }
  })();

  return {
    get latest() {
      return latest;
    },
    finished,
    chart(render, {key = (/** @type {S} */ s) => s, placeholder = "Starting…"} = {}) {
      const root = document.createElement("div");
      root.className = "descent-live";
      // Its own layer, laid out and painted on its own: a redraw repaints this figure, not the long page around
      // it (measured: Paint was the largest part of the redraw tasks on the Adam page, ~1.5 s in 8 s of training).
      root.style.contain = "layout paint style";
      root.style.willChange = "transform";
      root.append(status(placeholder));
      /** @type {unknown} */
      let drawn;
      let failed = false;
      let tallest = 0;
      const draw = () => {
        if (error !== null) {
          if (!failed) root.replaceChildren(status(error, {error: true}));
          failed = true;
          return;
        }
        if (latest === null) return;
        const k = key(latest);
        if (k === drawn) return;
        drawn = k;
        // Never shrink: a figure that grows and shrinks by a status line moves, and repaints, all the page below
        // it. Read before the change, while the layout is still clean, so the read costs nothing.
        const height = root.offsetHeight;
        if (height > tallest) root.style.minHeight = `${(tallest = height)}px`;
        const node = render(latest);
        shareStyles(node);
        root.replaceChildren(node);
      };
      views.add(() => schedule(draw));
      if (latest !== null || error !== null) schedule(draw);
      return root;
    },
    async *final(fn, initial) {
      yield initial;
      yield fn(await finished);
    }
  };
}

