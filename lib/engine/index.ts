export * from "./backend.js";
export { useFastMatMulGradient, useStockMatMulGradient, plainMatMul, batchMatMulGradConfig } from "./matmul-gradient.js";
export * from "./bench.js";
export { useWasmMatMul, useStockWasmMatMul } from "./wasm-matmul.js";
