/**
 * Gradients that can themselves be differentiated, so that double backprop (a gradient of a gradient) gives
 * correct Hessian-vector products.
 *
 * Why this module exists
 * ----------------------
 * 1. `@tensorflow/tfjs-core` on its own registers **no gradients at all**: tfjs-core's stock gradient
 *    configs are registered by `@tensorflow/tfjs-core/dist/register_all_gradients`, which only the umbrella
 *    `@tensorflow/tfjs` package imports, and Descent may not deep-import `dist/` (dual-package hazard).
 *    Without a registration, `tf.grad` throws "gradient function not found for Sum".
 * 2. tfjs's stock gradients are not safe for second order (tfjs issue #3252). A gradient config may ask the
 *    engine to save the op's *output* (`outputsToSave`); the engine clones it, and the clone is recorded on
 *    the tape *before* the op that produced it. The tape filter walks forward, so the clone looks unrelated
 *    to x and the second-order term through it is silently dropped (Exp, Tanh, Sigmoid, Softmax, Max, Min,
 *    Pow's exponent gradient). Ops built with `tf.customGrad` (`tf.logSoftmax`,
 *    `tf.losses.softmaxCrossEntropy`, `tf.logSigmoid`) save values computed off the tape: their gradients
 *    are constants to an outer backprop, so a Hessian through them is wrong too, and `registerGradient`
 *    cannot reach them.
 *
 * The fix: every config below saves only *inputs* and recomputes whatever it needs from them with ordinary
 * ops whose gradients are also in this table, so the gradient graph is itself differentiable (to any order).
 * For the customGrad ops we export replacements built from primitives: {@link logSoftmax},
 * {@link logSumExp} and {@link softmaxCrossEntropy}. Use these, not the tf.* ones, in anything you want a
 * Hessian of.
 *
 * Kernels registered by {@link enableSecondOrderGradients}, and why:
 * - recompute from the saved input instead of reusing the output (the #3252 bug):
 *   Exp, Tanh, Sigmoid, Softmax, Max, Min, Pow;
 * - not registered at all by tfjs-core alone, written here from inputs only: Add, Sub, Multiply, RealDiv,
 *   Neg, Square, Sqrt, Log, Sin, Cos, Relu, Step, Sum, Mean, Reshape, ExpandDims, Slice, PadV2, Concat,
 *   SplitV, Transpose, BroadcastTo, Identity, Cast, ZerosLike, OnesLike, AddN, and Equal (Max/Min's tie
 *   mask; zero almost everywhere).
 * - BatchMatMul: registered only if no gradient is registered yet. Another module may install a faster one
 *   (explicit transpose + plain matMul for wasm, lib/engine); any BatchMatMul gradient computed from the
 *   saved inputs a and b is double-differentiable, so we never override it.
 *
 * `registerGradient` is global and the last registration wins, so {@link secondOrderGradientsEnabled}
 * checks the registry itself, and the Hessian helpers refuse to run when something replaced our configs.
 */
import * as tf from "@tensorflow/tfjs-core";

type T = tf.Tensor;

const f32 = (x: T): T => (x.dtype === "float32" ? x : tf.cast(x, "float32"));

/** Axes normalised to [0, rank), all axes when `axis` is null/undefined. */
function normalizeAxes(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis == null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + rank : a));
}

