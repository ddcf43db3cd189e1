import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { epochBatches, type Batch, type Dataset } from "../../lib/data/index.js";
import { crossEntropy, mse } from "../../lib/models/losses.js";
import { disposeModel, forward, linear, mlp, type MLP } from "../../lib/models/mlp.js";
import { normals, rng } from "../../lib/random.js";
import { accumulate, type BatchLoss } from "../../lib/train/accumulate.js";
import { DivergedError } from "../../lib/train/diverged.js";
import { evaluateClassifier } from "../../lib/train/evaluate.js";
import { train, type Progress } from "../../lib/train/loop.js";
import type { Stepper } from "../../lib/optimizers/choice.js";
import { Parameters } from "../../lib/train/parameters.js";

/** A stand-in for lib/optimizers' SGD (θ ← θ − lr·g), so these tests do not depend on it. */
function plainSGD(lr: number): Stepper {
  return {
    step(vars, grads) {
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(grads[i], tf.scalar(lr))))));
    },
  };
}

/** n random 4×3 "images" (uint8) with labels from a fixed linear rule, so there is something to learn. */
function toy(n: number, seed = 1, h = 4, w = 3): Dataset {
  const random = rng(seed);
  const images = Uint8Array.from({ length: n * h * w }, () => Math.floor(random() * 256));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < h * w; j++) s += images[i * h * w + j] * ((j % 3) - 1);
    labels[i] = s > 200 ? 2 : s < -200 ? 0 : 1;
  }
  return { images, labels, count: n, height: h, width: w, classes: 3 };
}

const ceLoss =
  (model: MLP): BatchLoss =>
  (x, y) =>
    crossEntropy(forward(model, x), y);

/** Squared error against one-hot targets: with too large a step, gradient descent on it blows up geometrically. */
const mseLoss =
  (model: MLP): BatchLoss =>
  (x, y) =>
    mse(forward(model, x), tf.oneHot(y, 3));

function values(model: MLP): number[][] {
  return model.params.map((p) => Array.from(p.dataSync()));
}

function assertClose(a: number[][], b: number[][], tol: number, what: string) {
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  assert.ok(worst <= tol, `${what}: max difference ${worst} > ${tol}`);
}

function concat(bs: Batch[]): Batch {
  const x = new Float32Array(bs.reduce((n, b) => n + b.x.length, 0));
  const y = new Int32Array(bs.reduce((n, b) => n + b.size, 0));
  let [i, j] = [0, 0];
  for (const b of bs) {
    x.set(b.x, i);
    y.set(b.y, j);
    i += b.x.length;
    j += b.size;
  }
  return { ...bs[0], x, y, size: y.length };
}

async function collect(run: AsyncGenerator<Progress>): Promise<Progress[]> {
  const out: Progress[] = [];
  for await (const p of run) out.push(p);
  return out;
}

describe("accumulate(params, microBatches, loss, mode)", () => {
  const ds = toy(11);
  const micro = [...epochBatches(ds, { batchSize: 4, seed: 2 }, 0)]; // sizes 4, 4, 3

  it('"correct" gives the gradient of one batch of all the samples (to 1e-5), also with a short last micro-batch', () => {
    const [a, b] = [linear(12, 3, 5), linear(12, 3, 5)];
    const [pa, pb] = [new Parameters(a.params), new Parameters(b.params)];
    const la = accumulate(pa, micro, ceLoss(a), "correct");
    const lb = accumulate(pb, [concat(micro)], ceLoss(b), "correct");
    assert.ok(Math.abs(la - lb) < 1e-5, `loss ${la} vs ${lb}`);
    assertClose(pa.grads.map((g) => Array.from(g.dataSync())), pb.grads.map((g) => Array.from(g.dataSync())), 1e-5, "gradients");
    pa.dispose();
    pb.dispose();
  });

  it('"broken" (the optimizers-lab notebook\'s zero_grad inside the loop) leaves only the last micro-batch\'s gradient', () => {
    const [a, b] = [linear(12, 3, 5), linear(12, 3, 5)];
    const [pa, pb] = [new Parameters(a.params), new Parameters(b.params)];
    accumulate(pa, micro, ceLoss(a), "broken");
    accumulate(pb, [micro[2]], ceLoss(b), "correct");
    assertClose(pa.grads.map((g) => Array.from(g.dataSync())), pb.grads.map((g) => Array.from(g.dataSync())), 1e-7, "gradients");
    pa.dispose();
    pb.dispose();
  });

  it("leaves no tensors behind but the gradient buffers", () => {
    const m = linear(12, 3, 5);
    const p = new Parameters(m.params);
    const before = tf.memory().numTensors;
    accumulate(p, micro, ceLoss(m), "correct");
    accumulate(p, micro, ceLoss(m), "broken");
    p.zeroGrad(); // the buffers are the caller's; back to the state they started in
    assert.equal(tf.memory().numTensors, before);
    p.dispose();
  });
});

