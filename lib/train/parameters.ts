/**
 * Parameters with gradient buffers, in the torch style the seeds teach: gradients accumulate into `.grads`
 * until someone zeroes them. That is what makes gradient accumulation over micro-batches work, and what
 * makes forgetting `zeroGrad()` (or zeroing inside the accumulation loop, as the optimizers-lab notebook's exercise does) a bug
 * you can see.
 */
import * as tf from "@tensorflow/tfjs-core";

export class Parameters {
  readonly vars: tf.Variable[];
  /** Gradient buffers; `null` stands for a buffer of zeros that has not been materialised. */
  private buffers: (tf.Tensor | null)[];

  constructor(vars: tf.Variable[]) {
    this.vars = vars;
    this.buffers = vars.map(() => null);
  }

  /** One buffer per variable, summed over every `backward` since the last `zeroGrad`. */
  get grads(): tf.Tensor[] {
    return this.buffers.map((g, i) => (this.buffers[i] = g ?? tf.zerosLike(this.vars[i])));
  }

  /** Reset every gradient buffer to zero. */
  zeroGrad(): void {
    for (const g of this.buffers) g?.dispose();
    this.buffers.fill(null);
  }

  /**
   * Forward and backward in one call (tfjs records the forward pass on a tape and differentiates it):
   * evaluates `loss()`, adds ∂loss/∂θ into `.grads`, and returns the loss as a scalar tensor, still on the
   * device: the caller reads it (asynchronously, `await t.data()`, on the training path) and disposes it.
   * Nothing waits for the GPU here, so several steps can be queued before anyone looks at a loss.
   */
  backwardLoss(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.vars);
    this.vars.forEach((v, i) => {
      const g = grads[v.name];
      const old = this.buffers[i];
      // A zero buffer plus g is g: skip the fill and the add (two passes over every weight, every step).
      this.buffers[i] = old ? tf.add(old, g) : g;
      if (old) {
        old.dispose();
        g.dispose();
      }
    });
    return value;
  }

  /**
   * `backwardLoss` with the loss read back at once, synchronously: for small CPU-side objectives and tests.
   * On a GPU backend a synchronous read stalls the queue (and WebGPU without canvas interop reads zeros), so
   * the training loop uses `backwardLoss` instead.
   */
  backward(loss: () => tf.Scalar): number {
    const value = this.backwardLoss(loss);
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  }

  /** Current values as plain arrays (for charts and tests). */
  values(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array);
  }

  /** Free the gradient buffers; the variables stay alive. */
  disposeGrads(): void {
    this.zeroGrad();
  }

  /** Free gradient buffers and variables. */
  dispose(): void {
    this.disposeGrads();
    for (const v of this.vars) v.dispose();
  }
}

/**
 * A trainable variable holding `values` (a number for a scalar). Unlike `tf.variable(tf.tensor(…))`, it
 * leaves no intermediate tensor behind.
 */
export function variable(values: number | number[] | Float32Array, shape?: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(typeof values === "number" ? tf.scalar(values) : tf.tensor(values, shape), true));
}
