// @ts-check
// The landing page's race: a contour plot of a 2-D surface with every optimizer's path drawn over it, a start
// point to drag (pointer or arrow keys), a step slider with play/pause, a legend that says where each run
// stands, and the time each rerun took. The computation is lib/race.ts; this file only draws and wires.
import * as Plot from "@observablehq/plot";
import {optimizerForm} from "./optimizer-form.js";
import {rampMargins} from "../_descent/descent.js";

/**
 * @typedef {import("../_descent/descent.js").Surface} Surface
 * @typedef {import("../_descent/descent.js").OptimizerChoice} Entry
 * @typedef {import("../_descent/descent.js").SurfaceContours} SurfaceContours
 * @typedef {import("../_descent/descent.js").RaceChange} RaceChange
 * @typedef {{step: number, options: Record<string, unknown>, error?: string}} TrackChange
 * @typedef {{key: string, label: string, points: number, xs: Float32Array, ys: Float32Array, losses: Float32Array, divergedAt: number | null, diverged: string | null, error: string | null, changes: TrackChange[]}} Track
 * @typedef {{start: [number, number], ms: number, tracks: Track[]}} RaceResult
 * @typedef {{surface: Surface, entries: Entry[], compute: (start: [number, number], steps: number, changes: RaceChange[]) => Promise<RaceResult>, contours: () => Promise<SurfaceContours>}} Race
 * @typedef {[number, number]} Point2
 */

/** One colour per preset, in preset order (Tableau 10, without its greys), then six more for torch's others. */
export const raceColors = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#edc948", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
/**
 * A dash pattern per path as well as a colour: several paths often share one valley floor, where orange,
 * yellow and brown cannot be told apart by colour alone.
 */
export const raceDashes = [null, "7,3", "2,2", null, "7,3", "2,2", null, "7,3", "4,2,1,2", null, "7,3", "2,2", "4,2,1,2", null];

/** One query for the page, read at each chart's arrival (a MediaQueryList per chart was one more object per rerun). */
const reducedMotion = typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

/** Which paths a reader has hidden, by entry key; kept while the page is open (a new surface keeps them). */
/** @type {Set<string>} */
const hidden = new Set();
let hiddenSeeded = false;

const SVG = "http://www.w3.org/2000/svg";
const svgEl = (/** @type {string} */ name, /** @type {Record<string, unknown>} */ attrs = {}) => {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};
const el = (/** @type {string} */ name, /** @type {Record<string, unknown>} */ attrs = {}, /** @type {(Node | string)[]} */ ...children) => {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
};

const fmt = (/** @type {number} */ v) => (v === 0 ? "0" : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : String(+v.toPrecision(3)));

