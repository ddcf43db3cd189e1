/**
 * Descent's library: everything a page (or a course author's page) needs, from one entry point.
 * Framework-free; runs in Node (tests) and in the browser (pages, through lib/browser.ts).
 */
export * from "./engine/index.js";
export * from "./random.js";
export * from "./models/mlp.js";
export * from "./models/losses.js";
export * from "./train/parameters.js";
export * from "./train/minimize.js";
export * from "./charts/curves.js";
export * from "./train/diverged.js";
export * from "./data/synthetic.js";
export * from "./optimizers/index.js";
export * from "./schedules/index.js";
export * from "./data/index.js";
export * from "./train/accumulate.js";
export * from "./train/evaluate.js";
export * from "./train/loop.js";
export * from "./surfaces.js";
export * from "./data/random-regression.js";
export * from "./optimizers/moments.js";
export * from "./optimizers/pitfalls.js";
export * from "./train/adam-demo.js";
export * from "./autodiff/index.js";
export * from "./newton/index.js";
export * from "./race.js";
export * from "./url/params.js";
export * from "./data/digits.js";
export * from "./fast/index.js";
export * from "./train/race.js";
export * from "./charts/smoothing.js";
export * from "./charts/loss.js";
export * from "./export/index.js";
export * from "./experiments/index.js";
export * from "./charts/ticks.js";
export * from "./charts/surface.js";
export * from "./charts/rho.js";
export * from "./charts/scales.js";
export * from "./charts/memory.js";
export * from "./charts/spectrum.js";
export * from "./charts/gap.js";
