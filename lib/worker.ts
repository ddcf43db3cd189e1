/**
 * What runs in a page's Web Worker: tfjs with its backends, every experiment, and the host that runs them
 * for the page (lib/experiments/host.ts). The page's own thread only draws.
 *
 * The backend: hardware WebGPU when it passes the self-check, else a calibration cached by an earlier visit,
 * else a calibration measured here, now (lib/engine/backend.ts: each backend that starts and computes correctly
 * runs a few steps of the bench MLP, the fastest wins). A Worker has no localStorage, so the page sends the
 * cached calibrations with `init` (`storage`), and a calibration measured here goes back to the page in the
 * engine info (`stored`) for the page to keep in localStorage: the next page skips the measurement. Measuring
 * costs a first visit a few seconds before its first run starts, in the worker, so the page stays responsive;
 * it happens before any run, so no backend is switched under a running experiment.
 *
 * On the page's own thread (the fallback where no worker can start) nothing is measured: the seconds of
 * calibration would freeze the page. There the cached calibration or the rule decides.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./engine/backend.js";
import { calibrateMLP } from "./engine/bench.js";
import { setWasmPaths } from "./engine/chunks.js";
import { experiments } from "./experiments/registry.js";
import { serve, type HostOptions, type Port } from "./experiments/host.js";

/** A Storage over the entries the page sent, for backend.ts's calibration cache; `written` collects new entries. */
function storageFrom(entries: Record<string, string>): { storage: Pick<Storage, "getItem" | "setItem">; written: Record<string, string> } {
  const map = new Map(Object.entries(entries));
  const written: Record<string, string> = {};
  return {
    storage: {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => {
        map.set(k, v);
        written[k] = v;
      },
    },
    written,
  };
}

/** Serve experiments on `port` (the worker's global scope, or a MessageChannel end on the main thread). */
export function serveExperiments(port: Port, options: Pick<HostOptions, "throttleMs"> = {}): void {
  serve(port, experiments, {
    ...options,
    async init({ backend, wasmPaths, storage }) {
      if (wasmPaths) setWasmPaths(wasmPaths);
      const inWorker = !("document" in globalThis);
      let written: Record<string, string> = {};
      if (inWorker && !("localStorage" in globalThis)) {
        const shim = storageFrom(storage ?? {});
        written = shim.written;
        Object.defineProperty(globalThis, "localStorage", { value: shim.storage, configurable: true });
      }
      const info = await initBackend(backend, inWorker ? { calibrate: () => calibrateMLP() } : { cacheOnly: true });
      return { ...info, stored: written };
    },
    memory: () => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },
  });
}
