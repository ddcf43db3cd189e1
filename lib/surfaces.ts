/**
 * Two-dimensional test functions for watching optimizers move: each written once in tf ops (for training)
 * and once in plain numbers (for drawing contours), with its minimum and a good view.
 */
import * as tf from "@tensorflow/tfjs-core";

export interface Surface {
  key: string;
  label: string;
  /** f at a point [x, y], as a tf scalar (differentiable). */
  f(p: tf.Tensor1D): tf.Scalar;
  /** f at (x, y) as a number, for contours. */
  value(x: number, y: number): number;
  start: [number, number];
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
    start: [-4, 1.5],
    minimum: [0, 0],
    domain: { x: [-5, 5], y: [-2.5, 2.5] },
    logContours: false,
  },
];
