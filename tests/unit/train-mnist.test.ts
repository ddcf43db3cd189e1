// The training loop with lib/optimizers on real MNIST, the way a page runs it: bytes of the .bin files
// decoded, the gradient-descent tutorial's MLP 784-100-10 (torch-default init), normalised with the computed statistics.
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeDataset, encodeDataset, pixelStats, type Normalization } from "../../lib/data/index.js";
import { crossEntropy, mse } from "../../lib/models/losses.js";
import { disposeModel, forward, linear, mlp, type MLP } from "../../lib/models/mlp.js";
import { adam, createOptimizer, sgd } from "../../lib/optimizers/index.js";
import { DivergedError } from "../../lib/train/diverged.js";
import { evaluateClassifier } from "../../lib/train/evaluate.js";
import { train, type Progress, type TrainOptions } from "../../lib/train/loop.js";
import { readSplit, readSubset } from "../../src/data/mnist-files.js";

const subset = decodeDataset(encodeDataset(readSubset("train")), "mnist-subset.bin");
const testSubset = decodeDataset(encodeDataset(readSubset("test")), "mnist-test-subset.bin");
const normalize: Normalization = { scale: 255, ...pixelStats(readSplit("train")) };

const seed004 = (seed = 4) => mlp({ sizes: [784, 100, 10], init: "torch-default", seed });
const ce = (m: MLP) => (x: tf.Tensor2D, y: tf.Tensor1D) => crossEntropy(forward(m, x), y);

async function collect(run: AsyncGenerator<Progress>): Promise<Progress[]> {
  const out: Progress[] = [];
  for await (const p of run) out.push(p);
  return out;
}

describe("train() on MNIST with lib/optimizers", () => {
  it("Adam(lr 1e-3), batch 64, 60 steps on the 6,000-image subset: test-subset accuracy above 80%", async () => {
    const m = seed004();
    const opt = createOptimizer(adam, { lr: 1e-3 });
    const run = await collect(
      train({
        params: m.params,
        loss: ce(m),
        data: { dataset: subset, batchSize: 64, seed: 1, normalize },
        optimizer: opt,
        steps: 60,
        evaluateEvery: 64 * 30,
        evaluate: async () => {
          const test = await evaluateClassifier((x) => forward(m, x), testSubset, { normalize });
          return { trainLoss: NaN, trainAcc: NaN, testLoss: test.loss, testAcc: test.accuracy };
        },
      }),
    );
    assert.equal(run.length, 60);
    const evals = run.filter((p) => p.eval).map((p) => p.eval!);
    assert.equal(evals.length, 2);
    assert.ok(run[0].loss > 2 && run[0].loss < 2.6, `first loss ${run[0].loss}`); // ≈ ln 10 at torch's init
    assert.ok(evals[1].testAcc > 0.8, `test accuracy ${evals[1].testAcc}`);
    assert.ok(evals[1].testLoss < evals[0].testLoss);
    opt.dispose();
    disposeModel(m);
  });

  it("accumulation k = 4 of batch 16 equals batch 64 under Adam (parameters to 1e-5 after 5 steps)", async () => {
    const results: Float32Array[][] = [];
    for (const [batchSize, accumulation] of [[16, 4], [64, 1]]) {
      const m = seed004(9);
      const opt = createOptimizer(adam, { lr: 1e-3 });
      await collect(train({ params: m.params, loss: ce(m), data: { dataset: subset, batchSize, seed: 2, normalize }, optimizer: opt, steps: 5, accumulation }));
      results.push(m.params.map((p) => p.dataSync() as Float32Array));
      opt.dispose();
      disposeModel(m);
    }
    let worst = 0;
    results[0].forEach((a, i) => a.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - results[1][i][j])))));
    assert.ok(worst < 1e-5, `max difference ${worst}`);
  });

  it("tensor count returns to its baseline after finished, cancelled and diverged runs (optimizer disposed)", async () => {
    const m = seed004();
    const lin = linear(784, 10, 3);
    const cases: [string, () => Promise<void>][] = [
      ["finished", async () => {
        const opt = createOptimizer(adam, { lr: 1e-3 });
        await collect(train({ params: m.params, loss: ce(m), data: { dataset: subset, batchSize: 32, seed: 1, normalize, augment: {} }, optimizer: opt, steps: 4, accumulation: 2 }));
        opt.dispose();
      }],
      ["cancelled", async () => {
        const opt = createOptimizer(adam, { lr: 1e-3 });
        const controller = new AbortController();
        const base: TrainOptions = { params: m.params, loss: ce(m), data: { dataset: subset, batchSize: 32, seed: 1, normalize }, optimizer: opt, epochs: 10, signal: controller.signal };
        for await (const p of train(base)) if (p.step === 2) controller.abort();
        opt.dispose();
      }],
      ["diverged", async () => {
        const opt = createOptimizer(sgd, { lr: 100 });
        const loss = (x: tf.Tensor2D, y: tf.Tensor1D) => mse(forward(lin, x), tf.oneHot(y, 10));
        await assert.rejects(collect(train({ params: lin.params, loss, data: { dataset: subset, batchSize: 32, seed: 1, normalize }, optimizer: opt, epochs: 1 })), DivergedError);
        opt.dispose();
      }],
    ];
    for (const [name, run] of cases) {
      const before = tf.memory().numTensors;
      await run();
      assert.equal(tf.memory().numTensors, before, name);
    }
    disposeModel(m);
    disposeModel(lin);
  });
});