const css = `
.descent-race { font: 13px var(--sans-serif); max-width: 1000px; }
.descent-race-row { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: flex-start; }
.descent-race-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; margin: 0.25rem 0 0.5rem; }
.descent-race-controls button { font: inherit; min-width: 5.5em; }
.descent-race-controls input[type=range] { width: min(320px, 60vw); }
.descent-race-controls .live input[type=range] { width: min(160px, 40vw); }
.descent-race-controls .live { display: inline-flex; gap: 0.4rem; align-items: center; }
.descent-race-controls output { font-variant-numeric: tabular-nums; min-width: 3.5em; }
.descent-race svg { touch-action: none; user-select: none; max-width: 100%; height: auto; }
.descent-race .handle { cursor: grab; }
.descent-race .handle:focus { outline: none; }
.descent-race .handle:focus-visible, .descent-race .handle.dragging { stroke: var(--theme-foreground-focus, #3b5fc0); stroke-width: 3; }
.descent-race-legend { list-style: none; margin: 0; padding: 0; min-width: 250px; flex: 1 1 250px; max-width: 340px; }
.descent-race-legend li { display: grid; grid-template-columns: 40px 1fr; column-gap: 6px; padding: 3px 4px; border-radius: 4px; cursor: default; }
.descent-race-legend .pick { display: flex; gap: 4px; align-items: flex-start; cursor: pointer; }
.descent-race-legend .pick input { margin: 3px 0 0; }
.descent-race-legend li.off .name, .descent-race-legend li.off .meta { opacity: 0.45; }
.descent-race-legend li:hover { background: var(--theme-background-alt, #f4f4f4); }
.descent-race-legend .swatch { width: 18px; height: 4px; border-radius: 2px; margin-top: 7px; flex: none; }
.descent-race-legend .name { font-weight: 600; }
.descent-race-legend .meta { grid-column: 2; color: var(--theme-foreground-muted); font-variant-numeric: tabular-nums; }
.descent-race-legend .bad .meta { color: var(--theme-red, #d62728); }
.descent-race-timing { font-variant-numeric: tabular-nums; color: var(--theme-foreground-muted); }
.descent-race-tech { color: var(--theme-foreground-muted); font-size: 12px; margin-top: 0.25rem; }
.descent-race-tech summary { cursor: pointer; }
.descent-race-panel { font: 13px var(--sans-serif); margin: 0.5rem 0 1rem; max-width: 1000px; }
.descent-race-panel > summary { cursor: pointer; font-weight: 600; }
.descent-race-panel .optimizers { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 0 1rem; margin-top: 0.4rem; }
.descent-race-panel details > summary { cursor: pointer; padding: 2px 0; font-variant-numeric: tabular-nums; }
.descent-race-panel .swatch { display: inline-block; width: 14px; height: 4px; border-radius: 2px; vertical-align: middle; margin-right: 6px; }
.descent-race-panel .lr { color: var(--theme-foreground-muted); margin-left: 0.4em; }
.descent-race-panel form { --label-width: 110px; }
`;

function style() {
  const s = document.createElement("style");
  s.textContent = css;
  return s;
}

// Whether the hyperparameter panel is open survives the panel being rebuilt (a new surface).
const panelState = {open: false, items: new Set()};

/**
 * The hyperparameter panel: one collapsible optimizer form per entry, the lr shown in its summary. Its
 * `value` is the entries with the options as set; it emits `input` like any Inputs element. With `url` (a
 * prefix, the surface's key), each form's fields are kept in the page URL as ?<url>.<entry key>.<field>=…
 * (e.g. beale.adam.lr), so a rate set on one surface never replaces another surface's tuned rate.
 * @param {Entry[]} entries
 * @param {{colors?: string[], url?: string}} [options]
 * @returns {HTMLElement & {value: Entry[]}}
 */
export function racePanel(entries, {colors = raceColors, url} = {}) {
  const panel = /** @type {HTMLDetailsElement & {value: Entry[]}} */ (el("details", {class: "descent-race-panel"}));
  panel.open = panelState.open;
  panel.addEventListener("toggle", () => (panelState.open = panel.open));
  const grid = el("div", {class: "optimizers"});
  // Fourteen forms cost ~25 ms each to build (far more on a busy machine), and a new surface rebuilds the panel:
  // a form is built when its entry is first opened, or at once when the link sets one of its fields (so the
  // link's value runs). Until then the entry runs with its own options, the values its form would start with.
  const linked = typeof location === "undefined" ? [] : [...new URLSearchParams(location.search).keys()];
  /** @type {((HTMLElement & {value: Record<string, unknown>}) | null)[]} */
  const forms = entries.map(() => null);
  entries.forEach((entry, i) => {
    const lr = el("span", {class: "lr"}, `lr ${fmt(Number(entry.options.lr))}`);
    const item = /** @type {HTMLDetailsElement} */ (el("details", {}, el("summary", {}, el("span", {class: "swatch", style: `background:${colors[i % colors.length]}`}), entry.label, lr)));
    const build = () => {
      if (forms[i]) return;
      const form = /** @type {HTMLElement & {value: Record<string, unknown>}} */ (optimizerForm(entry.def, entry.options, url ? {url: `${url}.${entry.key}`} : {}));
      const showLr = () => (lr.textContent = `lr ${fmt(Number(form.value.lr))}`);
      form.addEventListener("input", showLr);
      showLr();
      item.append(form);
      forms[i] = form;
    };
    item.open = panelState.items.has(entry.key);
    item.addEventListener("toggle", () => {
      if (item.open) build();
      if (item.open) panelState.items.add(entry.key);
      else panelState.items.delete(entry.key);
    });
    if (item.open || (url && linked.some((k) => k.startsWith(`${url}.${entry.key}.`)))) build();
    grid.append(item);
  });
  panel.append(el("summary", {}, "Hyperparameters, per optimizer"), grid, style());
  Object.defineProperty(panel, "value", {get: () => entries.map((e, i) => ({...e, options: forms[i]?.value ?? e.options}))});
  return panel;
}

