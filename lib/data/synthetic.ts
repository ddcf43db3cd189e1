/** Synthetic data sets generated from a seed (the same numbers in Node and in every browser). */
import { normals, rng, uniforms } from "../random.js";

export interface LinearData {
  /** Row-major [n, d]. */
  X: Float32Array;
  y: Float32Array;
  n: number;
  d: number;
  /** The true weights and bias the targets were made with. */
  weights: number[];
  bias: number;
}

/**
 * The PyTorch-optimizers notebook's regression problem: X ~ U[0, 10)ⁿˣᵈ, y = X·w + b with the bias b ~ N(0, 12²), no noise.
 */
export function linearData({ n = 100, weights = [0.77, -0.56], biasStd = 12, seed = 9999 } = {}): LinearData {
  const random = rng(seed);
  const d = weights.length;
  const X = uniforms(n * d, random, 0, 10);
  const bias = normals(1, random, 0, biasStd)[0];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = bias;
    for (let j = 0; j < d; j++) s += X[i * d + j] * weights[j];
    y[i] = s;
  }
  return { X, y, n, d, weights, bias };
}

/** Consecutive splits by fractions, without shuffling (the seed slices [:80], [80:90], [90:]). */
export function splitRows(n: number, fractions: number[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  fractions.forEach((f, i) => {
    const end = i === fractions.length - 1 ? n : start + Math.round(f * n);
    out.push([start, end]);
    start = end;
  });
  return out;
}
