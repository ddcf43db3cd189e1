/**
 * The Understanding-Adam notebook's quick example, as a reusable run: a 2-layer ReLU network D_in → H → D_out (lib's `mlp` with
 * torch's nn.Linear initialisation) fitted to random data with a summed squared error, one full batch per
 * step, by any optimizer with a `step(vars, grads)` — ours, tfjs's `tf.train.adam`, or a teaching variant.
 *
 * ```ts
 * const data = randomRegression({ n: 64, dIn: 1000, dOut: 10, seed: 1 });
 * const ours = new RegressionRun({ data, hidden: 100, seed: 1, optimizer: createOptimizer(adam, { lr: 1e-4 }) });
 * const theirs = new RegressionRun({ data, hidden: 100, seed: 1, optimizer: tfTrainAdam({ lr: 1e-4 }) });
 * for (let t = 1; t <= 500; t++) { ours.step(); theirs.step(); }
 * ours.dispose(); theirs.dispose();   // frees the model, data tensors and gradient buffers, not the optimizer
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import type { RandomRegression } from "../data/random-regression.js";
import { mse } from "../models/losses.js";
import { disposeModel, forward, mlp, type MLP } from "../models/mlp.js";
import { optimizerStep, tensorStep, type Stepper, type Stepped } from "./minimize.js";
import { Parameters } from "./parameters.js";

/** The settings of the Understanding-Adam notebook's example. */
export const SEED001_DEMO = Object.freeze({ n: 64, dIn: 1000, hidden: 100, dOut: 10, lr: 1e-4, steps: 500 });

/** tfjs's own Adam (`tf.train.adam`) behind the same `step(vars, grads)` as ours. ε is passed explicitly:
 * tfjs's default is the backend's epsilon (1e-7 on cpu/wasm), not torch's 1e-8. */
export function tfTrainAdam({ lr = 1e-3, betas = [0.9, 0.999] as readonly [number, number], eps = 1e-8 } = {}): Stepper & { dispose(): void } {
  const opt = tf.train.adam(lr, betas[0], betas[1], eps);
  return {
    step: (vars, grads) => opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] }))),
    dispose: () => opt.dispose(),
  };
}

export interface RegressionRunOptions {
  data: RandomRegression;
  hidden?: number;
  /** Seed of the initial weights: two runs with the same seed start from the same weights. */
  seed?: number;
  optimizer: Stepper;
}

/** One model, one optimizer, one full batch of random data; `step()` is one optimizer step. */
export class RegressionRun {
  readonly model: MLP;
  readonly optimizer: Stepper;
  /** Steps taken. */
  t = 0;
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor2D;
  private readonly θ: Parameters;
  private readonly stepped: Stepped<tf.Variable, tf.Tensor>;

  constructor({ data, hidden = 100, seed = 1, optimizer }: RegressionRunOptions) {
    this.model = mlp({ sizes: [data.dIn, hidden, data.dOut], init: "torch-default", seed });
    this.optimizer = optimizer;
    this.x = tf.tensor2d(data.x, [data.n, data.dIn]);
    this.y = tf.tensor2d(data.y, [data.n, data.dOut]);
    this.θ = new Parameters(this.model.params);
    this.stepped = tensorStep(this.θ, () => mse(forward(this.model, this.x), this.y, "sum"));
  }

  /** minimize's `optimizerStep`: zero the gradients, forward, backward, step; returns the loss before the update. Throws DivergedError
   * (without stepping) if the loss is not finite. */
  step(): number {
    const loss = optimizerStep(this.t + 1, this.stepped, this.optimizer);
    this.t++;
    return loss;
  }

  /** The current loss, without a step. */
  loss(): number {
    return tf.tidy(() => mse(forward(this.model, this.x), this.y, "sum").dataSync()[0]);
  }

  dispose(): void {
    this.θ.disposeGrads();
    disposeModel(this.model);
    this.x.dispose();
    this.y.dispose();
  }
}

/** max over i of |a_i − b_i| / max(|a_i|, |b_i|): how closely two loss curves agree, 0 when equal. */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`maxRelativeDifference: ${a.length} vs ${b.length} values`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    if (scale > 0) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  }
  return worst;
}
