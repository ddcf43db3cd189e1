/**
 * The webgl, webgpu and wasm backends as separate chunks of the browser bundle (scripts/build-engine.ts splits
 * them), imported only when the backend choice starts one (backend.ts): a page or worker downloads the backend
 * it trains on, not all four. Imported for its side effect by lib/browser.ts and lib/worker.ts.
 */
import { setBackendLoaders } from "./backend.js";
import { useWasmMatMul } from "./wasm-matmul.js";

type WasmPaths = string | Record<string, string>;
let wasmPaths: WasmPaths | undefined;

/** Where the wasm binaries are served; applied when the wasm chunk loads (tfjs-backend-wasm's setWasmPaths). */
export function setWasmPaths(paths: WasmPaths): void {
  wasmPaths = paths;
}

setBackendLoaders({
  webgl: () => import("@tensorflow/tfjs-backend-webgl"),
  webgpu: () => import("@tensorflow/tfjs-backend-webgpu"),
  wasm: async () => {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths as never);
    useWasmMatMul();
  },
});