describe("train(options)", () => {
  const ds = toy(24);

  it("with accumulation k = 3 of batch 4 equals batch 12 without accumulation, step for step (to 1e-5)", async () => {
    const [a, b] = [linear(12, 3, 7), linear(12, 3, 7)];
    const ra = await collect(train({ params: a.params, loss: ceLoss(a), data: { dataset: ds, batchSize: 4, seed: 3 }, optimizer: plainSGD(0.5), epochs: 3, accumulation: 3 }));
    const rb = await collect(train({ params: b.params, loss: ceLoss(b), data: { dataset: ds, batchSize: 12, seed: 3 }, optimizer: plainSGD(0.5), epochs: 3 }));
    assert.equal(ra.length, 6); // 24 samples / 12 per step × 3 epochs
    assert.deepEqual(ra.map((p) => [p.step, p.epoch, p.samplesSeen]), rb.map((p) => [p.step, p.epoch, p.samplesSeen]));
    ra.forEach((p, i) => assert.ok(Math.abs(p.loss - rb[i].loss) < 1e-5));
    assertClose(values(a), values(b), 1e-5, "parameters");
    disposeModel(a);
    disposeModel(b);
  });

  it('accumulate: "broken" equals plain steps on every k-th micro-batch only', async () => {
    const [a, b] = [linear(12, 3, 7), linear(12, 3, 7)];
    await collect(train({ params: a.params, loss: ceLoss(a), data: { dataset: ds, batchSize: 4, seed: 3 }, optimizer: plainSGD(0.5), steps: 2, accumulation: 3, accumulate: "broken" }));
    const order = [...epochBatches(ds, { batchSize: 4, seed: 3 }, 0)];
    const lastOnly = [order[2], order[5]]; // micro-batches 3 and 6
    await collect(train({ params: b.params, loss: ceLoss(b), data: lastOnly, optimizer: plainSGD(0.5), steps: 2 }));
    assertClose(values(a), values(b), 1e-6, "parameters");
    disposeModel(a);
    disposeModel(b);
  });

  it("is fixed by its seed; another seed shuffles differently", async () => {
    const run = async (seed: number) => {
      const m = linear(12, 3, 1);
      const r = await collect(train({ params: m.params, loss: ceLoss(m), data: { dataset: ds, batchSize: 5, seed, augment: {} }, optimizer: plainSGD(0.1), epochs: 2 }));
      disposeModel(m);
      return r.map((p) => p.loss);
    };
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("stops after epochs or steps, whichever comes first, and always reports the last step", async () => {
    const m = linear(12, 3, 1);
    const base = { params: m.params, loss: ceLoss(m), data: { dataset: ds, batchSize: 10, seed: 1 }, optimizer: plainSGD(0.1) };
    const epochs = await collect(train({ ...base, epochs: 2 })); // 3 batches (10, 10, 4) per epoch
    assert.deepEqual(epochs.map((p) => [p.epoch, p.batch]), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    assert.equal(epochs.at(-1)!.samplesSeen, 48);
    assert.equal((await collect(train({ ...base, epochs: 2, steps: 4 }))).length, 4);
    const sparse = await collect(train({ ...base, steps: 7, yieldEvery: 3 }));
    assert.deepEqual(sparse.map((p) => p.step), [3, 6, 7]);
    assert.ok(sparse.every((p, i) => i === 0 || p.elapsedMs >= sparse[i - 1].elapsedMs));
    disposeModel(m);
  });

  it("calls evaluate every evaluateEvery samples and attaches the result", async () => {
    const m = linear(12, 3, 1);
    const calls: number[] = [];
    const run = await collect(
      train({
        params: m.params,
        loss: ceLoss(m),
        data: { dataset: ds, batchSize: 4, seed: 1 },
        optimizer: plainSGD(0.1),
        epochs: 1,
        yieldEvery: 100,
        evaluateEvery: 10,
        evaluate: async ({ samplesSeen }) => {
          calls.push(samplesSeen);
          const s = await evaluateClassifier((x) => forward(m, x), ds);
          return { trainLoss: s.loss, trainAcc: s.accuracy, testLoss: s.loss, testAcc: s.accuracy };
        },
      }),
    );
    assert.deepEqual(calls, [12, 20]); // crossing 10 and 20
    assert.deepEqual(run.map((p) => [p.samplesSeen, p.eval !== undefined]), [[12, true], [20, true], [24, false]]);
    disposeModel(m);
  });

  it("throws DivergedError 'diverged at step k (loss = NaN)' without taking that step", async () => {
    const m = linear(12, 3, 1);
    let calls = 0;
    const loss: BatchLoss = (x, y) => {
      calls++;
      const l = crossEntropy(forward(m, x), y);
      return calls >= 3 ? (tf.mul(l, tf.scalar(NaN)) as tf.Scalar) : l;
    };
    const seen: Progress[] = [];
    let after2: number[][] = [];
    await assert.rejects(
      async () => {
        for await (const p of train({ params: m.params, loss, data: { dataset: ds, batchSize: 4, seed: 1 }, optimizer: plainSGD(0.1), epochs: 5 })) {
          seen.push(p);
          after2 = values(m);
        }
      },
      (e: unknown) => e instanceof DivergedError && e.message === "diverged at step 3 (loss = NaN)" && e.step === 3,
    );
    assert.equal(seen.length, 2);
    assert.deepEqual(values(m), after2); // step 3 was refused
    disposeModel(m);
  });

  it("with yieldEvery > 1, names the first NaN step among the steps read together", async () => {
    const m = linear(12, 3, 1);
    let calls = 0;
    const loss: BatchLoss = (x, y) => {
      calls++;
      const l = crossEntropy(forward(m, x), y);
      return calls >= 4 ? (tf.mul(l, tf.scalar(NaN)) as tf.Scalar) : l;
    };
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const p of train({ params: m.params, loss, data: { dataset: ds, batchSize: 4, seed: 1 }, optimizer: plainSGD(0.1), epochs: 5, yieldEvery: 3 })) seen.push(p.step);
      },
      (e: unknown) => e instanceof DivergedError && e.step === 4,
    );
    assert.deepEqual(seen, [3]); // steps 4 and 5 were queued unread; the read at step 6 finds step 4
    assert.equal(tf.memory().numTensors, before, "unread losses were released");
    disposeModel(m);
  });

  it("an exploding learning rate diverges with a clear message", async () => {
    const m = linear(12, 3, 2);
    await assert.rejects(
      collect(train({ params: m.params, loss: mseLoss(m), data: { dataset: ds, batchSize: 8, seed: 1 }, optimizer: plainSGD(1e3), epochs: 100 })),
      /^DivergedError: diverged at step \d+ \(loss = (NaN|Infinity)\)$/,
    );
    disposeModel(m);
  });

  it("rejects bad options, naming them", () => {
    const m = linear(12, 3, 1);
    const base = { params: m.params, loss: ceLoss(m), data: { dataset: ds, batchSize: 4, seed: 1 }, optimizer: plainSGD(0.1) };
    assert.rejects(train(base).next(), /train: give epochs or steps/);
    assert.rejects(train({ ...base, steps: 1, accumulation: 0 }).next(), /accumulation must be a positive integer, got 0/);
    disposeModel(m);
  });
});

