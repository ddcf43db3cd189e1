// Starts the tfjs engine for a page: wasm binaries served by this site, backend from the URL or the automatic rule.
import {tf, setWasmPaths, initBackend} from "../_descent/descent.js";

setWasmPaths({
  "tfjs-backend-wasm.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
  "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")
});

export const engine = await initBackend(new URLSearchParams(location.search).get("backend"));
export {tf};
