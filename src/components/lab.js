// @ts-check
// The page's connection to its training worker (lib/experiments/client.ts): `run(name, spec)` is an async
// generator of snapshots for a Framework cell; leaving the cell (an input change, leaving the page) cancels
// the run in the worker. If no worker can start, the same experiments run on this thread, and the badge says so.
import {connect, serveExperiments} from "../_descent/descent.js";
import {badge} from "./badge.js";
import {recordStart} from "./run.js";

/** Framework rewrites these literals to the files it copies into the site; the worker needs absolute URLs. */
const wasmPaths = Object.fromEntries(Object.entries({
  "tfjs-backend-wasm.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
  "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")
}).map(([k, v]) => [k, new URL(v, location.href).href]));

const requested = new URLSearchParams(location.search).get("backend");

/** The backend calibrations an earlier visit cached (lib/engine/backend.ts): a worker has no localStorage. */
const cachedCalibrations = () => Object.fromEntries(
  Object.keys(localStorage).filter((k) => k.startsWith("descent-backend-")).map((k) => [k, localStorage.getItem(k) ?? ""])
);
const storage = cachedCalibrations();
// Without a cached calibration the worker measures the backends before it answers (a few seconds, more on a
// busy machine): give it longer before taking it for hung.
const timeoutMs = requested || Object.keys(storage).length > 0 ? 20000 : 60000;

/** @returns {import("../../lib/experiments/host.js").Port} */
function hereInstead() {
  const {port1, port2} = new MessageChannel();
  serveExperiments(port2);
  port1.start();
  port2.start();
  return port1;
}

const workerUrl = import.meta.resolve("./worker.js");
export const lab = connect(() => new Worker(workerUrl, {type: "module"}), {backend: requested, wasmPaths, storage, timeoutMs, fallback: hereInstead});
// A calibration the worker measured comes back with its engine info: keep it, so later pages skip the measurement.
lab.engine.then((engine) => {
  for (const [k, v] of Object.entries(/** @type {Record<string, string>} */ (engine.stored ?? {}))) {
    try {
      localStorage.setItem(k, v);
    } catch {
      // storage full or disabled: the next page measures again
    }
  }
}, () => {});

/** For the browser tests: where training runs, its memory counters, open runs. */
Object.assign(window, {__descentLab: lab});

/**
 * Run experiment `name` with `spec` in the worker: an async generator of complete snapshots.
 * @param {string} name a key of lib/experiments/registry.ts
 * @param {unknown} spec plain data (optimizer definitions allowed: they travel by name)
 * @param {{signal?: AbortSignal}} [options] `signal` cancels the run even while it waits for the worker
 */
export function run(name, spec, options) {
  return recordStart(lab.run(name, spec, options));
}

/**
 * A second worker, started on first use, for computations that hold a worker for seconds at a time (a 650×650
 * eigensolve, an exact Newton step): run there, they cannot delay a rerun of the page's main section in the
 * first worker. Same backend rule, same experiments; the badge describes the first worker.
 */
/** @type {import("../../lib/experiments/client.js").Connection | null} */
let background = null;
/**
 * @param {string} name
 * @param {unknown} spec
 */
export async function* runInBackground(name, spec) {
  // After the first worker has chosen (and cached its calibration): the second one reads that, measuring nothing.
  await lab.engine.catch(() => {});
  yield* backgroundLab().run(name, spec);
}

/** The second worker's connection (started on first use): for run controls on a run there (controls.js). */
export function backgroundLab() {
  background ??= connect(() => new Worker(workerUrl, {type: "module"}), {backend: requested, wasmPaths, storage: cachedCalibrations(), fallback: hereInstead});
  Object.assign(window, {__descentBackgroundLab: background});
  return background;
}

/** The engine badge, filled in once the worker has chosen its backend. */
export function engineBadge() {
  const slot = document.createElement("div");
  // Not .descent-engine until the worker has answered: tests and readers take that class as the real badge.
  slot.className = "descent-engine-pending";
  slot.textContent = "Starting the training engine…";
  lab.engine.then(
    (engine) => slot.replaceWith(badge(/** @type {any} */ (engine))),
    (error) => {
      slot.textContent = String(error.message ?? error);
      slot.classList.add("error");
    }
  );
  return slot;
}

/**
 * Run experiment `name` once `promise` resolves (another run on the page has finished), with the spec
 * `spec(value)`; until then the cell's value is `{pending: true}`. Leaving the cell cancels the run as usual.
 * @template T
 * @param {Promise<T>} promise
 * @param {string} name
 * @param {(value: T) => unknown} spec
 */
export async function* runAfter(promise, name, spec) {
  yield {pending: true};
  yield* recordStart(lab.run(name, spec(await promise)));
}
