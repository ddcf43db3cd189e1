/**
 * The small-model fast path: dense networks (linear, or an MLP with ReLU between layers) computed in plain
 * JavaScript on Float32Arrays, one sample at a time, with the forward and backward pass fused in one call.
 *
 * A 64→10 softmax regression trained per sample (the Adam-on-digits notebook) takes ~1,300 multiply-adds per step: a tfjs
 * kernel launch costs more than that, so a step through tfjs is two orders of magnitude slower than the
 * arithmetic. Here a step is a loop over the weights and then `FloatOptimizer.step` — the SAME update rules as
 * every other page (lib/optimizers, through the FloatVec engine), so nothing about the optimizers is copied.
 *
 * Layout and initialisation match lib/models/mlp.ts exactly (W as [in, out], row-major; `initialWeights`),
 * so a `DenseNet` and an `mlp(...)` built from the same options start from the same numbers, and the fast
 * path can be tested against the tfjs path step by step.
 */
import { initialWeights, type Init } from "../models/mlp.js";

/** "cross-entropy": torch's CrossEntropyLoss on the logits; "mse": mean over the outputs of (ŷ − y)². */
export type DenseLoss = "cross-entropy" | "mse";

export interface DenseNetOptions {
  /** Layer widths including input and output, e.g. [64, 10] (linear) or [64, 32, 10]. */
  sizes: number[];
  /** Default "torch-default": nn.Linear's U(−1/√fan_in, 1/√fan_in) for weights and biases. */
  init?: Init;
  seed?: number;
  /** Start from these values instead ([W1, b1, W2, b2, …], copied). */
  weights?: Float32Array[];
}

/**
 * A dense network whose parameters and gradient buffers are Float32Arrays. Gradients accumulate into
 * `grads` until `zeroGrad()`, as in torch (and lib/train's `Parameters`).
 */
export class DenseNet {
  readonly sizes: readonly number[];
  /** [W1, b1, W2, b2, …], W as [in, out] row-major. Updated in place by the optimizer. */
  readonly params: Float32Array[];
  /** One buffer per parameter, summed over every `backward` since the last `zeroGrad`. */
  readonly grads: Float32Array[];
  // Scratch: pre-activations z and activations a of each layer (a[0] is unused; the input is read in place),
  // and the back-propagated error of each layer's pre-activation.
  private readonly z: Float32Array[];
  private readonly a: Float32Array[];
  private readonly dz: Float32Array[];
  private readonly acc: Float64Array;

  constructor({ sizes, init = "torch-default", seed = 1, weights }: DenseNetOptions) {
    if (sizes.length < 2 || sizes.some((n) => !(Number.isInteger(n) && n > 0))) throw new Error(`DenseNet: sizes must be at least two positive integers, got [${sizes}]`);
    this.sizes = [...sizes];
    const w = weights ?? initialWeights({ sizes, init, seed });
    if (w.length !== 2 * (sizes.length - 1)) throw new Error(`DenseNet: ${w.length} weight arrays for ${sizes.length - 1} layers`);
    this.params = w.map((p, i) => {
      const l = i >> 1;
      const n = i % 2 === 0 ? sizes[l] * sizes[l + 1] : sizes[l + 1];
      if (p.length !== n) throw new Error(`DenseNet: parameter ${i} has ${p.length} values, expected ${n}`);
      return Float32Array.from(p);
    });
    this.grads = this.params.map((p) => new Float32Array(p.length));
    this.z = sizes.slice(1).map((n) => new Float32Array(n));
    this.a = sizes.map((n) => new Float32Array(n));
    this.dz = sizes.slice(1).map((n) => new Float32Array(n));
    this.acc = new Float64Array(Math.max(...sizes));
  }

  get inputs(): number {
    return this.sizes[0];
  }
  get outputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** Reset every gradient buffer to zero. */
  zeroGrad(): void {
    for (const g of this.grads) g.fill(0);
  }

