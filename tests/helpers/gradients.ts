/**
 * Gradients for the few kernels the parity problems use.
 *
 * tfjs-core's Node bundle registers no gradients at all (`tf.grad` throws "gradient function not found for
 * Sum"), and deep-importing its register_all_gradients would load a second copy of tfjs-core. So tests register
 * these first-order gradients themselves, each only if nothing else has registered one for that kernel.
 * Each follows tfjs-core's own gradient for the kernel. Under the npm scripts, scripts/node-tfjs.mjs already
 * loads a tfjs bundle with every stock gradient, and this is a no-op; it keeps a bare
 * `node --import tsx --test tests/unit/parity.test.ts` working.
 */
import * as tf from "@tensorflow/tfjs-core";
import { batchMatMulGradConfig } from "../../lib/engine/matmul-gradient.js";

/** Sum `dy` over the axes along which `shape` was broadcast, back to `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

/** dy of a reduction over `axis` of x, spread back over x's shape. */
function spread(dy: tf.Tensor, x: tf.Tensor, axis: number | number[] | null | undefined): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
  const kept = tf.backend_util.expandShapeToKeepDim(dy.shape, axes);
  return tf.mul(tf.reshape(dy, kept), tf.onesLike(x));
}

type Attrs = { axis?: number | number[] | null; begin?: number[]; size?: number[] };

const configs: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => unbroadcast(dy as tf.Tensor, b.shape) }),
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => unbroadcast(tf.neg(dy as tf.Tensor), b.shape) }),
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => unbroadcast(tf.mul(dy as tf.Tensor, b), a.shape),
      b: () => unbroadcast(tf.mul(dy as tf.Tensor, a), b.shape),
    }),
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: tf.Square, inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(x, 2)) }) },
  {
    kernelName: tf.Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, 0), "float32")) }),
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => ({ x: () => spread(dy as tf.Tensor, x, (attrs as Attrs).axis) }),
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const axes = tf.util.parseAxisParam((attrs as Attrs).axis ?? x.shape.map((_, i) => i), x.shape);
        const count = axes.reduce((n, a) => n * x.shape[a], 1);
        return tf.div(spread(dy as tf.Tensor, x, axes), count);
      },
    }),
  },
  {
    kernelName: tf.LogSoftmax,
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => ({
      logits: () => {
        const axis = (attrs as Attrs).axis as number;
        return tf.sub(dy as tf.Tensor, tf.mul(tf.sum(dy as tf.Tensor, axis, true), tf.exp(y)));
      },
    }),
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => {
      const { begin, size } = attrs as Required<Pick<Attrs, "begin" | "size">>;
      return { x: () => tf.pad(dy as tf.Tensor, begin.map((b, i) => [b, x.shape[i] - b - size[i]] as [number, number])) };
    },
  },
  batchMatMulGradConfig,
];

let done = false;

/** Register the gradients above where none is registered yet (idempotent). */
export function registerTestGradients(): void {
  if (done) return;
  for (const config of configs) if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  done = true;
}
