/**
 * The browser build of the library: tfjs core with every gradient, the cpu backend, and lib/. The webgl,
 * webgpu and wasm backends are separate chunks (scripts/build-engine.ts splits them), imported only when the
 * backend choice starts them (lib/engine/backend.ts): a page downloads the backend it trains on, not all four.
 *
 * Pages import this one bundle (built into src/_descent/), so there is exactly one tfjs instance on a page
 * and its backends and gradient registrations are shared by everything.
 */
// First, before tfjs is evaluated: take ?tfjsflags= and undecodable pairs out of the address (see url-guard).
import { linkProblems } from "./engine/url-guard.js";
// tfjs-core's entry point registers no gradients; this brings every kernel's gradient in.
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "./engine/chunks.js";
import { useFastMatMulGradient } from "./engine/matmul-gradient.js";
import { parseRowText, type ValueInputRow } from "./url/inputs.js";
import { bound, linkNotice } from "./ui/inputs.js";

useFastMatMulGradient();
// And never later: an env().reset() would read the address again through getQueryParams.
tf.env().getQueryParams = () => ({});

// What the browser tests inspect: tensors alive, the bound inputs, the notice, what the guard removed.
if (typeof window !== "undefined") {
  const accepts = (name: string, text: string) => {
    const row: ValueInputRow | undefined = bound.get(name)?.row;
    return row ? parseRowText(row, text) : null;
  };
  (window as unknown as { descent: object }).descent = { tf, inputs: bound, notice: linkNotice, linkProblems, accepts };
}

export { tf, setWasmPaths };
export * from "./index.js";
export { serveExperiments } from "./worker.js";
export { bindInput, chartControls, inputs, optimizerForm, setUrlValue, urlNotice, urlValue } from "./ui/inputs.js";
