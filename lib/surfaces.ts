/**
 * Two-dimensional test functions for watching optimizers move: each written once in tf ops (for training),
 * once in plain numbers (for drawing contours) with its analytic gradient (for the Float32Array race on the
 * landing page, lib/race.ts), with its minimum and a good view. The unit tests check every `grad` against
 * tf.grad of `f`.
 */
import * as tf from "@tensorflow/tfjs-core";

export interface Surface {
  key: string;
  label: string;
  /** f at a point [x, y], as a tf scalar (differentiable). */
  f(p: tf.Tensor1D): tf.Scalar;
  /** f at (x, y) as a number, for contours. */
  value(x: number, y: number): number;
  /** ∇f at (x, y), [∂f/∂x, ∂f/∂y], in plain numbers. */
  grad(x: number, y: number): [number, number];
  start: [number, number];
  /** A global minimum (one of them, when there are several). */
  minimum: [number, number];
  domain: { x: [number, number]; y: [number, number] };
  /** Log-spaced contours read better when f spans decades. */
  logContours: boolean;
}

const xy = (p: tf.Tensor1D) => [tf.slice(p, [0], [1]), tf.slice(p, [1], [1])] as const;

export const surfaces: readonly Surface[] = [
  {
    key: "rosenbrock",
    label: "Rosenbrock",
    f: (p) => tf.tidy(() => {
      const [x, y] = xy(p);
      return tf.sum(tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x)))))) as tf.Scalar;
    }),
    value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    start: [-1.5, 2],
    minimum: [1, 1],
    domain: { x: [-2, 2], y: [-1, 3] },
    logContours: true,
  },
  {
    key: "ill-conditioned",
    label: "Ill-conditioned quadratic",
    f: (p) => tf.tidy(() => {
      const [x, y] = xy(p);
      return tf.sum(tf.add(tf.mul(0.5, tf.square(x)), tf.mul(10, tf.square(y)))) as tf.Scalar;
    }),
    value: (x, y) => 0.5 * x * x + 10 * y * y,
    grad: (x, y) => [x, 20 * y],
    start: [-4, 1.5],
    minimum: [0, 0],
    domain: { x: [-5, 5], y: [-2.5, 2.5] },
    logContours: false,
  },
  {
    key: "beale",
    label: "Beale",
    // (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: a flat plateau, steep walls, minimum at (3, 0.5)
    f: (p) => tf.tidy(() => {
      const [x, y] = xy(p);
      const term = (c: number, yk: tf.Tensor) => tf.square(tf.add(tf.sub(c, x), tf.mul(x, yk)));
      return tf.sum(tf.add(tf.add(term(1.5, y), term(2.25, tf.square(y))), term(2.625, tf.mul(tf.square(y), y)))) as tf.Scalar;
    }),
    value: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2,
    grad: (x, y) => {
      const y2 = y * y;
      const y3 = y2 * y;
      const a = 1.5 - x + x * y;
      const b = 2.25 - x + x * y2;
      const c = 2.625 - x + x * y3;
      return [2 * a * (y - 1) + 2 * b * (y2 - 1) + 2 * c * (y3 - 1), 2 * x * (a + 2 * b * y + 3 * c * y2)];
    },
    start: [1, 1.5],
    minimum: [3, 0.5],
    domain: { x: [-4.5, 4.5], y: [-3, 3] },
    logContours: true,
  },
  {
    key: "saddle",
    label: "Saddle",
    // x² − y² near the origin, held in by y⁴/4: a saddle point at (0, 0) between minima at (0, ±√2)
    f: (p) => tf.tidy(() => {
      const [x, y] = xy(p);
      const y2 = tf.square(y);
      return tf.sum(tf.add(tf.sub(tf.square(x), y2), tf.mul(0.25, tf.square(y2)))) as tf.Scalar;
    }),
    value: (x, y) => x * x - y * y + 0.25 * y ** 4,
    grad: (x, y) => [2 * x, y * y * y - 2 * y],
    start: [-2.5, 0.01],
    minimum: [0, Math.SQRT2],
    domain: { x: [-3, 3], y: [-2.5, 2.5] },
    logContours: false,
  },
];
