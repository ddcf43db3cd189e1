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
 * for d < D and as C·D + c for the bias. The Hessian is two matMuls: with Kₙ,(c,d) = pₙc x̃ₙd,
 * Σₙ pₙpₙᵀ ⊗ x̃ₙx̃ₙᵀ = KᵀK, and Σₙ diag pₙ ⊗ x̃ₙx̃ₙᵀ is X̃ᵀK spread over the class-diagonal blocks.
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
 * ∇²L in closed form, n×n with n = C·(D + 1), in θ's layout:
 *   H = (1/N) [ (X̃ᵀK)[feature(j), j′]·[class(j) = class(j′)]  −  KᵀK ] + λI.
 * Labels do not enter the Hessian of the cross-entropy. Cost: two matMuls, [n, N]·[N, n] and [D+1, N]·[N, n].
 */
export function softmaxRegressionHessian(theta: tf.Tensor1D, X: tf.Tensor2D, options: SoftmaxRegressionOptions): tf.Tensor2D {
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
