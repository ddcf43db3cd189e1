/**
 * The wasm-friendly BatchMatMul gradient (explicit transposes) must give the same gradients as tfjs's own
 * for every transpose combination, batched or not.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { batchMatMulGradConfig, useFastMatMulGradient, useStockMatMulGradient } from "../../lib/engine/matmul-gradient.js";
import { normals, rng } from "../../lib/random.js";

const stock = tf.getGradient(tf.BatchMatMul)!;

function gradsWith(config: tf.GradConfig, aShape: number[], bShape: number[], ta: boolean, tb: boolean, seed: number) {
  tf.registerGradient(config);
  const random = rng(seed);
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const a = tf.tensor(normals(size(aShape), random), aShape);
  const b = tf.tensor(normals(size(bShape), random), bShape);
  // a non-uniform upstream gradient, so every entry of dA, dB matters
  const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, ta, tb)));
  const [da, db] = tf.grads(f)([a, b]);
  const out = [da.arraySync(), db.arraySync()];
  tf.dispose([a, b, da, db]);
  return out;
}

const cases: [number[], number[], boolean, boolean][] = [
  [[5, 3], [3, 4], false, false],
  [[5, 3], [4, 3], false, true],
  [[3, 5], [3, 4], true, false],
  [[3, 5], [4, 3], true, true],
  [[2, 5, 3], [2, 3, 4], false, false],
  [[2, 3, 5], [2, 4, 3], true, true],
  [[2, 5, 3], [2, 4, 3], false, true],
];

for (const [aShape, bShape, ta, tb] of cases) {
  test(`matMul([${aShape}], [${bShape}], transposeA=${ta}, transposeB=${tb}): explicit-transpose gradient equals tfjs's`, () => {
    const ours = gradsWith(batchMatMulGradConfig, aShape, bShape, ta, tb, 7);
    const theirs = gradsWith(stock, aShape, bShape, ta, tb, 7);
    const flat = (x: unknown) => (x as number[]).flat(3) as number[];
    for (const k of [0, 1]) {
      const [o, t] = [flat(ours[k]), flat(theirs[k])];
      assert.equal(o.length, t.length);
      assert.ok(o.some((v) => v !== 0));
      for (let i = 0; i < o.length; i++) assert.ok(Math.abs(o[i] - t[i]) <= 1e-5 * Math.max(1, Math.abs(t[i])), `${k}[${i}]: ${o[i]} vs ${t[i]}`);
    }
  });
}

test("useFastMatMulGradient() installs a gradient that uses tfjs's own off wasm, and is idempotent; useStockMatMulGradient() undoes it", () => {
  tf.registerGradient(stock);
  useFastMatMulGradient();
  const installed = tf.getGradient(tf.BatchMatMul)!;
  useFastMatMulGradient();
  assert.equal(tf.getGradient(tf.BatchMatMul), installed);
  assert.notEqual(installed.gradFunc, stock.gradFunc);
  // On cpu (these tests) it must compute what tfjs's own computes, exactly: it is tfjs's own.
  const theirs = gradsWith(stock, [5, 3], [4, 3], false, true, 3);
  const ours = gradsWith(installed, [5, 3], [4, 3], false, true, 3);
  assert.deepEqual(ours, theirs);
  useStockMatMulGradient();
  useFastMatMulGradient();
  assert.ok(tf.getGradient(tf.BatchMatMul), "reinstalled");
  tf.registerGradient(stock); // leave tfjs as other tests expect it
});