  /**
   * The output (logits) for the sample at row `row` of `x` (row-major, `inputs` values per row). The array
   * returned is scratch, overwritten by the next call.
   */
  forward(x: Float32Array, row = 0): Float32Array {
    const layers = this.sizes.length - 1;
    let input = x;
    let off = row * this.sizes[0];
    for (let l = 0; l < layers; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const W = this.params[2 * l];
      const b = this.params[2 * l + 1];
      const acc = this.acc;
      for (let j = 0; j < nOut; j++) acc[j] = 0;
      for (let i = 0; i < nIn; i++) {
        const xi = input[off + i];
        const base = i * nOut;
        for (let j = 0; j < nOut; j++) acc[j] += xi * W[base + j];
      }
      const z = this.z[l];
      // Round x·W to float32 before adding b, as tfjs computes matMul, then add (another float32 op).
      for (let j = 0; j < nOut; j++) z[j] = Math.fround(acc[j]) + b[j];
      if (l + 1 < layers) {
        const a = this.a[l + 1];
        for (let j = 0; j < nOut; j++) a[j] = z[j] > 0 ? z[j] : 0;
        input = a;
        off = 0;
      }
    }
    return this.z[layers - 1];
  }

  /**
   * Forward and backward for one sample in one pass: adds `scale`·∂loss/∂θ into `grads` (scale 1/B averages
   * a mini-batch of B samples) and returns the sample's loss. `target` is a class index for cross-entropy, or
   * the row `row` of a Float32Array of `outputs` targets per row for mse.
   */
  backward(x: Float32Array, row: number, target: number | Float32Array, loss: DenseLoss = "cross-entropy", scale = 1): number {
    const layers = this.sizes.length - 1;
    const out = this.forward(x, row);
    const k = out.length;
    const d = this.dz[layers - 1];
    let value: number;
    // #region fused-step
    if (loss === "cross-entropy") {
      if (typeof target !== "number") throw new Error("DenseNet.backward: cross-entropy needs a class index");
      // log-softmax with the max subtracted; dL/dz = softmax(z) − onehot(y).
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (out[j] > max) max = out[j];
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(out[j] - max);
      const lse = max + Math.log(sum);
      value = lse - out[target];
      for (let j = 0; j < k; j++) d[j] = (Math.exp(out[j] - lse) - (j === target ? 1 : 0)) * scale;
    } else {
      if (typeof target === "number") throw new Error("DenseNet.backward: mse needs a target row");
      const base = row * k;
      value = 0;
      for (let j = 0; j < k; j++) {
        const e = out[j] - target[base + j];
        value += e * e;
        d[j] = ((2 * e) / k) * scale;
      }
      value /= k;
    }
    for (let l = layers - 1; l >= 0; l--) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const dz = this.dz[l];
      const gW = this.grads[2 * l];
      const gb = this.grads[2 * l + 1];
      for (let j = 0; j < nOut; j++) gb[j] += dz[j];
      const input = l === 0 ? x : this.a[l];
      const off = l === 0 ? row * nIn : 0;
      for (let i = 0; i < nIn; i++) {
        const xi = input[off + i];
        if (xi === 0) continue; // a zero input (ReLU off, a blank pixel) adds exactly nothing
        const base = i * nOut;
        for (let j = 0; j < nOut; j++) gW[base + j] += xi * dz[j];
      }
      if (l > 0) {
        // dL/da of the layer below through Wᵀ, then through the ReLU.
        const W = this.params[2 * l];
        const below = this.dz[l - 1];
        const zBelow = this.z[l - 1];
        for (let i = 0; i < nIn; i++) {
          if (!(zBelow[i] > 0)) {
            below[i] = 0;
            continue;
          }
          let s = 0;
          const base = i * nOut;
          for (let j = 0; j < nOut; j++) s += W[base + j] * dz[j];
          below[i] = s;
        }
      }
    }
    // #endregion fused-step
    return value;
  }

  /** Mean cross-entropy and accuracy (arg-max = label) over `count` rows of `x`: every caller's test set is classified. */
  evaluate(x: Float32Array, labels: ArrayLike<number>): { loss: number; accuracy: number } {
    const count = x.length / this.inputs;
    const k = this.outputs;
    let total = 0;
    let correct = 0;
    for (let r = 0; r < count; r++) {
      const out = this.forward(x, r);
      const y = labels[r];
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < k; j++) {
        if (out[j] > max) {
          max = out[j];
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(out[j] - max);
      total += max + Math.log(sum) - out[y];
      if (arg === y && Number.isFinite(max)) correct++;
    }
    return { loss: total / count, accuracy: correct / count };
  }
}
