/**
 * The Understanding-Adam notebook's "random data" problem: inputs and targets drawn from N(0, 1), no relation between them
 * (`x = torch.randn(N, D_in); y = torch.randn(N, D_out)`). A network can still fit them: with N = 64 rows and
 * a 1000-input layer it has far more weights than targets, so the loss can go to ~0. Seeded, so the same
 * numbers come out in Node and in every browser.
 */
import { normals, rng } from "../random.js";

export interface RandomRegression {
  /** Row-major [n, dIn]. */
  x: Float32Array;
  /** Row-major [n, dOut]. */
  y: Float32Array;
  n: number;
  dIn: number;
  dOut: number;
}

export function randomRegression({ n = 64, dIn = 1000, dOut = 10, seed = 1 } = {}): RandomRegression {
  const random = rng(seed);
  return { x: normals(n * dIn, random), y: normals(n * dOut, random), n, dIn, dOut };
}
