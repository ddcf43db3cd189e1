/**
 * Multi-layer perceptrons with ReLU between layers.
 *
 * Weights are stored as [in, out] (the transpose of torch's nn.Linear [out, in]) so the forward pass is a
 * plain x·W: on wasm a transposed matMul runs on a slow scalar path.
 */
import * as tf from "@tensorflow/tfjs-core";
import { normals, rng, uniforms } from "../random.js";

/**
 * - "kaiming-normal": W ~ N(0, 2/fan_in), b = 0 (torch.nn.init.kaiming_normal_(nonlinearity="relu"), the optimizers-lab notebook)
 * - "torch-default": W, b ~ U(−1/√fan_in, 1/√fan_in) (nn.Linear's own reset_parameters, the gradient-descent tutorial)
 */
export type Init = "kaiming-normal" | "torch-default";

export interface MLPOptions {
  /** Layer widths including input and output, e.g. [784, 256, 256, 10]. */
  sizes: number[];
  init?: Init;
  seed?: number;
}

export interface MLP {
  readonly sizes: readonly number[];
  /** "W1", "b1", "W2", … in the order of `params`. */
  readonly names: readonly string[];
  /** [W1, b1, W2, b2, …], W as [in, out]. */
  readonly params: tf.Variable[];
}

/** Initial weights as plain arrays, so the same seed gives the same start on every backend and engine. */
export function initialWeights({ sizes, init = "kaiming-normal", seed = 1 }: MLPOptions): Float32Array[] {
  const random = rng(seed);
  const out: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    if (init === "kaiming-normal") {
      out.push(normals(fanIn * fanOut, random, 0, Math.sqrt(2 / fanIn)), new Float32Array(fanOut));
    } else {
      const bound = 1 / Math.sqrt(fanIn);
      out.push(uniforms(fanIn * fanOut, random, -bound, bound), uniforms(fanOut, random, -bound, bound));
    }
  }
  return out;
}

export function mlp(options: MLPOptions): MLP {
  const { sizes } = options;
  const weights = initialWeights(options);
  const params = weights.map((w, i) => {
    const l = i >> 1;
    const shape = i % 2 === 0 ? [sizes[l], sizes[l + 1]] : [sizes[l + 1]];
    // Unnamed: tfjs variable names are global, and a page builds many models.
    return tf.tidy(() => tf.variable(tf.tensor(w, shape), true));
  });
  const names = params.map((_, i) => `${i % 2 === 0 ? "W" : "b"}${(i >> 1) + 1}`);
  return { sizes, names, params };
}

/** Logits for a batch x of shape [n, sizes[0]]. */
/** The logits; `model` may be any list of [W1, b1, W2, b2, …] (a copy of an MLP's weights, say). */
export function forward(model: { readonly params: readonly tf.Tensor[] }, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  const layers = model.params.length / 2;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(h, model.params[2 * l] as tf.Tensor2D), model.params[2 * l + 1]) as tf.Tensor2D;
    h = l + 1 < layers ? tf.relu(z) : z;
  }
  return h;
}

export function disposeModel(model: MLP): void {
  for (const p of model.params) p.dispose();
}

/**
 * A linear classifier (softmax regression when trained with crossEntropy): one nn.Linear(inputs, outputs)
 * with torch's default initialisation, W, b ~ U(−1/√inputs, 1/√inputs). It is an MLP with no hidden layer,
 * so `forward`, `disposeModel` and the optimizers treat it like any other.
 */
export function linear(inputs: number, outputs: number, seed = 1): MLP {
  return mlp({ sizes: [inputs, outputs], init: "torch-default", seed });
}
