/**
 * Descent's library: everything a page (or a course author's page) needs, from one entry point.
 * Framework-free; runs in Node (tests) and in the browser (pages, through lib/browser.ts).
 */
export * from "./engine/index.js";
export * from "./random.js";
export * from "./models/mlp.js";
export * from "./models/losses.js";
