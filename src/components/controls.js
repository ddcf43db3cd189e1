// @ts-check
// Play / pause / step / restart for a run, and "change it while it runs": option fields whose new value the
// running optimizer takes from its next step on (lib/experiments: RunControl, setOptions keeps every buffer).
//
//   const controls = runControls({live: [{name: "lr", label: "learning rate", value: 0.1, min: 1e-4, max: 1, log: true}]});
//   const restart = view(controls);                                 // its value counts restarts
//   const snapshot = controls.drive(restart, run("surface-run", spec));
import {lab} from "./lab.js";

/**
 * @typedef {{name: string, label: string, value: number, min: number, max: number, log?: boolean, step?: number}} LiveOption
 * @typedef {HTMLElement & {value: number, drive: <S extends {run: number, done: boolean}>(restart: number, snapshots: AsyncGenerator<S>) => AsyncGenerator<S>}} RunControls
 */

const css = `
.descent-controls { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center; font: 13px var(--sans-serif); margin: 0.4rem 0; }
.descent-controls button { font: inherit; min-width: 4.8em; }
.descent-controls label { display: inline-flex; gap: 0.4rem; align-items: center; }
.descent-controls input[type=range] { width: min(180px, 40vw); }
.descent-controls output { font-variant-numeric: tabular-nums; min-width: 4.5em; }
.descent-controls .state { color: var(--theme-foreground-muted); }
`;

const fmt = (/** @type {number} */ v) => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4) ? v.toExponential(1) : String(+v.toPrecision(3)));

/**
 * @param {{live?: LiveOption[], lane?: string, connection?: import("../../lib/experiments/client.js").Connection}} [options]
 *   `live`: options a reader may change while the run goes on; `lane`: which lane they apply to ("*", every
 *   lane, by default); `connection`: the worker the run is in (lab.js's `lab` by default; `backgroundLab()`).
 * @returns {RunControls}
 */
export function runControls({live = [], lane = "*", connection = lab} = {}) {
  const root = /** @type {RunControls} */ (/** @type {unknown} */ (document.createElement("div")));
  root.className = "descent-controls";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "run controls");
  const style = document.createElement("style");
  style.textContent = css;
  const button = (/** @type {string} */ text, /** @type {string} */ name) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.dataset.control = name;
    return b;
  };
  const play = button("❚❚ Pause", "play");
  const step = button("Step", "step");
  const restart = button("↺ Restart", "restart");
  const state = document.createElement("span");
  state.className = "state";
  state.setAttribute("aria-live", "polite");
  root.append(style, play, step, restart);

  /** @type {number | null} */
  let current = null;
  let paused = false;
  let done = false;
  // Called for every snapshot: assign only what changed (writing the same text still restyles and repaints the page).
  const set = (/** @type {any} */ el, /** @type {string} */ k, /** @type {unknown} */ v) => { if (el[k] !== v) el[k] = v; };
  const show = () => {
    set(play, "textContent", paused ? "▶ Play" : "❚❚ Pause");
    set(play, "disabled", done || current === null);
    set(step, "disabled", done || current === null);
    set(state, "textContent", done ? "finished" : paused ? "paused" : current === null ? "" : "running");
  };
  const send = async (/** @type {"pause" | "play" | "step"} */ action) => {
    if (current === null || done) return;
    paused = await connection.control(current, action);
    show();
  };
  play.onclick = () => send(paused ? "play" : "pause");
  step.onclick = () => send("step");

  // The value counts restarts: a cell that reads it starts the run again with the same settings.
  root.value = 0;
  restart.onclick = () => {
    root.value++;
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };

  /** @type {(() => void)[]} */
  const resets = [];
  for (const o of live) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "range";
    const toSlider = (/** @type {number} */ v) => (o.log ? Math.log10(v) : v);
    const fromSlider = (/** @type {number} */ s) => (o.log ? 10 ** s : s);
    input.min = String(toSlider(o.min));
    input.max = String(toSlider(o.max));
    input.step = o.log ? "0.01" : String(o.step ?? (o.max - o.min) / 100);
    input.value = String(toSlider(o.value));
    input.setAttribute("aria-label", `${o.label}, applied from the next step`);
    const out = document.createElement("output");
    out.textContent = fmt(o.value);
    // A live change is the run's business, not the page's: it must not rerun any cell.
    input.addEventListener("input", (event) => {
      event.stopPropagation();
      const v = +fromSlider(Number(input.value)).toPrecision(3);
      out.textContent = fmt(v);
      if (current !== null && !done) connection.set(current, lane, {[o.name]: v});
    });
    // A new run starts from the settings it was given: its sliders show them again.
    resets.push(() => ((input.value = String(toSlider(o.value))), (out.textContent = fmt(o.value))));
    label.append(`${o.label} (live)`, input, out);
    root.append(label);
  }
  root.append(state);

  root.drive = async function* (_restart, snapshots) {
    current = null;
    paused = false;
    done = false;
    for (const reset of resets) reset();
    show();
    for await (const s of snapshots) {
      current = s.run;
      done = s.done;
      show();
      yield s;
    }
  };
  show();
  return root;
}