/** `shape` with the reduced axes put back as 1s (the keepDims shape). */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sum `dx` (shaped like the broadcast output) back down to `shape` (an input broadcast into it). */
function unbroadcast(dx: T, shape: readonly number[]): T {
  const offset = dx.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dx.rank; i++) {
    if (i < offset || (shape[i - offset] === 1 && dx.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? tf.sum(dx, axes) : dx;
  return tf.reshape(summed, shape as number[]);
}

/** Gradient of a reduction: dy broadcast back over the reduced axes of x, times `scale`. */
function spread(dy: T, x: T, axis: number | number[] | null | undefined, keepDims: boolean): T {
  const axes = normalizeAxes(axis, x.rank);
  const dyKept = keepDims ? dy : tf.reshape(dy, keptShape(x.shape, axes));
  return tf.mul(dyKept, tf.ones(x.shape));
}

const one = () => tf.scalar(1);

function unary(kernelName: string, dx: (dy: T, x: T) => T): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({ x: () => dx(dy as T, f32(saved[0])) }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise binary ops (with broadcasting).

const addGrad: tf.GradConfig = {
  kernelName: tf.Add,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as T, a.shape), b: () => unbroadcast(dy as T, b.shape) }),
};

const subGrad: tf.GradConfig = {
  kernelName: tf.Sub,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(dy as T, a.shape),
    b: () => unbroadcast(tf.neg(dy as T), b.shape),
  }),
};

const mulGrad: tf.GradConfig = {
  kernelName: tf.Multiply,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.mul(dy as T, f32(b)), a.shape),
    b: () => unbroadcast(tf.mul(dy as T, f32(a)), b.shape),
  }),
};

const divGrad: tf.GradConfig = {
  kernelName: tf.RealDiv,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.div(dy as T, f32(b)), a.shape),
    // d(a/b)/db = −a/b²
    b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as T, f32(a)), tf.square(f32(b)))), b.shape),
  }),
};

/**
 * y = aᵇ. da = dy·b·aᵇ⁻¹; db = dy·aᵇ·ln a where a > 0, else 0. tfjs's stock config reuses the saved output y
 * for db. The mask m = step(a) keeps ln finite without a comparison op: ln(m·a + 1 − m)·m.
 */
const powGrad: tf.GradConfig = {
  kernelName: tf.Pow,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a0, b0]) => {
    const a = f32(a0);
    const b = f32(b0);
    return {
      a: () => unbroadcast(tf.mul(dy as T, tf.mul(b, tf.pow(a, tf.sub(b, one())))), a.shape),
      b: () => {
        const m = tf.step(a);
        const logA = tf.mul(tf.log(tf.add(tf.mul(m, a), tf.sub(one(), m))), m);
        return unbroadcast(tf.mul(dy as T, tf.mul(tf.pow(a, b), logA)), b.shape);
      },
    };
  },
};

const addNGrad: tf.GradConfig = {
  kernelName: tf.AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(dy as T)])),
};

// ---------------------------------------------------------------------------------------------------------
// Elementwise unary ops: every derivative recomputed from x.

const negGrad = unary(tf.Neg, (dy) => tf.neg(dy));
const squareGrad = unary(tf.Square, (dy, x) => tf.mul(dy, tf.mul(x, tf.scalar(2))));
const sqrtGrad = unary(tf.Sqrt, (dy, x) => tf.div(dy, tf.mul(tf.sqrt(x), tf.scalar(2))));
const expGrad = unary(tf.Exp, (dy, x) => tf.mul(dy, tf.exp(x)));
const logGrad = unary(tf.Log, (dy, x) => tf.div(dy, x));
const sinGrad = unary(tf.Sin, (dy, x) => tf.mul(dy, tf.cos(x)));
const cosGrad = unary(tf.Cos, (dy, x) => tf.neg(tf.mul(dy, tf.sin(x))));
/** tanh′ = 1 − tanh². */
const tanhGrad = unary(tf.Tanh, (dy, x) => tf.mul(dy, tf.sub(one(), tf.square(tf.tanh(x)))));
/** σ′ = σ(1 − σ). */
const sigmoidGrad = unary(tf.Sigmoid, (dy, x) => {
  const s = tf.sigmoid(x);
  return tf.mul(dy, tf.mul(s, tf.sub(one(), s)));
});
/** relu′ = step(x): piecewise constant, so relu″ = 0 (Step's gradient below). */
const reluGrad = unary(tf.Relu, (dy, x) => tf.mul(dy, tf.step(x)));
const stepGrad: tf.GradConfig = { kernelName: tf.Step, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as T) }) };
/** The tie mask in Max/Min's gradient is piecewise constant: zero derivative almost everywhere. */
const equalGrad: tf.GradConfig = {
  kernelName: tf.Equal,
  inputsToSave: ["a", "b"],
  gradFunc: (_dy, [a, b]) => ({ a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) }),
};
const identityGrad: tf.GradConfig = { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => f32(dy as T) }) };
const castGrad: tf.GradConfig = { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => tf.clone(dy as T) }) };
const zerosLikeGrad: tf.GradConfig = { kernelName: tf.ZerosLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as T) }) };
const onesLikeGrad: tf.GradConfig = { kernelName: tf.OnesLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as T) }) };

