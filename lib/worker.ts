/**
 * What runs in a page's Web Worker: tfjs with its backends, every experiment, and the host that runs them
 * for the page (lib/experiments/host.ts). The page's own thread only draws.
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { initBackend } from "./engine/backend.js";
import { experiments } from "./experiments/registry.js";
import { serve, type HostOptions, type Port } from "./experiments/host.js";

/** Serve experiments on `port` (the worker's global scope, or a MessageChannel end on the main thread). */
export function serveExperiments(port: Port, options: Pick<HostOptions, "throttleMs"> = {}): void {
  serve(port, experiments, {
    ...options,
    async init({ backend, wasmPaths }) {
      if (wasmPaths) setWasmPaths(wasmPaths);
      return initBackend(backend);
    },
    memory: () => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },
  });
}
