/**
 * The smallest training loop: minimise a function of some parameters, one optimizer step at a time.
 * It is the usage pattern the seeds teach (zero the gradients, forward, backward, step), written out so a
 * page can show this very code.
 */
import * as tf from "@tensorflow/tfjs-core";
import { checkFinite } from "./diverged.js";
import { Parameters } from "./parameters.js";

import type { Stepper } from "../optimizers/choice.js";
export type { Stepper } from "../optimizers/choice.js";

export interface MinimizeOptions {
  /** The parameters to optimise; they are updated in place. */
  params: tf.Variable[];
  /** The objective at the current parameters (step t, 1-based, for objectives that change per step). */
  loss: (t: number) => tf.Scalar;
  optimizer: Stepper;
  /** A schedule bound to `optimizer` (lib/schedules' createScheduler): stepped after every optimizer step, as in torch. */
  scheduler?: { readonly lr: number; step(): void };
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
    // #region five-steps
    for (let t = 1; t <= steps && !signal?.aborted; t++) {
      θ.zeroGrad(); //                           1. zero the gradients
      const value = θ.backward(() => loss(t)); // 2. forward pass and 3. backward pass: ∂loss/∂θ into θ.grads
      checkFinite(t, value);
      const lr = scheduler?.lr; //               with a schedule: the rate this step uses
      optimizer.step(θ.vars, θ.grads); //        4. step: θ ← update(θ, θ.grads)
      scheduler?.step(); //                      then torch's scheduler.step(): the next step's rate
      yield { step: t, loss: value, params: θ.values(), ...(scheduler && { lr }) };
    }
    // #endregion five-steps
  } finally {
    θ.disposeGrads();
  }
}