/** Softmax along `dim`: dx = y ⊙ (dy − Σ dy ⊙ y), with y = softmax(logits) recomputed from the saved input. */
const softmaxGrad: tf.GradConfig = {
  kernelName: tf.Softmax,
  inputsToSave: ["logits"],
  gradFunc: (dy, [logits], attrs) => {
    const { dim } = attrs as unknown as tf.SoftmaxAttrs;
    return {
      logits: () => {
        const y = tf.softmax(logits, dim);
        return tf.mul(y, tf.sub(dy as T, tf.sum(tf.mul(dy as T, y), dim, true)));
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------
// Reductions.

const sumGrad: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ["x"],
  gradFunc: (dy, [x], attrs) => {
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    return { x: () => spread(dy as T, x, axis, keepDims) };
  },
};

const meanGrad: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ["x"],
  gradFunc: (dy, [x], attrs) => {
    const { axis, keepDims } = attrs as unknown as tf.MeanAttrs;
    const count = normalizeAxes(axis, x.rank).reduce((n, a) => n * x.shape[a], 1);
    return { x: () => tf.div(spread(dy as T, x, axis, keepDims), tf.scalar(count)) };
  },
};

/** Max/Min: dy goes to the entries equal to the extreme, recomputed from x (stock reuses the saved output). */
function extremeGrad(kernelName: string, axisOf: (attrs: tf.NamedAttrMap) => number | number[], pick: typeof tf.max): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs) => {
      const axis = axisOf(attrs);
      const { keepDims } = attrs as unknown as { keepDims: boolean };
      return {
        x: () => {
          const axes = normalizeAxes(axis, x.rank);
          const y = pick(x, axes, true);
          const mask = tf.cast(tf.equal(x, y), "float32");
          const dyKept = keepDims ? (dy as T) : tf.reshape(dy as T, keptShape(x.shape, axes));
          return tf.mul(dyKept, mask);
        },
      };
    },
  };
}
const maxGrad = extremeGrad(tf.Max, (a) => (a as unknown as tf.MaxAttrs).reductionIndices, tf.max);
const minGrad = extremeGrad(tf.Min, (a) => (a as unknown as tf.MinAttrs).axis, tf.min);

// ---------------------------------------------------------------------------------------------------------
// Shape ops.