/**
 * The race chart. `race` is `{surface, entries, compute}`: `compute(start, steps)` resolves to the race from
 * that start (lib/experiments/race.ts, run in the page's worker) as `{start, ms, tracks}` (raceTracks below);
 * `start` the first start point; `onStart(p)`
 * hears every new start (so the page can keep it across rebuilds); `onSettle(result, start)` hears each run that
 * a drag does not immediately replace (the first, and the last of a drag, a key press or a reset), so the page
 * can put the start in its URL and offer the run for export; `invalidation` stops the animation. `width`: the
 * width to draw at until the chart has measured its column (it follows the column from then on). Start points
 * are rounded to 3 decimals (finer than a pixel), so the number a link carries is the start that was run.
 * `hiddenAtFirst`: keys of paths to hide until the reader ticks them (applied once per page). `onFirstDraw(result)`
 * hears when the first race is on the chart. `race.contours()` resolves to the surface's contours, drawn under
 * the paths when they come (the paths do not wait for them). "every learning rate ×" scales each optimizer's rate
 * from the replay's next step on (a RaceChange per entry), marked on its path and in its legend entry.
 * @param {Race} race
 * @param {{steps?: number, start?: Point2, onStart?: (p: Point2) => void, onSettle?: (result: RaceResult, p: Point2) => void, onFirstDraw?: (result: RaceResult) => void, colors?: string[], width?: number, invalidation?: Promise<unknown>, hiddenAtFirst?: string[]}} [options]
 * @returns {HTMLElement}
 */
