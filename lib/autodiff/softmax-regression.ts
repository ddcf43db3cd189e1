/**
 * Softmax regression on one flat parameter vector, with its gradient and Hessian in closed form.
 *
 * Layout (as in shared/fixtures/hessian/softmax-regression-3x8): θ = [W, b], W = θ[0 : C·D] row-major
 * [C, D] (torch nn.Linear's [out, in]), b = θ[C·D : C·D + C]. Logits z = X Wᵀ + b, p = softmax(z),
 *
 *   L(θ) = (1/N) Σₙ −log pₙ,yₙ + (λ/2)|θ|²
 *   ∇L   = (1/N) Σₙ (pₙ − yₙ) ⊗ x̃ₙ + λθ
 *   ∇²L  = (1/N) Σₙ (diag pₙ − pₙpₙᵀ) ⊗ x̃ₙx̃ₙᵀ + λI
 *
 * with x̃ = [x, 1] (the 1 carries the bias) and the Kronecker index (c, d) laid out as W's row-major index
 * for d < D and as C·D + c for the bias. The Hessian is one matMul over its distinct entries (see
 * {@link SoftmaxRegressionHessian}); the first closed form, two matMuls with Kₙ,(c,d) = pₙc x̃ₙd
 * (Σₙ pₙpₙᵀ ⊗ x̃ₙx̃ₙᵀ = KᵀK), is kept as {@link softmaxRegressionHessianKronecker}.
 */
import * as tf from "@tensorflow/tfjs-core";
import { softmaxCrossEntropy } from "./second-order.js";

export interface SoftmaxRegressionOptions {
  /** Number of classes C. */
  classes: number;
  /** L2 coefficient λ in (λ/2)|θ|², over all parameters including the bias (default 0). */
  l2?: number;
}

/** Parameter count C·(D + 1). */
export function softmaxRegressionSize(features: number, classes: number): number {
  return classes * (features + 1);
}

/** W [C, D] and b [C] as views of θ (tfjs ops, so differentiable). */
export function unpackSoftmaxRegression(theta: tf.Tensor1D, features: number, classes: number): { W: tf.Tensor2D; b: tf.Tensor1D } {
  const nW = classes * features;
  return {
    W: tf.reshape(tf.slice(theta, [0], [nW]), [classes, features]),
    b: tf.slice(theta, [nW], [classes]),
  };
}

function logitsOf(theta: tf.Tensor1D, X: tf.Tensor2D, classes: number): tf.Tensor2D {
  const { W, b } = unpackSoftmaxRegression(theta, X.shape[1], classes);
  // X·Wᵀ through an explicit transpose: the same on every backend, and wasm's fast matMul path.
  return tf.add(tf.matMul(X, tf.transpose(W)), b) as tf.Tensor2D;
}

function oneHotLabels(labels: tf.Tensor1D | tf.Tensor2D, classes: number): tf.Tensor2D {
  return (labels.rank === 1 ? tf.oneHot(tf.cast(labels, "int32") as tf.Tensor1D, classes) : tf.cast(labels, "float32")) as tf.Tensor2D;
}

/**
 * Mean cross-entropy (+ L2) of softmax regression: the function to differentiate. Twice differentiable
 * once enableSecondOrderGradients() is in effect.
 * @param labels class indices [N] or one-hot [N, C]
 */
export function softmaxRegressionLoss(theta: tf.Tensor1D, X: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D, options: SoftmaxRegressionOptions): tf.Scalar {
  const { classes, l2 = 0 } = options;
  return tf.tidy(() => {
    const ce = softmaxCrossEntropy(logitsOf(theta, X, classes), labels) as tf.Scalar;
    return (l2 === 0 ? ce : tf.add(ce, tf.mul(tf.scalar(0.5 * l2), tf.sum(tf.square(theta))))) as tf.Scalar;
  });
}

/** Class probabilities p [N, C] and K [N, n] with Kₙ,(c,d) = pₙc x̃ₙd in θ's layout. */
function kroneckerRows(theta: tf.Tensor1D, X: tf.Tensor2D, classes: number): { P: tf.Tensor2D; K: tf.Tensor2D } {
  const [N, D] = X.shape;
  const P = tf.softmax(logitsOf(theta, X, classes)) as tf.Tensor2D;
  const PW = tf.reshape(tf.mul(tf.reshape(P, [N, classes, 1]), tf.reshape(X, [N, 1, D])), [N, classes * D]);
  return { P, K: tf.concat([PW, P], 1) as tf.Tensor2D };
}

