/** The small-model fast path: dense nets on Float32Arrays, per-sample training, the Adam-on-digits notebook's digits experiments. */
export * from "./dense.js";
export * from "./train.js";
export * from "./experiments.js";
