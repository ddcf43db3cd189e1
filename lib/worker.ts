/**
 * What runs in a page's Web Worker: tfjs with its backends, every experiment, and the host that runs them
 * for the page (lib/experiments/host.ts). The page's own thread only draws.
 *
 * The backend: hardware WebGPU when it passes the self-check, else a calibration cached by an earlier visit,
 * else the rule (autoChoice: wasm on a machine without a GPU). A Worker has no localStorage, so the page sends
 * the cached calibrations with `init` (`storage`) and this side reads them from there. The worker does not
 * calibrate itself: that would switch backends under a page that is already training, and hold its first run
 * back by seconds; `npm run bench` and the engine check measure instead.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./engine/backend.js";
import { setWasmPaths } from "./engine/chunks.js";
import { experiments } from "./experiments/registry.js";
import { serve, type HostOptions, type Port } from "./experiments/host.js";

/** A read-only Storage over the entries the page sent, for backend.ts's calibration cache. */
function storageFrom(entries: Record<string, string>): Pick<Storage, "getItem" | "setItem"> {
  const map = new Map(Object.entries(entries));
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

/** Serve experiments on `port` (the worker's global scope, or a MessageChannel end on the main thread). */
export function serveExperiments(port: Port, options: Pick<HostOptions, "throttleMs"> = {}): void {
  serve(port, experiments, {
    ...options,
    async init({ backend, wasmPaths, storage }) {
      if (wasmPaths) setWasmPaths(wasmPaths);
      if (storage && !("localStorage" in globalThis)) Object.defineProperty(globalThis, "localStorage", { value: storageFrom(storage), configurable: true });
      return initBackend(backend, { cacheOnly: true });
    },
    memory: () => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },
  });
}