describe("train(options) releases every tensor it made", () => {
  const ds = toy(40);

  async function check(name: string, run: (m: MLP, params: tf.Variable[] | Parameters) => Promise<void>) {
    for (const wrap of [false, true]) {
      const m = mlp({ sizes: [12, 6, 3], seed: 3 });
      const params = wrap ? new Parameters(m.params) : m.params;
      const before = tf.memory().numTensors;
      await run(m, params);
      // A given Parameters keeps its (filled) gradient buffers: they are the caller's. Zeroed, they are as before.
      if (params instanceof Parameters) params.zeroGrad();
      assert.equal(tf.memory().numTensors, before, `${name} (${wrap ? "Parameters" : "variables"})`);
      if (params instanceof Parameters) params.dispose();
      else disposeModel(m);
    }
  }

  const options = (m: MLP, params: tf.Variable[] | Parameters) => ({
    params,
    loss: ceLoss(m),
    data: { dataset: ds, batchSize: 8, seed: 1, augment: {} },
    optimizer: plainSGD(0.1),
    accumulation: 2,
  });

  it("after a finished run", () => check("finished", async (m, p) => void (await collect(train({ ...options(m, p), epochs: 2 })))));

  it("after a run cancelled by its signal, within one step", () =>
    check("aborted", async (m, p) => {
      const controller = new AbortController();
      const seen: number[] = [];
      for await (const progress of train({ ...options(m, p), epochs: 100, signal: controller.signal })) {
        seen.push(progress.step);
        if (progress.step === 3) controller.abort();
      }
      assert.deepEqual(seen, [1, 2, 3]);
    }));

  it("after the consumer stops early (break, as Framework's invalidation calls return())", () =>
    check("returned", async (m, p) => {
      for await (const progress of train({ ...options(m, p), epochs: 100 })) if (progress.step === 2) break;
    }));

  it("after a diverged run", () =>
    check("diverged", async (m, p) => {
      await assert.rejects(collect(train({ ...options(m, p), loss: mseLoss(m), optimizer: plainSGD(1e3), epochs: 100 })), DivergedError);
    }));
});