/** ∇L in closed form: (1/N) Σ (pₙ − yₙ) ⊗ x̃ₙ + λθ, in θ's layout. */
export function softmaxRegressionGradient(theta: tf.Tensor1D, X: tf.Tensor2D, labels: tf.Tensor1D | tf.Tensor2D, options: SoftmaxRegressionOptions): tf.Tensor1D {
  const { classes, l2 = 0 } = options;
  return tf.tidy(() => {
    const N = X.shape[0];
    const P = tf.softmax(logitsOf(theta, X, classes));
    const E = tf.sub(P, oneHotLabels(labels, classes)); // [N, C]
    const gW = tf.div(tf.matMul(tf.transpose(E), X), tf.scalar(N)); // [C, D]
    const gb = tf.mean(E, 0); // [C]
    const g = tf.concat([tf.reshape(gW, [-1]), gb]) as tf.Tensor1D;
    return l2 === 0 ? g : (tf.add(g, tf.mul(tf.scalar(l2), theta)) as tf.Tensor1D);
  });
}

const blockMasks = new Map<string, { feature: tf.Tensor1D; sameClass: tf.Tensor2D }>();

/** For index j of θ: its feature d (D for the bias) and a mask of pairs (j, j') in the same class. */
function blockStructure(features: number, classes: number): { feature: tf.Tensor1D; sameClass: tf.Tensor2D } {
  const key = `${features}x${classes}`;
  let cached = blockMasks.get(key);
  if (cached == null) {
    const n = softmaxRegressionSize(features, classes);
    const nW = classes * features;
    const feature = new Int32Array(n);
    const cls = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      feature[j] = j < nW ? j % features : features;
      cls[j] = j < nW ? Math.floor(j / features) : j - nW;
    }
    const same = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) same[i * n + j] = cls[i] === cls[j] ? 1 : 0;
    cached = { feature: tf.keep(tf.tensor1d(feature, "int32")), sameClass: tf.keep(tf.tensor2d(same, [n, n])) };
    blockMasks.set(key, cached);
  }
  return cached;
}

/**
 * The first closed form, kept as a reference and for the timing comparison on the Newton page:
 *   H = (1/N) [ (X̃ᵀK)[feature(j), j′]·[class(j) = class(j′)]  −  KᵀK ] + λI.
 * Two matMuls, [n, N]·[N, n] and [D+1, N]·[N, n]: about n²N multiply-adds (379 M for the digits model).
 */
export function softmaxRegressionHessianKronecker(theta: tf.Tensor1D, X: tf.Tensor2D, options: SoftmaxRegressionOptions): tf.Tensor2D {
  const { classes, l2 = 0 } = options;
  const [N, D] = X.shape;
  const n = softmaxRegressionSize(D, classes);
  const { feature, sameClass } = blockStructure(D, classes);
  return tf.tidy(() => {
    const { K } = kroneckerRows(theta, X, classes);
    const Xt = tf.transpose(tf.concat([X, tf.ones([N, 1])], 1)); // X̃ᵀ [D+1, N]
    const diagPart = tf.mul(tf.gather(tf.matMul(Xt, K), feature), sameClass); // Σ diag p ⊗ x̃x̃ᵀ
    const outerPart = tf.matMul(tf.transpose(K), K); // Σ ppᵀ ⊗ x̃x̃ᵀ
    const H = tf.div(tf.sub(diagPart, outerPart), tf.scalar(N));
    return (l2 === 0 ? H : tf.add(H, tf.mul(tf.scalar(l2), tf.eye(n)))) as tf.Tensor2D;
  });
}

