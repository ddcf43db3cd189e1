// Starts the tfjs engine for a page: wasm binaries served by this site, backend from the URL or the automatic
// choice (a short calibration on the first visit, cached per browser; lib/engine/backend.ts).
import {tf, setWasmPaths, initBackend, calibrateMLP} from "../_descent/descent.js";
import {badge} from "./badge.js";

const wasmPaths = {
  "tfjs-backend-wasm.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
  "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")
};
setWasmPaths(wasmPaths);

const requested = new URLSearchParams(location.search).get("backend");

// Start downloading the wasm binary now, not after the engine chunk has run: wasm is the backend here unless
// a GPU is asked for. Same mode and credentials as tfjs's own fetch, so the browser reuses this response.
// (Without threads, since the site is not cross-origin isolated, tfjs loads the SIMD binary.)
if (requested !== "webgpu" && requested !== "webgl" && requested !== "cpu") {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = wasmPaths["tfjs-backend-wasm-simd.wasm"];
  document.head.append(link);
}

/** Which backend trains on this page, the adapter behind it, and why (see lib/engine/backend.ts). */
export const engine = await initBackend(requested, {calibrate: () => calibrateMLP()});
export {tf};

/** The badge every page shows (badge.js), for a page that trains on its own thread. */
export function engineBadge() {
  return badge(engine);
}