describe("train(options) keeps the event loop responsive", () => {
  it("the longest gap between event-loop turns stays under 100 ms (MLP 784-100-10, batch 16, yieldEvery 1000)", async () => {
    const n = 1024;
    const random = rng(11);
    const images = Uint8Array.from(normals(n * 784, random, 0.13, 0.3), (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const ds: Dataset = { images, labels, count: n, height: 28, width: 28, classes: 10 };
    const m = mlp({ sizes: [784, 100, 10], init: "torch-default", seed: 4 });

    const options = { params: m.params, loss: ceLoss(m), data: { dataset: ds, batchSize: 16, seed: 1, augment: {} }, optimizer: plainSGD(0.05), yieldEvery: 1000 };
    await collect(train({ ...options, steps: 2 })); // warm-up: first calls allocate and register kernels
    // A probe that notes how late each turn of the event loop comes while 40 steps run.
    const measure = async () => {
      let last = performance.now();
      let maxGap = 0;
      let turns = 0;
      let probing = true;
      const probe = () => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        turns++;
        if (probing) setImmediate(probe);
      };
      setImmediate(probe);
      const t0 = performance.now();
      const run = await collect(train({ ...options, steps: 40 }));
      probing = false;
      assert.equal(run.length, 1); // only the last step is reported: the turns come from the loop's own breaks
      return { maxGap, turns, total: performance.now() - t0 };
    };
    // Without breaks the gap would be the whole run (every time). A loaded machine can also pause the process
    // for its own reasons, so the best of three runs is what the loop is judged on.
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await measure());
      if (runs.at(-1)!.maxGap < 100) break;
    }
    const best = runs.reduce((a, b) => (b.maxGap < a.maxGap ? b : a));
    const report = runs.map((r) => `${r.maxGap.toFixed(1)} ms (${r.turns} turns, 40 steps in ${r.total.toFixed(0)} ms)`).join("; ");
    console.log(`max event-loop gap: ${report}`);
    assert.ok(best.maxGap < 100, `max gap ${report}`);
    // The loop yields on time, not on a step count: a quick run has few turns (CI: 9 turns in 410 ms, gaps ≤ 50 ms),
    // so the floor is one turn per 100 ms of run, and at least two (a loop that never yields gets one, at its end).
    const floor = Math.max(2, Math.floor(best.total / 100));
    assert.ok(best.turns >= floor, `only ${best.turns} event-loop turns in 40 steps over ${best.total.toFixed(0)} ms (at least ${floor})`);
    disposeModel(m);
  });
});

describe("evaluateClassifier(logits, dataset)", () => {
  it("matches crossEntropy and accuracy over the whole set, in any batch size", async () => {
    const ds = toy(23);
    const m = linear(12, 3, 9);
    const [b] = [...epochBatches(ds, { batchSize: 23, seed: 1, shuffle: false }, 0)];
    const [l, a] = tf.tidy(() => {
      const z = forward(m, tf.tensor2d(b.x, [23, 12]));
      const y = tf.tensor1d(b.y, "int32");
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(z, 1), y), "float32")).dataSync()[0];
      return [crossEntropy(z, y).dataSync()[0], acc];
    });
    const s = await evaluateClassifier((x) => forward(m, x), ds, { batchSize: 5 });
    assert.ok(Math.abs(s.loss - l) < 1e-5);
    assert.ok(Math.abs(s.accuracy - a) < 1e-6);
    disposeModel(m);
  });
});
