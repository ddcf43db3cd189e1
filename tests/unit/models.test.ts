import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accuracy, crossEntropy, mse } from "../../lib/models/losses.js";
import { disposeModel, forward, linear, mlp } from "../../lib/models/mlp.js";

function inDelta(actual: number, expected: number, delta: number, what = "") {
  assert.ok(Math.abs(actual - expected) <= delta, `${what} ${actual} not within ${delta} of ${expected}`);
}

describe("linear", () => {
  it("linear(784, 10) is one layer, W [784, 10] and b [10], within torch's U(−1/√784, 1/√784)", () => {
    const m = linear(784, 10, 3);
    assert.deepEqual(m.params.map((p) => p.shape), [[784, 10], [10]]);
    assert.deepEqual(m.names, ["W1", "b1"]);
    const bound = 1 / 28;
    for (const p of m.params) for (const v of p.dataSync()) assert.ok(Math.abs(v) <= bound);
    const logits = tf.tidy(() => forward(m, tf.ones([2, 784])));
    assert.deepEqual(logits.shape, [2, 10]);
    logits.dispose();
    disposeModel(m);
  });

  it("linear(…, seed) is fixed by its seed", () => {
    const [a, b] = [linear(5, 3, 9), linear(5, 3, 9)];
    assert.deepEqual(a.params[0].dataSync(), b.params[0].dataSync());
    disposeModel(a);
    disposeModel(b);
  });
});

describe("mlp 784-100-10 (the gradient-descent tutorial)", () => {
  it("has torch's default init: U(−1/√fan_in, 1/√fan_in) for weights and biases, spread over the range", () => {
    const m = mlp({ sizes: [784, 100, 10], init: "torch-default", seed: 4 });
    assert.deepEqual(m.params.map((p) => p.shape), [[784, 100], [100], [100, 10], [10]]);
    const fanIns = [784, 784, 100, 100];
    m.params.forEach((p, i) => {
      const bound = 1 / Math.sqrt(fanIns[i]);
      const v = Array.from(p.dataSync());
      const max = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
      assert.ok(max <= bound && max > 0.9 * bound, `${m.names[i]}: max |v| ${max}, bound ${bound}`);
    });
    // Variance of U(−a, a) is a²/3.
    const w = Array.from(m.params[0].dataSync());
    const variance = w.reduce((s, x) => s + x * x, 0) / w.length;
    inDelta(variance, 1 / 784 / 3, 0.05 / 784 / 3, "W1 variance");
    disposeModel(m);
  });
});

describe("losses", () => {
  it("crossEntropy(logits, labels) equals the hand-computed mean of −log softmax", () => {
    // Row 1: logits [1, 2, 3], label 2: −log(e³ / (e + e² + e³)) = log(1 + e⁻¹ + e⁻²) = 0.40760596
    // Row 2: logits [0, 0, 0], label 0: log 3 = 1.09861229
    const expected = (Math.log(1 + Math.exp(-1) + Math.exp(-2)) + Math.log(3)) / 2; // 0.75310912
    const l = tf.tidy(() => crossEntropy(tf.tensor2d([[1, 2, 3], [0, 0, 0]]), tf.tensor1d([2, 0], "int32")).dataSync()[0]);
    inDelta(l, expected, 1e-6, "cross-entropy");
    inDelta(l, 0.75310912, 1e-6);
  });

  it("crossEntropy has torch's gradient (softmax − onehot) / n", () => {
    const g = tf.tidy(() => {
      const labels = tf.tensor1d([1], "int32");
      return tf.grad((z: tf.Tensor) => crossEntropy(z as tf.Tensor2D, labels))(tf.tensor2d([[0, 0]])).dataSync();
    });
    inDelta(g[0], 0.5, 1e-6);
    inDelta(g[1], -0.5, 1e-6);
  });

  it("mse(pred, target, 'sum') is n × mse(pred, target, 'mean')", () => {
    const [sum, mean] = tf.tidy(() => {
      const p = tf.tensor1d([1, 2, 3, 4]);
      const t = tf.tensor1d([0, 2, 5, 1]);
      // squared errors 1, 0, 4, 9: sum 14, mean 3.5
      return [mse(p, t, "sum").dataSync()[0], mse(p, t).dataSync()[0]];
    });
    assert.equal(sum, 14);
    assert.equal(mean, 3.5);
  });

  it("accuracy(logits, labels) is the fraction of arg-max hits", () => {
    const a = tf.tidy(() => accuracy(tf.tensor2d([[1, 0], [0, 1], [3, 2], [0, 5]]), tf.tensor1d([0, 1, 1, 0], "int32")));
    assert.equal(a, 0.5);
  });

  it("losses leave no tensors behind", () => {
    const before = tf.memory().numTensors;
    const z = tf.tensor2d([[1, 2]]);
    const y = tf.tensor1d([1], "int32");
    crossEntropy(z, y).dispose();
    mse(z, z).dispose();
    accuracy(z, y);
    z.dispose();
    y.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