export function raceChart(race, {steps = 500, start, onStart = () => {}, onSettle = () => {}, onFirstDraw = () => {}, colors = raceColors, width = 640, invalidation, hiddenAtFirst = []} = {}) {
  if (!hiddenSeeded) hiddenAtFirst.forEach((key) => hidden.add(key));
  hiddenSeeded = true;
  const surface = race.surface;
  const {x: [x1, x2], y: [y1, y2]} = surface.domain;
  // What the paths are drawn in; kept across layouts (a resize draws a new frame around the same elements).
  const clipId = `descent-race-clip-${Math.random().toString(36).slice(2)}`;
  const clipRect = svgEl("rect");
  const clip = svgEl("clipPath", {id: clipId});
  clip.append(clipRect);
  const overlay = svgEl("g", {"clip-path": `url(#${clipId})`});
  const shading = svgEl("g", {"clip-path": `url(#${clipId})`, class: "descent-race-shading", "aria-hidden": "true"});
  const marks = svgEl("g", {"aria-label": "marks"});
  const paths = race.entries.map((_, /** @type {number} */ i) => svgEl("path", {fill: "none", stroke: colors[i % colors.length], "stroke-width": 1.8, "stroke-linejoin": "round", "stroke-linecap": "round", ...(raceDashes[i % raceDashes.length] ? {"stroke-dasharray": raceDashes[i % raceDashes.length]} : {})}));
  const heads = race.entries.map((_, /** @type {number} */ i) => svgEl("path", {fill: colors[i % colors.length], stroke: "white", "stroke-width": 1}));
  overlay.append(...paths, marks, ...heads);
  const handle = svgEl("circle", {class: "handle", r: 7, fill: "white", stroke: "black", "stroke-width": 2, tabindex: 0, role: "button",
    "aria-roledescription": "draggable start point"});
  /** @type {SurfaceContours | null} */
  let contourData = null;

  /**
   * The frame, axes and scales for a chart `plotWidth` wide: the chart is drawn at the width it is shown, and
   * a window resize lays it out again around the same paths, start and step (no race is computed again).
   * @param {number} plotWidth
   */
  function layout(plotWidth) {
    const plotHeight = Math.round(Math.min(plotWidth * 0.92, 40 + (plotWidth - 60) * (y2 - y1) / (x2 - x1)));
    const svg = Plot.plot({
      width: plotWidth,
      height: plotHeight,
      marginLeft: 40,
      x: {domain: [x1, x2], label: "x"},
      y: {domain: [y1, y2], label: "y"},
      marks: [
        // The contours come from the worker (lib/surface-contours.ts) and are drawn under the frame when they arrive.
        Plot.frame({stroke: "#c8ced4"}),
        Plot.dot([surface.minimum], {x: (d) => d[0], y: (d) => d[1], symbol: "star", fill: "gold", stroke: "black", r: 6, title: () => "minimum"}),
      ],
    });
    svg.setAttribute("aria-label", `Contour plot of the ${surface.label} surface with each optimizer's path`);
    // Both scales exist: the plot above sets x and y domains.
    const sx = /** @type {Plot.Scale & {apply: (v: number) => number, invert: (v: number) => number}} */ (svg.scale("x"));
    const sy = /** @type {Plot.Scale & {apply: (v: number) => number, invert: (v: number) => number}} */ (svg.scale("y"));
    const plotSvg = /** @type {SVGSVGElement} */ (/** @type {unknown} */ (svg));
    const [px1, px2] = [sx.apply(x1), sx.apply(x2)];
    const [py1, py2] = [sy.apply(y2), sy.apply(y1)];
    for (const [k, v] of Object.entries({x: px1, y: py1, width: px2 - px1, height: py2 - py1})) clipRect.setAttribute(k, String(v));
    svg.append(clip, overlay, handle);
    plotSvg.insertBefore(shading, plotSvg.querySelector(":scope > [aria-label=frame]") ?? overlay);
    const limit = 10 * Math.max(plotWidth, plotHeight);
    return {plotWidth, plotSvg, sx, sy, px0: sx.apply(0), pxk: sx.apply(1) - sx.apply(0), py0: sy.apply(0), pyk: sy.apply(1) - sy.apply(0),
      clampPx: (/** @type {number} */ v) => (v < -limit ? -limit : v > limit ? limit : v)};
  }
  const widthFor = (/** @type {number} */ available) => Math.max(280, Math.min(Math.floor(available), 640));
  let view = layout(widthFor(width));
  const svgSlot = el("div", {class: "descent-race-svg"}, view.plotSvg);
  const contourSlot = el("div", {class: "descent-race-contour-key"});

  // Controls.
  const play = el("button", {type: "button"}, "▶ Play");
  const slider = /** @type {HTMLInputElement} */ (el("input", {type: "range", min: 0, max: steps, step: 1, "aria-label": "step"}));
  slider.value = String(steps);
  const stepText = el("span", {class: "descent-race-timing"});
  const stepButton = el("button", {type: "button", "data-control": "step"}, "Step");
  const replay = el("button", {type: "button", "data-control": "restart"}, "↺ Restart");
  const reset = el("button", {type: "button"}, "Reset start");
  // Every learning rate scaled from the step shown on (the replay's next step), each optimizer keeping its
  // buffers: the race is rerun with that change at that step (lib/race.ts's RaceChange), so the path up to
  // here stays as it was.
  const liveInput = /** @type {HTMLInputElement} */ (el("input", {type: "range", min: -1, max: 1, step: 0.05, "aria-label": "every learning rate ×, from the next step", "data-live": "lr"}));
  liveInput.value = "0";
  const liveOut = el("output", {}, "×1");
  const live = el("label", {class: "live"}, "every learning rate ×", liveInput, liveOut);
  const timing = el("p", {class: "descent-race-timing"});
  const tech = el("details", {class: "descent-race-tech"}, el("summary", {}, "How fast this ran"), timing);
  const legend = el("ol", {class: "descent-race-legend", "aria-label": "optimizers"});
  const items = race.entries.map((entry, i) => {
    const meta = el("span", {class: "meta"});
    const show = /** @type {HTMLInputElement} */ (el("input", {type: "checkbox", "aria-label": `show ${entry.label}'s path`}));
    show.checked = !hidden.has(entry.key);
    show.addEventListener("input", (event) => {
      event.stopPropagation(); // a view of the chart, not a page input
      if (show.checked) hidden.delete(entry.key);
      else hidden.add(entry.key);
      draw();
    });
    const dash = raceDashes[i % raceDashes.length];
    const swatch = el("span", {class: "swatch", style: dash ? `background: repeating-linear-gradient(90deg, ${colors[i % colors.length]} 0 5px, transparent 5px 8px)` : `background:${colors[i % colors.length]}`});
    const li = el("li", {}, el("label", {class: "pick"}, show, swatch), el("span", {class: "name"}, entry.label), meta);
    li.addEventListener("mouseenter", () => paths.forEach((p, j) => p.setAttribute("stroke-opacity", j === i ? "1" : "0.15")));
    li.addEventListener("mouseleave", () => paths.forEach((p) => p.removeAttribute("stroke-opacity")));
    legend.append(li);
    return {li, meta};
  });

  const root = el("div", {class: "descent-race"},
    style(),
    el("div", {class: "descent-race-controls"}, play, stepButton, replay, slider, stepText, reset, live),
    el("div", {class: "descent-race-row"}, el("div", {}, svgSlot, contourSlot), legend),
    tech);

  const round = (/** @type {number} */ v) => Math.round(v * 1000) / 1000;
  /** @type {Point2} */
  let startPoint = [...(start ?? surface.start)];
  /** @type {RaceResult} */
  let result = {start: [startPoint[0], startPoint[1]], ms: 0, tracks: []};
  let k = steps;
  /** @type {RaceChange[]} the reader's live changes, each from its step on */
  let changes = [];
  let drawnOnce = false;
  /** @type {number[]} */
  const times = [];

  function draw() {
    const {sx, sy, px0, pxk, py0, pyk, clampPx} = view;
    const [hx, hy] = result.start;
    handle.setAttribute("cx", sx.apply(hx));
    handle.setAttribute("cy", sy.apply(hy));
    handle.setAttribute("aria-label", `start point (${hx.toFixed(2)}, ${hy.toFixed(2)}); drag it, or use the arrow keys`);
    result.tracks.forEach((t, i) => {
      const off = hidden.has(race.entries[i].key);
      paths[i].style.display = heads[i].style.display = off ? "none" : "";
      items[i].li.classList.toggle("off", off);
      const n = Math.min(k + 1, t.points);
      // A hidden path is drawn when it is shown (its checkbox redraws); the scales are linear: one multiply-add.
      let d = "";
      if (!off) for (let j = 0; j < n; j++) d += `${j ? "L" : "M"}${clampPx(px0 + pxk * t.xs[j]).toFixed(1)},${clampPx(py0 + pyk * t.ys[j]).toFixed(1)}`;
      paths[i].setAttribute("d", d);
      if (n === 0) heads[i].setAttribute("d", "");
      else {
        const hx = clampPx(sx.apply(t.xs[n - 1])).toFixed(1);
        const hy = clampPx(sy.apply(t.ys[n - 1])).toFixed(1);
        const stopped = t.divergedAt !== null && k >= t.points;
        heads[i].setAttribute("transform", `translate(${hx},${hy})`);
        // a cross where a diverged run stopped, a dot otherwise
        heads[i].setAttribute("d", stopped ? "M-4,-4L4,4M-4,4L4,-4" : "M4,0A4,4 0 1 1 -4,0A4,4 0 1 1 4,0Z");
        heads[i].setAttribute("stroke", stopped ? colors[i % colors.length] : "white");
        heads[i].setAttribute("stroke-width", stopped ? "2.5" : "1");
      }
      const {li, meta} = items[i];
      const bad = t.error !== null || t.divergedAt !== null;
      li.classList.toggle("bad", bad);
      const lr = Number(race.entries[i].options.lr);
      let text;
      if (t.error !== null) text = t.error;
      else {
        const j = Math.min(k, t.points - 1);
        const taken = t.changes.filter((c) => !c.error && c.step <= j);
        const rate = taken.length ? `lr ${fmt(lr)} → ${fmt(Number(taken[taken.length - 1].options.lr))} from step ${taken[taken.length - 1].step}` : `lr ${fmt(lr)}`;
        const refused = t.changes.find((c) => c.error && c.step <= j);
        text = `${rate} · ${j >= 0 ? `f = ${fmt(t.losses[j])} at step ${j}` : "no finite start"}`;
        if (refused) text += ` · ${refused.error}`;
        if (t.diverged !== null) text += ` · ${t.diverged}`; // divergedMessage's text, from the worker
      }
      meta.textContent = text;
    });
    // A ring where each visible path took a live change, once the replay has got there.
    marks.replaceChildren(...result.tracks.flatMap((t, i) => hidden.has(race.entries[i].key) ? [] : t.changes.filter((c) => !c.error && c.step - 1 <= Math.min(k, t.points - 1)).map((c) => {
      const ring = svgEl("circle", {cx: clampPx(sx.apply(t.xs[c.step - 1])).toFixed(1), cy: clampPx(sy.apply(t.ys[c.step - 1])).toFixed(1), r: 5, fill: "none", stroke: colors[i % colors.length], "stroke-width": 1.5});
      const title = svgEl("title");
      title.textContent = `learning rate changed at step ${c.step}: ${t.label} lr → ${fmt(Number(c.options.lr))}`;
      ring.append(title);
      return ring;
    })));
    stepText.textContent = `step ${k} / ${steps}`;
    liveInput.disabled = k >= steps;
    liveInput.title = k >= steps ? "scrub back or restart to change the rates mid-run" : `applies from step ${k + 1}`;
  }

  // One computation in flight at a time; a start that arrives meanwhile waits, and only the latest is run.
  let computing = false;
  /** @type {Point2 | null} */
  let queued = null;
  async function rerun() {
    if (computing) return void (queued = [startPoint[0], startPoint[1]]);
    computing = true;
    const t0 = performance.now();
    try {
      result = await race.compute(startPoint, steps, changes);
    } finally {
      computing = false;
    }
    const roundTrip = performance.now() - t0;
    times.push(roundTrip);
    if (times.length > 30) times.shift();
    const t1 = performance.now();
    draw();
    const drawMs = performance.now() - t1;
    timing.dataset.rerunMs = result.ms.toFixed(2);
    timing.dataset.roundTripMs = roundTrip.toFixed(2);
    timing.textContent = `Rerun: ${roundTrip.toFixed(0)} ms (${result.ms.toFixed(1)} ms computing ${race.entries.length} optimizers × ${steps} steps in the worker), ${drawMs.toFixed(1)} ms to draw.`;
    if (!drawnOnce) onFirstDraw(result);
    drawnOnce = true;
    if (queued) {
      queued = null;
      await rerun();
    }
    settle();
  }

  // Dragging: coalesce pointer moves into at most one rerun per animation frame.
  /** @type {Point2 | null} */
  let pending = null;
  let frame = 0;
  /** @type {RaceResult | null} */
  let settled = null;
  const settle = () => {
    if (dragging || frame || computing || settled === result) return;
    settled = result;
    onSettle(result, [startPoint[0], startPoint[1]]);
  };
  /** @param {Point2} p */
  function moveStart(p) {
    p = [round(p[0]), round(p[1])];
    startPoint = p;
    clearChanges();
    onStart(p);
    pending = p;
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      if (pending) rerun();
      pending = null;
    });
  }
  /** @returns {Point2 | null} */
  const toData = (/** @type {PointerEvent} */ event) => {
    const {plotSvg, sx, sy} = view;
    const ctm = plotSvg.getScreenCTM();
    if (!ctm) return null;
    const q = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    const x = Math.min(x2, Math.max(x1, sx.invert(q.x)));
    const y = Math.min(y2, Math.max(y1, sy.invert(q.y)));
    return [x, y];
  };
  let dragging = false;
  // On the slot, not the svg: a resize replaces the svg in it.
  svgSlot.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const p = toData(event);
    if (!p) return;
    dragging = true;
    handle.classList.add("dragging");
    svgSlot.setPointerCapture(event.pointerId);
    event.preventDefault();
    moveStart(p);
  });
  svgSlot.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    const p = toData(event);
    if (p) moveStart(p);
  });
  const endDrag = () => {
    if (!dragging) return;
    dragging = false;
    handle.classList.remove("dragging");
    settle();
  };
  svgSlot.addEventListener("pointerup", endDrag);
  svgSlot.addEventListener("pointercancel", endDrag);
  svgSlot.addEventListener("lostpointercapture", endDrag);

  // Keyboard: arrows move the start by 1% of the view (Shift: 10%), Home puts it back.
  handle.addEventListener("keydown", (/** @type {Event} */ e) => {
    const event = /** @type {KeyboardEvent} */ (e);
    const big = event.shiftKey ? 10 : 1;
    const dx = ((x2 - x1) / 100) * big;
    const dy = ((y2 - y1) / 100) * big;
    const [x, y] = startPoint;
    /** @type {Record<string, readonly number[]>} */
    const moves = {ArrowLeft: [x - dx, y], ArrowRight: [x + dx, y], ArrowUp: [x, y + dy], ArrowDown: [x, y - dy], Home: surface.start};
    const p = moves[event.key];
    if (!p) return;
    event.preventDefault();
    moveStart([Math.min(x2, Math.max(x1, p[0])), Math.min(y2, Math.max(y1, p[1]))]);
  });
  reset.addEventListener("click", () => moveStart([...surface.start]));

  /** The live changes apply to one race: a new start or a restart drops them (the panel's rates again). */
  function clearChanges() {
    changes = [];
    liveInput.value = "0";
    liveOut.textContent = "×1";
  }
  liveInput.addEventListener("input", (event) => {
    event.stopPropagation(); // the race's own, not a page input: no cell reruns
    if (k >= steps) return;
    const factor = +(10 ** Number(liveInput.value)).toPrecision(3);
    liveOut.textContent = `×${factor}`;
    // From the step after the one shown; a later change the replay has not reached is replaced.
    changes = [...changes.filter((c) => c.step <= k), ...race.entries.map((e) => ({step: k + 1, lane: e.key, options: {lr: +(Number(e.options.lr) * factor).toPrecision(3)}}))];
    rerun();
  });

  // Step slider and play/pause.
  let playing = 0;
  const setPlaying = (/** @type {boolean} */ on) => {
    if (on && !playing) {
      if (k >= steps) k = 0;
      const perMs = steps / 5000; // the whole race in about five seconds
      let last = performance.now();
      let carry = 0;
      const tick = (/** @type {number} */ now) => {
        // A frame's timestamp can precede the performance.now() read when play was pressed: never step back.
        carry = Math.max(0, carry + (now - last) * perMs);
        last = now;
        const advance = Math.floor(carry);
        carry -= advance;
        k = Math.min(steps, k + advance);
        slider.value = String(k);
        draw();
        playing = k < steps ? requestAnimationFrame(tick) : 0;
        if (!playing) play.textContent = "▶ Play";
      };
      playing = requestAnimationFrame(tick);
      play.textContent = "❚❚ Pause";
    } else if (!on && playing) {
      cancelAnimationFrame(playing);
      playing = 0;
      play.textContent = "▶ Play";
    }
  };
  play.addEventListener("click", () => setPlaying(!playing));
  // Step: pause, then one step further; Restart: back to the start point's step 0 and play again.
  stepButton.addEventListener("click", () => {
    setPlaying(false);
    k = Math.min(steps, k + 1);
    slider.value = String(k);
    draw();
  });
  replay.addEventListener("click", () => {
    setPlaying(false);
    k = 0;
    slider.value = "0";
    if (changes.length) {
      clearChanges();
      rerun();
    } else draw();
    setPlaying(true);
  });
  slider.addEventListener("input", (event) => {
    event.stopPropagation(); // the slider is the chart's own, not a page input
    setPlaying(false);
    k = Number(slider.value);
    draw();
  });

  // The chart follows its column's width itself, so the page's cell need not read Framework's `width` (which
  // would rebuild the chart, and compute its race again, whenever a phone turns or a window's edge moves).
  const resized = new ResizeObserver(() => {
    const w = widthFor(root.clientWidth);
    if (!root.clientWidth || w === view.plotWidth) return;
    view = layout(w);
    svgSlot.replaceChildren(view.plotSvg);
    if (contourData) shading.replaceChildren(...contourPaths(contourData, view.sx, view.sy));
    draw();
  });
  resized.observe(root);

  invalidation?.then(() => {
    setPlaying(false);
    if (frame) cancelAnimationFrame(frame);
    resized.disconnect();
  });

  // Arrival: the paths draw themselves over a few seconds, unless the reader asked for less motion.
  const still = reducedMotion?.matches ?? false;
  rerun().then(() => {
    if (still || dragging) return;
    k = 0;
    slider.value = "0";
    setPlaying(true);
  });
  // Asked for after the race, so the worker answers the race first: the paths do not wait for the contours.
  race.contours().then((c) => {
    contourData = c;
    shading.replaceChildren(...contourPaths(c, view.sx, view.sy));
    contourSlot.replaceChildren(contourLegend(c));
  }, (error) => contourSlot.replaceChildren(el("p", {class: "descent-status error"}, `The contours could not be drawn: ${error?.message ?? error}`)));
  return root;
}

