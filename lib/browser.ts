/**
 * The browser build of the library: tfjs core, all four backends, and lib/.
 *
 * Pages import this one bundle (built by scripts/build-engine.ts into src/_descent/), so there is exactly one
 * tfjs instance on a page and its backends and gradient registrations are shared by everything.
 */
// tfjs-core's entry point registers no gradients; this brings every kernel's gradient in.
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { useFastMatMulGradient } from "./engine/matmul-gradient.js";

useFastMatMulGradient();

export { tf, setWasmPaths };
export * from "./index.js";
export { serveExperiments } from "./worker.js";