const reshapeGrad: tf.GradConfig = {
  kernelName: tf.Reshape,
  inputsToSave: ["x"],
  gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as T, x.shape) }),
};
const expandDimsGrad: tf.GradConfig = {
  kernelName: tf.ExpandDims,
  inputsToSave: ["input"],
  gradFunc: (dy, [input]) => ({ input: () => tf.reshape(dy as T, input.shape) }),
};
const broadcastToGrad: tf.GradConfig = {
  kernelName: tf.BroadcastTo,
  inputsToSave: ["x"],
  gradFunc: (dy, [x]) => ({ x: () => unbroadcast(dy as T, x.shape) }),
};
const transposeGrad: tf.GradConfig = {
  kernelName: tf.Transpose,
  gradFunc: (dy, _saved, attrs) => {
    const { perm } = attrs as unknown as tf.TransposeAttrs;
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return { x: () => tf.transpose(dy as T, inverse) };
  },
};
/** Slice's gradient pads dy back to x's shape; the size comes from dy (so size −1 needs no parsing). */
const sliceGrad: tf.GradConfig = {
  kernelName: tf.Slice,
  inputsToSave: ["x"],
  gradFunc: (dy, [x], attrs) => {
    const { begin } = attrs as unknown as tf.SliceAttrs;
    const b = Array.isArray(begin) ? begin : [begin];
    const d = dy as T;
    const paddings = x.shape.map((n, i): [number, number] => {
      const start = b[i] ?? 0;
      return [start, n - start - d.shape[i]];
    });
    return { x: () => tf.pad(d, paddings) };
  },
};
const padGrad: tf.GradConfig = {
  kernelName: tf.PadV2,
  inputsToSave: ["x"],
  gradFunc: (dy, [x], attrs) => {
    const { paddings } = attrs as unknown as tf.PadV2Attrs;
    return { x: () => tf.slice(dy as T, paddings.map((p) => p[0]), x.shape) };
  },
};
const concatGrad: tf.GradConfig = {
  kernelName: tf.Concat,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const rank = saved[0].rank;
    const axis = normalizeAxes((attrs as unknown as tf.ConcatAttrs).axis, rank)[0];
    const sizes = saved.map((t) => t.shape[axis]);
    const parts = tf.split(dy as T, sizes, axis);
    return Object.fromEntries(parts.map((p, i) => [String(i), () => p]));
  },
};
const splitGrad: tf.GradConfig = {
  kernelName: tf.SplitV,
  gradFunc: (dys, _saved, attrs) => {
    const { axis } = attrs as unknown as tf.SplitVAttrs;
    return { x: () => tf.concat(dys as T[], axis) };
  },
};

// ---------------------------------------------------------------------------------------------------------
// Matrix product: only installed when nothing else is (see the module comment).

/** Swap the last two axes. */
function swapLast(x: T): T {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** Reduce a batched gradient over broadcast batch dimensions back to the input's shape. */
function batchReduce(g: T, shape: readonly number[]): T {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - 2;
  const target = shape.length >= 2 ? [...shape.slice(0, -2)] : [];
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) {
    const j = i - (lead - target.length);
    if (j < 0 || target[j] === 1) axes.push(i);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape as number[]);
}

export const secondOrderBatchMatMulGradConfig: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, [a, b], attrs) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const d = dy as T;
    // Y = op(A)·op(B); dop(A) = dY·op(B)ᵀ, dop(B) = op(A)ᵀ·dY, then undo op.
    const opA = transposeA ? swapLast(a) : a;
    const opB = transposeB ? swapLast(b) : b;
    const dOpA = () => tf.matMul(d, swapLast(opB));
    const dOpB = () => tf.matMul(swapLast(opA), d);
    return {
      a: () => batchReduce(transposeA ? swapLast(dOpA()) : dOpA(), a.shape),
      b: () => batchReduce(transposeB ? swapLast(dOpB()) : dOpB(), b.shape),
    };
  },
};

/** Every config this module owns (BatchMatMul is handled separately). */
export const secondOrderGradConfigs: readonly tf.GradConfig[] = Object.freeze([
  addGrad, subGrad, mulGrad, divGrad, powGrad, addNGrad,
  negGrad, squareGrad, sqrtGrad, expGrad, logGrad, sinGrad, cosGrad, tanhGrad, sigmoidGrad, reluGrad, stepGrad,
  equalGrad, identityGrad, castGrad, zerosLikeGrad, onesLikeGrad, softmaxGrad,
  sumGrad, meanGrad, maxGrad, minGrad,
  reshapeGrad, expandDimsGrad, broadcastToGrad, transposeGrad, sliceGrad, padGrad, concatGrad, splitGrad,
]);

/**
 * Register the gradients above (global in tfjs). Idempotent: a config already in place is left alone, and a
 * config someone else replaced is put back. BatchMatMul's gradient is installed only if none is registered.
 */