const SHADES = ["#fafbfc", "#b4c0cc"];

/** A level's shade: the lowest level lightest, the highest darkest (linear in the level, as Plot's linear scale). */
function shade(/** @type {number} */ u) {
  const [a, b] = SHADES.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
  return `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * u)).join(",")})`;
}

/**
 * The contour bands as SVG paths in the chart's pixels; the scales are linear, so each is one multiply-add.
 * @param {SurfaceContours} contours
 * @param {{apply: (v: number) => number}} sx
 * @param {{apply: (v: number) => number}} sy
 */
function contourPaths(contours, sx, sy) {
  const [ax, bx] = [sx.apply(0), sx.apply(1) - sx.apply(0)];
  const [ay, by] = [sy.apply(0), sy.apply(1) - sy.apply(0)];
  const {bands} = contours;
  const lo = bands[0]?.value ?? 0;
  const span = (bands[bands.length - 1]?.value ?? 1) - lo || 1;
  return bands.map((band) => {
    const {coords, ends} = band;
    let d = "";
    let n = 0;
    for (const end of ends) {
      for (const first = n; n < end; n++) d += `${n === first ? "M" : "L"}${(ax + bx * coords[2 * n]).toFixed(1)},${(ay + by * coords[2 * n + 1]).toFixed(1)}`;
      d += "Z";
    }
    return svgEl("path", {d, fill: shade((band.value - lo) / span), stroke: "#7f8c99", "stroke-opacity": 0.35, "stroke-width": 0.6});
  });
}

