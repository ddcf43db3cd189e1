/**
 * The two small shapes every runner shares: which optimizer to run, and what a runner needs from it.
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { AnyOptimizerDef } from "./types.js";

/**
 * "Which optimizer, called what, with which settings": the one record behind presets, race entries, MNIST
 * lanes and experiment specs. `options` go through the definition's `resolveOptions`.
 */
export interface OptimizerChoice {
  /** Stable key, used in URLs and as a lane's key: "momentum", "adam", … */
  key: string;
  label: string;
  def: AnyOptimizerDef;
  options: Record<string, unknown>;
}

/**
 * What a training loop needs from an optimizer: torch.optim's `step`. Both runners (`createOptimizer` over
 * tf.Variables, `createFloatOptimizer` over Float32Arrays) satisfy it, and so do adapters around tf.train's.
 */
export interface Stepper<P = tf.Variable, G = tf.Tensor> {
  step(params: P[], grads: G[]): void;
}