// #region hessian-blocks
/**
 * The Hessian's block structure, exploited. Block (c, c′) of H (rows of class c, columns of class c′) is
 *   H_cc′ = (1/N) Σₙ wₙ,cc′ x̃ₙx̃ₙᵀ,   wₙ,cc′ = pₙc (δcc′ − pₙc′),
 * a weighted sum of the same outer products x̃ₙx̃ₙᵀ for every block. H is symmetric and so is every block,
 * so only the C(C+1)/2 class pairs c ≤ c′ and the T = (D+1)(D+2)/2 entries d ≤ d′ of x̃x̃ᵀ are distinct:
 *   Gᵀ = Mᵀ W,   W [N, C(C+1)/2] the weights,   M [N, T] the outer products (they depend on X only).
 * One matMul of [2145, 898]·[898, 55] for the digits model: 106 M multiply-adds, against 379 M for KᵀK.
 * Copying G's entries into the n×n matrix is a plain index loop (a tfjs gather of 422,500 entries is slower
 * on wasm than the matMul itself).
 */
export class SoftmaxRegressionHessian {
  readonly features: number;
  readonly classes: number;
  /** Parameter count n = C·(D + 1). */
  readonly size: number;
  private readonly X: tf.Tensor2D;
  private readonly outerT: tf.Tensor2D; // Mᵀ [T, N]: x̃ₙd x̃ₙd′ for d ≤ d′
  private readonly pairA: tf.Tensor1D; // class pairs (c, c′), c ≤ c′
  private readonly pairB: tf.Tensor1D;
  private readonly pairDiag: tf.Tensor1D; // δcc′
  private readonly triRow: Int32Array; // T-index of (d, d′), d ≤ d′: triRow[d] + d′

  /** Precompute the outer products of X's rows (X is borrowed, not copied; keep it alive while in use). */
  constructor(X: tf.Tensor2D, classes: number) {
    const [N, D] = X.shape;
    const D1 = D + 1;
    const T = (D1 * (D1 + 1)) / 2;
    this.features = D;
    this.classes = classes;
    this.size = softmaxRegressionSize(D, classes);
    this.X = X;
    this.triRow = new Int32Array(D1);
    for (let d = 0; d < D1; d++) this.triRow[d] = d * D1 - (d * (d - 1)) / 2 - d;
    const x = X.dataSync();
    // Mᵀ [T, N], row t = (d, d′) holding x̃ₙd x̃ₙd′ for every n: laid out so that the matMul below needs no
    // transpose, and so that the operand XNNPACK packs (the right one) is the small W, not this one.
    const Mt = new Float32Array(T * N);
    const column = new Float32Array(N);
    for (let d = 0, t = 0; d < D1; d++) {
      for (let s = 0; s < N; s++) column[s] = d < D ? x[s * D + d] : 1;
      for (let e = d; e < D1; e++, t++) {
        const o = t * N;
        if (e < D) for (let s = 0; s < N; s++) Mt[o + s] = column[s] * x[s * D + e];
        else Mt.set(column, o);
      }
    }
    this.outerT = tf.tensor2d(Mt, [T, N]);
    const P = (classes * (classes + 1)) / 2;
    const a = new Int32Array(P);
    const b = new Int32Array(P);
    const diag = new Float32Array(P);
    for (let c = 0, k = 0; c < classes; c++) {
      for (let c2 = c; c2 < classes; c2++, k++) {
        a[k] = c;
        b[k] = c2;
        diag[k] = c === c2 ? 1 : 0;
      }
    }
    this.pairA = tf.tensor1d(a, "int32");
    this.pairB = tf.tensor1d(b, "int32");
    this.pairDiag = tf.tensor1d(diag);
  }

  /** Gᵀ [T, C(C+1)/2]: the distinct entries of every block, already divided by N. */
  private distinctEntries(theta: tf.Tensor1D): Float32Array {
    const N = this.X.shape[0];
    const Gt = tf.tidy(() => {
      const P = tf.softmax(logitsOf(theta, this.X, this.classes)); // [N, C]
      const W = tf.mul(tf.gather(P, this.pairA, 1), tf.sub(this.pairDiag, tf.gather(P, this.pairB, 1))); // [N, pairs]
      return tf.matMul(this.outerT, tf.div(W, tf.scalar(N))); // Mᵀ W = Gᵀ
    });
    const g = Gt.dataSync() as Float32Array;
    Gt.dispose();
    return g;
  }

