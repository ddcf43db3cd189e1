/**
 * Hand-worked optimizer steps for the unit tests (optimizers.test.ts, optimizers-torch213.test.ts): a
 * one-parameter run on both engines, which must agree bit for bit, and a tolerance check that names what it
 * checks.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { createFloatOptimizer, createOptimizer, type AnyOptimizerDef } from "../../lib/optimizers/index.js";

export function assertInDelta(actual: number, expected: number, delta = 1e-6, what = "") {
  assert.ok(Math.abs(actual - expected) <= delta, `${what} ${actual} ≠ ${expected} ± ${delta}`);
}

/** θ after each of the steps with gradients `gs`, from θ₀ = 1, on the tfjs and the Float32Array engine (which must agree exactly). */
export function run(def: AnyOptimizerDef, options: object, gs: number[] = [1, 0.5]): number[] {
  const θ = tf.variable(tf.tensor1d([1]));
  const opt = createOptimizer(def, options);
  const fast = createFloatOptimizer(def, options);
  const p = Float32Array.of(1);
  const out: number[] = [];
  for (const g of gs) {
    const grad = tf.tensor1d([g]);
    opt.step([θ], [grad]);
    grad.dispose();
    fast.step([p], [Float32Array.of(g)]);
    const value = θ.dataSync()[0];
    assert.equal(p[0], value, "FloatVec and tfjs engines differ");
    out.push(value);
  }
  opt.dispose();
  θ.dispose();
  return out;
}
