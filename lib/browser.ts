/**
 * The browser build of the library: tfjs core, all four backends, and lib/.
 *
 * Pages import this one bundle (built by scripts/build-engine.ts into src/_descent/), so there is exactly one
 * tfjs instance on a page and its backends and gradient registrations are shared by everything.
 */
// First, before tfjs is evaluated: take ?tfjsflags= and undecodable pairs out of the address (see url-guard).
import { linkProblems } from "./engine/url-guard.js";
// tfjs-core's entry point registers no gradients; this brings every kernel's gradient in.
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
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
export { bindInput, chartControls, inputs, optimizerForm, setUrlValue, urlNotice, urlValue } from "./ui/inputs.js";