  /** ∇²L(θ) as a row-major Float32Array n×n (what Newton's float64 linear algebra reads). */
  compute(theta: tf.Tensor1D, l2 = 0): Float32Array {
    const { features: D, classes: C, size: n, triRow } = this;
    const D1 = D + 1;
    const pairs = (C * (C + 1)) / 2;
    const g = this.distinctEntries(theta);
    const H = new Float32Array(n * n);
    const index = (c: number, d: number) => (d < D ? c * D + d : C * D + c); // θ's layout
    for (let c = 0; c < C; c++) {
      for (let c2 = 0; c2 < C; c2++) {
        const lo = Math.min(c, c2);
        const hi = Math.max(c, c2);
        const pair = lo * C - (lo * (lo - 1)) / 2 + (hi - lo);
        for (let d = 0; d < D1; d++) {
          const rowStart = index(c, d) * n;
          for (let e = 0; e < D1; e++) {
            H[rowStart + index(c2, e)] = g[(d <= e ? triRow[d] + e : triRow[e] + d) * pairs + pair];
          }
        }
      }
    }
    if (l2 !== 0) for (let i = 0; i < n; i++) H[i * n + i] += l2;
    return H;
  }

  /** ∇²L(θ) as a tensor [n, n]. */
  hessian(theta: tf.Tensor1D, l2 = 0): tf.Tensor2D {
    return tf.tensor2d(this.compute(theta, l2), [this.size, this.size]);
  }

  dispose(): void {
    tf.dispose([this.outerT, this.pairA, this.pairB, this.pairDiag]);
  }
}
// #endregion hessian-blocks

/**
 * ∇²L in closed form, n×n with n = C·(D + 1), in θ's layout. Labels do not enter the Hessian of the
 * cross-entropy. Uses the block structure ({@link SoftmaxRegressionHessian}); to compute many Hessians on
 * the same X, keep one SoftmaxRegressionHessian and skip rebuilding the outer products each time.
 */
export function softmaxRegressionHessian(theta: tf.Tensor1D, X: tf.Tensor2D, options: SoftmaxRegressionOptions): tf.Tensor2D {
  const plan = new SoftmaxRegressionHessian(X, options.classes);
  try {
    return plan.hessian(theta, options.l2 ?? 0);
  } finally {
    plan.dispose();
  }
}

// #region hvp-closed-form
/**
 * H(θ)·v in closed form, without forming H: with V = v's [C, D] weights and [C] biases,
 *   A = X̃ Vᵀ  [N, C],   B = P ⊙ A − P ⊙ rowsum(P ⊙ A)  ((diag pₙ − pₙpₙᵀ) aₙ for every row),
 *   Hv = (1/N) Bᵀ X̃ (+ λv),
 * two thin matMuls ([N, D]·[D, C] and [C, N]·[N, D]): about 2·N·n multiply-adds, like one gradient.
 * Pass the probabilities P = softmax(logits) to reuse them across many products at the same θ (Newton-CG).
 */
export function softmaxRegressionHessianVectorProduct(
  theta: tf.Tensor1D,
  X: tf.Tensor2D,
  v: tf.Tensor1D,
  options: SoftmaxRegressionOptions & { probabilities?: tf.Tensor2D },
): tf.Tensor1D {
  const { classes, l2 = 0 } = options;
  return tf.tidy(() => {
    const N = X.shape[0];
    const P = options.probabilities ?? tf.softmax(logitsOf(theta, X, classes));
    const A = logitsOf(v, X, classes); // X Vᵀ + b_v
    const PA = tf.mul(P, A);
    const B = tf.sub(PA, tf.mul(P, tf.sum(PA, 1, true)));
    const hW = tf.div(tf.matMul(tf.transpose(B), X), tf.scalar(N)); // [C, D]
    const hb = tf.mean(B, 0); // [C]
    const hv = tf.concat([tf.reshape(hW, [-1]), hb]) as tf.Tensor1D;
    return l2 === 0 ? hv : (tf.add(hv, tf.mul(tf.scalar(l2), v)) as tf.Tensor1D);
  });
}
// #endregion hvp-closed-form

/** p = softmax(X Wᵀ + b) [N, C], the class probabilities of softmax regression at θ. */
export function softmaxRegressionProbabilities(theta: tf.Tensor1D, X: tf.Tensor2D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.softmax(logitsOf(theta, X, classes)) as tf.Tensor2D);
}
