/**
 * The smallest training loop: minimise a function of some parameters, one optimizer step at a time.
 * It is the usage pattern the course teaches (zero the gradients, forward, backward, step), written out once
 * in `optimizerStep` — the one stepping core that `minimize`, `RegressionRun` (adam-demo.ts) and the fast
 * path's `fitDense` (lib/fast/train.ts) all call — so a page can show this very code.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkFinite } from "./diverged.js";
import { Parameters } from "./parameters.js";

import type { Stepper } from "../optimizers/choice.js";
export type { Stepper } from "../optimizers/choice.js";

/** What the loops need from a learning-rate schedule (lib/schedules' `createScheduler(...)` satisfies it). */
export interface StepScheduler {
  /** The rate the next optimizer step uses. */
  readonly lr: number;
  /** torch's `scheduler.step()`, called once after every optimizer step. */
  step(): void;
}

/**
 * The parameters an optimizer steps, their gradient buffers, and how to fill them. `P`/`G` are tf.Variable and
 * tf.Tensor (lib/train's `Parameters`) or Float32Arrays (lib/fast's `DenseNet`).
 */
export interface Stepped<P, G> {
  readonly params: P[];
  /** Read after `backward()`, at the optimizer step. */
  readonly grads: G[];
  /** optimizer.zero_grad(): clears `grads`. */
  zeroGrad(): void;
  /** Forward pass and loss.backward(): adds ∂loss/∂θ into `grads`; returns the loss. */
  backward(): number;
}

/**
 * One optimizer step, torch's five lines. Returns the loss before the update; throws DivergedError
 * ("diverged at step t (loss = …)") instead of stepping when that loss is NaN or ±∞, so θ stays finite.
 */
export function optimizerStep<P, G>(t: number, θ: Stepped<P, G>, optimizer: Stepper<P, G>, scheduler?: StepScheduler): number {
  // #region five-steps
  θ.zeroGrad(); //                           1. zero the gradients
  const loss = θ.backward(); //              2. forward pass and 3. backward pass: ∂loss/∂θ into θ.grads
  checkFinite(t, loss); //                   a NaN or ±∞ loss ends the run here, before the step
  optimizer.step(θ.params, θ.grads); //      4. step: θ ← update(θ, θ.grads)
  scheduler?.step(); //                      then torch's scheduler.step(): the next step's rate
  // #endregion five-steps
  return loss;
}

/** A `Parameters` and a loss of them, as `optimizerStep` takes them. */
export function tensorStep(θ: Parameters, loss: () => tf.Scalar): Stepped<tf.Variable, tf.Tensor> {
  return {
    params: θ.vars,
    get grads() {
      return θ.grads; // read at step time: zeroGrad() replaces the buffers
    },
    zeroGrad: () => θ.zeroGrad(),
    backward: () => θ.backward(loss),
  };
}

export interface MinimizeOptions {
  /** The parameters to optimise; they are updated in place. */
  params: tf.Variable[];
  /** The objective at the current parameters (step t, 1-based, for objectives that change per step). */
  loss: (t: number) => tf.Scalar;
  optimizer: Stepper;
  /** A schedule bound to `optimizer` (lib/schedules' createScheduler): stepped after every optimizer step, as in torch. */
  scheduler?: StepScheduler;
  steps: number;
  signal?: AbortSignal;
}

export interface MinimizeStep {
  /** 1-based step count. */
  step: number;
  /** The loss before this step's update (what `loss.backward()` saw). */
  loss: number;
  /** Parameter values after the update. */
  params: Float32Array[];
  /** The learning rate this step used, when a scheduler drives it. */
  lr?: number;
}

/**
 * Runs `steps` optimizer steps, yielding after each; stops early when `signal` aborts, and throws
 * DivergedError when the loss is not finite. Gradient buffers are freed however it ends.
 */
export function* minimize({ params, loss, optimizer, scheduler, steps, signal }: MinimizeOptions): Generator<MinimizeStep> {
  const θ = new Parameters(params); // owns gradient buffers only; the variables stay the caller's
  try {
    for (let t = 1; t <= steps && !signal?.aborted; t++) {
      const lr = scheduler?.lr; // with a schedule: the rate this step uses
      const value = optimizerStep(t, tensorStep(θ, () => loss(t)), optimizer, scheduler);
      yield { step: t, loss: value, params: θ.values(), ...(scheduler && { lr }) };
    }
  } finally {
    θ.disposeGrads();
  }
}
