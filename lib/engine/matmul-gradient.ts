/**
 * A BatchMatMul gradient that never asks matMul to transpose.
 *
 * tfjs's own gradient computes dA = dY·Bᵀ and dB = Aᵀ·dY with matMul's transposeA/transposeB flags. The wasm
 * backend runs any transposed matMul on a scalar slow path (~15× slower than its XNNPACK path), so a
 * training step spent most of its time there (measured 12 → 42–60 steps/s on the bench MLP once fixed).
 * Materialising the transpose first keeps every matMul on the fast path. The math is unchanged; tests compare
 * it with the stock gradient for all four flag combinations.
 *
 * Only on wasm: measured in December (npm run bench, bench MLP steps/s, explicit vs stock) wasm 58 vs 16.5
 * (3.5×), WebGL 3.6 vs 7.4 (0.49×: its shaders read transposed operands for free, the transposes are extra
 * passes), cpu 1.02 vs 0.97 (noise, under load 15–17). Elsewhere the registered gradient is tfjs's own.
 */
import * as tf from "@tensorflow/tfjs-core";

/** Swap the last two axes. */
function T(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** a·b with optional transposes, always as a plain matMul. */
export function plainMatMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  return tf.matMul(transposeA ? T(a) : a, transposeB ? T(b) : b);
}

/**
 * For Y = op(A)·op(B):  dA and dB per flag combination, as in tfjs-core's batchMatMulGradConfig,
 * but with explicit transposes.
 */
export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const dY = dy as tf.Tensor;
    if (!transposeA && !transposeB) return { a: () => plainMatMul(dY, b, false, true), b: () => plainMatMul(a, dY, true, false) };
    if (!transposeA && transposeB) return { a: () => plainMatMul(dY, b), b: () => plainMatMul(dY, a, true, false) };
    if (transposeA && !transposeB) return { a: () => plainMatMul(b, dY, false, true), b: () => plainMatMul(a, dY) };
    return { a: () => plainMatMul(b, dY, true, true), b: () => plainMatMul(dY, a, true, true) };
  },
};

let registered = false;
/** tfjs's own gradient, as registered before ours replaced it. */
let stock: tf.GradConfig | undefined;

/** The explicit transposes on wasm, where they pay; tfjs's own gradient on every other backend. */
const perBackend: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => (tf.getBackend() === "wasm" || !stock ? batchMatMulGradConfig : stock).gradFunc(dy, saved, attrs),
};

/** Install the gradient above for the wasm backend (global in tfjs; idempotent). */
export function useFastMatMulGradient(): void {
  if (registered) return;
  stock ??= tf.getGradient(tf.BatchMatMul);
  tf.registerGradient(perBackend);
  registered = true;
}

/** Put tfjs's own gradient back (the bench measures whether the explicit transposes still pay). */
export function useStockMatMulGradient(): void {
  if (!registered || !stock) return;
  tf.registerGradient(stock);
  registered = false;
}
