/**
 * Two-dimensional test functions for watching optimizers move: each written once in tf ops (for training),
 * once in plain numbers (for drawing contours) with its gradient (for the Float32Array race on the landing
 * page, lib/race.ts), with its minimum and a good view.
 *
 * One gradient per surface: `grad` is tf.grad of `f` computed by hand in float32, one rounding per operation in
 * the order tfjs's backward pass takes them (the last use of a value contributes first). It is bit-equal to
 * tfjs's autodiff and to torch's float32 autograd of TORCH_SURFACES (lib/export/pytorch.ts), so the race, the
 * optimizers page and the exported program follow the same path for the whole run (tests/unit/surfaces.test.ts,
 * race.test.ts, pytorch-exports.test.ts). The float64 formula drifts from them within ~150 steps on Rosenbrock.
 */
import * as tf from "@tensorflow/tfjs-core";

const r = Math.fround;

export interface Surface {
  key: string;
  label: string;
  /** f at a point [x, y], as a tf scalar (differentiable). */
  f(p: tf.Tensor1D): tf.Scalar;
  /** f at (x, y) as a number, for contours. */
  value(x: number, y: number): number;
  /** ∇f at float32 (x, y), [∂f/∂x, ∂f/∂y], in float32 arithmetic: bit-equal to tf.grad(f). */
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
    // ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²)
    grad: (x, y) => {
      const gb = r(200 * r(y - r(x * x)));
      return [r(-2 * r(1 - x) - 2 * r(gb * x)), gb];
    },
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
    grad: (x, y) => [x, r(20 * y)],
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
    // ∂f/∂x = 2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1), ∂f/∂y = 2x(a + 2by + 3cy²) for the three terms a, b, c
    grad: (x, y) => {
      const y2 = r(y * y);
      const y3 = r(y2 * y);
      const ga = 2 * r(r(1.5 - x) + r(x * y));
      const gb = 2 * r(r(2.25 - x) + r(x * y2));
      const gc = 2 * r(r(2.625 - x) + r(x * y3));
      const gx = r(r(r(r(r(r(gc * y3) - gc) + r(gb * y2)) - gb) + r(ga * y)) - ga);
      const gy3 = r(gc * x);
      const gy = r(r(r(r(gy3 * y2) + 2 * r(r(gy3 * y) * y)) + 2 * r(r(gb * x) * y)) + r(ga * x));
      return [gx, gy];
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
    // ∂f/∂y = y³ − 2y, as (y²/2 − 1)·2y
    grad: (x, y) => [2 * x, 2 * r(r(0.5 * r(y * y) - 1) * y)],
    start: [-2.5, 0.01],
    minimum: [0, Math.SQRT2],
    domain: { x: [-3, 3], y: [-2.5, 2.5] },
    logContours: false,
  },
];
