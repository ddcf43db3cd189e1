/**
 * The suite's tests run on tfjs's wasm backend (what readers without a GPU get), single-threaded: Node cannot start
 * tfjs's blob: workers. Registers before/after hooks in the calling file; cpu again after the suite.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { useFastMatMulGradient } from "../../lib/engine/matmul-gradient.js";
import { useWasmMatMul } from "../../lib/engine/wasm-matmul.js";

export function useWasmBackend(): void {
  before(async () => {
    await import("@tensorflow/tfjs-backend-wasm/dist/index.js");
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    assert.ok(await tf.setBackend("wasm"), "wasm backend starts in Node");
    useFastMatMulGradient();
    useWasmMatMul();
  });
  after(() => tf.setBackend("cpu"));
}