/**
 * The contour shading's scale, under the chart: what a darker band means.
 * @param {SurfaceContours} contours
 */
function contourLegend(contours) {
  const values = contours.bands.map((b) => b.value);
  const legend = Plot.legend({color: {type: "linear", domain: [values[0], values[values.length - 1]], range: SHADES}, label: contours.log ? "log₁₀(f − f_min), darker = higher" : "f, darker = higher", width: 260, ...rampMargins, tickFormat: (v) => String(+v.toPrecision(2))});
  legend.classList.add("descent-race-contours");
  return legend;
}

/**
 * A race snapshot's lanes as the chart's tracks: typed arrays of the path, the count of finite points, where
 * a run diverged and why one could not start.
 * @param {import("../_descent/descent.js").SurfaceRaceSnapshot} snapshot
 * @returns {RaceResult}
 */
export function raceTracks(snapshot) {
  if (!snapshot.meta) throw new Error("A race snapshot carries its start and timing in meta");
  return {
    start: snapshot.meta.start,
    ms: snapshot.meta.ms,
    tracks: snapshot.lanes.map((lane) => ({
      key: lane.key,
      label: lane.label,
      points: lane.points.length,
      xs: Float32Array.from(lane.points, (p) => p.x),
      ys: Float32Array.from(lane.points, (p) => p.y),
      losses: Float32Array.from(lane.points, (p) => p.loss),
      divergedAt: lane.divergedAt ?? null,
      diverged: lane.status === "diverged" ? lane.error : null,
      error: lane.status === "invalid" ? lane.error : null,
      changes: lane.changes ?? []
    }))
  };
}
