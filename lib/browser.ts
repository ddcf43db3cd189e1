/**
 * The browser build of the library: tfjs core with every gradient, the cpu backend, and lib/. The webgl,
 * webgpu and wasm backends are separate chunks (scripts/build-engine.ts splits them), imported only when the
 * backend choice starts them (lib/engine/backend.ts): a page downloads the backend it trains on, not all four.
 *
 * Pages import this one bundle (built into src/_descent/), so there is exactly one tfjs instance on a page
 * and its backends and gradient registrations are shared by everything.
 */
// tfjs-core's entry point registers no gradients; this brings every kernel's gradient in.
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "./engine/chunks.js";
import { useFastMatMulGradient } from "./engine/matmul-gradient.js";

useFastMatMulGradient();

export { tf, setWasmPaths };
export * from "./index.js";
export { serveExperiments } from "./worker.js";
