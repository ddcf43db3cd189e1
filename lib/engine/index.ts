export * from "./backend.js";
export { useFastMatMulGradient, plainMatMul, batchMatMulGradConfig } from "./matmul-gradient.js";
export * from "./bench.js";