export function enableSecondOrderGradients(): void {
  for (const config of secondOrderGradConfigs) {
    if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
  }
  if (tf.getGradient(tf.BatchMatMul) == null) tf.registerGradient(secondOrderBatchMatMulGradConfig);
}

/** Kernels whose registered gradient is not ours (empty when double backprop is safe). */
export function foreignGradients(): string[] {
  const bad = secondOrderGradConfigs.filter((c) => tf.getGradient(c.kernelName) !== c).map((c) => c.kernelName);
  if (tf.getGradient(tf.BatchMatMul) == null) bad.push(tf.BatchMatMul);
  return bad;
}

/** True when every kernel in the table has our gradient registered (and BatchMatMul has one). */
export function secondOrderGradientsEnabled(): boolean {
  return foreignGradients().length === 0;
}

/** Throw a helpful error unless {@link enableSecondOrderGradients} is in effect. */
export function assertSecondOrderGradients(): void {
  const bad = foreignGradients();
  if (bad.length > 0) {
    throw new Error(
      `Second-order gradients are not enabled (kernels ${bad.join(", ")} have other gradients): ` +
        `call enableSecondOrderGradients() after any other registerGradient call.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Differentiable replacements for tfjs's customGrad ops.

/** Identity whose gradient is zero: the value is treated as a constant by every backprop. */
export function stopGradient<R extends tf.Tensor>(x: R): R {
  return noGrad((t) => tf.clone(t), x) as R;
}

/** Compute `fn(x)` off the tape: a constant to backprop (used for the max-shift in logSumExp). */
function noGrad(fn: (x: T) => T, x: T): T {
  const op = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
    const input = args[0] as T;
    return { value: fn(input), gradFunc: () => tf.zerosLike(input) };
  });
  return op(x);
}

/**
 * log Σ exp(x) along `axis`, as m + log Σ exp(x − m) with m = max(x) held constant. The result does not
 * depend on m, so holding it constant changes no derivative, and every op left is differentiable.
 */
export function logSumExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    const ax = normalizeAxes(axis, x.rank);
    const m = noGrad((t) => tf.max(t, ax, true), x);
    const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(x, m)), ax, true)));
    return keepDims ? lse : tf.squeeze(lse, ax);
  });
}

/** log softmax(x) = x − logSumExp(x) along `axis`, double-differentiable (unlike tf.logSoftmax). */
export function logSoftmax<R extends tf.Tensor>(x: R, axis = -1): R {
  return tf.tidy(() => {
    const ax = normalizeAxes(axis, x.rank)[0];
    const m = noGrad((t) => tf.max(t, ax, true), x);
    const shifted = tf.sub(x, m);
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), ax, true))) as R;
  });
}

export type Reduction = "mean" | "sum" | "none";

/**
 * Cross-entropy of softmax(logits) against labels, like torch's `F.cross_entropy`:
 * ℓₙ = −Σ_c yₙc log softmax(zₙ)_c, averaged over rows by default.
 *
 * @param logits [N, C]
 * @param labels one-hot (or soft) targets [N, C], or class indices [N] (int32)
 * @param reduction "mean" (default, torch's), "sum", or "none" (returns [N])
 *
 * Built from primitives so it is twice differentiable; tf.losses.softmaxCrossEntropy is a customGrad op
 * whose gradient an outer backprop sees as a constant (tfjs #3252).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D, reduction: Reduction = "mean"): tf.Tensor {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const y = labels.rank === 1 ? tf.oneHot(tf.cast(labels, "int32") as tf.Tensor1D, classes) : labels;
    const perRow = tf.neg(tf.sum(tf.mul(f32(y), logSoftmax(logits, 1)), 1));
    if (reduction === "none") return perRow;
    return reduction === "sum" ? tf.sum(perRow) : tf.mean(perRow);
  });
}
