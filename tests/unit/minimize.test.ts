import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { createOptimizer, sgd } from "../../lib/optimizers/index.js";
import { minimize } from "../../lib/train/minimize.js";
import { variable } from "../../lib/train/parameters.js";
import { DivergedError } from "../../lib/train/diverged.js";
import { linearData, splitRows } from "../../lib/data/synthetic.js";

function parabola(lr: number, steps: number, start = 15) {
  const x = variable(start);
  const optimizer = createOptimizer(sgd, { lr });
  try {
    return [...minimize({ params: [x], loss: () => tf.square(x) as tf.Scalar, optimizer, steps })];
  } finally {
    optimizer.dispose();
    x.dispose();
  }
}

test("minimize(x², SGD lr 0.05) prints the seed's numbers every 20 iterations", () => {
  const steps = parabola(0.05, 100);
  const at = (k: number) => steps[k - 1].params[0][0];
  // The PyTorch-optimizers notebook's printout: post-update x after 20, 40, …, 100 iterations.
  assert.equal(at(20).toFixed(4), "1.8236");
  assert.equal(at(40).toFixed(4), "0.2217");
  assert.equal(at(60).toFixed(4), "0.0270");
  assert.equal(at(80).toFixed(4), "0.0033");
  assert.equal(at(100).toFixed(4), "0.0004");
  // and the loss it saw at step 20 (x before the step was 2.0263): y = 4.1058
  assert.equal(steps[19].loss.toFixed(4), "4.1058");
  // x_t = 15 · 0.9^t exactly, up to float32 rounding
  assert.ok(Math.abs(at(20) - 15 * 0.9 ** 20) < 1e-5);
});

test("minimize releases its gradient buffers, finished or abandoned", () => {
  const before = tf.memory().numTensors;
  parabola(0.05, 50);
  assert.equal(tf.memory().numTensors, before);
  const x = variable(3);
  const optimizer = createOptimizer(sgd, { lr: 0.1, momentum: 0.9 });
  const run = minimize({ params: [x], loss: () => tf.square(x) as tf.Scalar, optimizer, steps: 100 });
  run.next();
  run.next();
  run.return(undefined); // what Framework does when an input changes
  optimizer.dispose();
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("minimize stops at the first non-finite loss with 'diverged at step k'", () => {
  // |1 − 2η| = 2 doubles x each step; 15·2^k squared overflows float32 near k = 63
  assert.throws(() => parabola(1.5, 200), (e: unknown) => {
    assert.ok(e instanceof DivergedError);
    assert.match(e.message, /^diverged at step \d+ \(loss = (Infinity|NaN)\)$/);
    assert.ok(e.step > 50 && e.step < 70, `step ${e.step}`);
    return true;
  });
});

test("minimize honours an aborted signal before the next step", () => {
  const x = variable(3);
  const optimizer = createOptimizer(sgd, { lr: 0.1 });
  const controller = new AbortController();
  let n = 0;
  for (const _ of minimize({ params: [x], loss: () => tf.square(x) as tf.Scalar, optimizer, steps: 100, signal: controller.signal })) {
    if (++n === 3) controller.abort();
  }
  assert.equal(n, 3);
  optimizer.dispose();
  x.dispose();
});

test("the PyTorch-optimizers notebook's regression: SGD momentum 0.9, lr 5e-5, summed squared error, 500 epochs → w ≈ [0.77, −0.56]", () => {
  const data = linearData({ n: 100, weights: [0.77, -0.56], seed: 9999 });
  const [[a, b]] = splitRows(data.n, [0.8, 0.1, 0.1]);
  const X = tf.tensor2d(data.X.slice(a * 2, b * 2), [b - a, 2]);
  const y = tf.tensor1d(data.y.slice(a, b));
  const w = variable([-1.7755, 1.4201]); // the seed's printed initial weights
  const bias = variable(1.0382);
  const optimizer = createOptimizer(sgd, { lr: 5e-5, momentum: 0.9 });
  const loss = () => tf.sum(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(X, tf.reshape(w, [2, 1])), [1]), bias), y))) as tf.Scalar;
  const steps = [...minimize({ params: [w, bias], loss, optimizer, steps: 500 })];
  const [wFinal] = steps.at(-1)!.params;
  assert.ok(Math.abs(wFinal[0] - 0.77) < 0.02 && Math.abs(wFinal[1] + 0.56) < 0.02, `w = ${wFinal}`);
  assert.ok(steps.at(-1)!.loss < steps[0].loss / 1000);
  for (const t of [X, y, w, bias]) t.dispose();
  optimizer.dispose();
});

test("splitRows(100, [0.8, 0.1, 0.1]) slices like the seed's [:80], [80:90], [90:]", () => {
  assert.deepEqual(splitRows(100, [0.8, 0.1, 0.1]), [[0, 80], [80, 90], [90, 100]]);
});
