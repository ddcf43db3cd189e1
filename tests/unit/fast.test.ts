/**
 * The small-model fast path (lib/fast): its gradients and its training runs against the tfjs path
 * (lib/models + lib/train's Parameters + createOptimizer), and the Adam-on-digits notebook's results on the digits.
 */
import "../helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { DIGITS, parseDigitsCsv, splitDigits, toFeatures } from "../../lib/data/digits.js";
import { DenseNet } from "../../lib/fast/dense.js";
import { crossValidate, denseRun, digitsFeatures, meanSd, staleOptimizerReplay, type DenseRunState } from "../../lib/fast/experiments.js";
import { fitDense, fitDenseSync } from "../../lib/fast/train.js";
import { crossEntropy, mse } from "../../lib/models/losses.js";
import { disposeModel, forward, mlp } from "../../lib/models/mlp.js";
import { FloatArena, FloatVec } from "../../lib/optimizers/engines.js";
import { adadelta, adagrad, adam, adamw, createFloatOptimizer, createOptimizer, rmsprop, sgd, type AnyOptimizerDef } from "../../lib/optimizers/index.js";
import { resolveOptions } from "../../lib/optimizers/validate.js";
import { rng, uniforms } from "../../lib/random.js";
import { DivergedError } from "../../lib/train/diverged.js";
import { Parameters } from "../../lib/train/parameters.js";

const root = join(import.meta.dirname, "../..");
const digits = parseDigitsCsv(gunzipSync(readFileSync(join(root, DIGITS.file))).toString("utf8"));
const { train, test: held } = splitDigits(digits);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The page's table: the Adam-on-digits notebook's four optimizers and learning rates. */
const table: [AnyOptimizerDef, number][] = [
  [adam, 1e-3],
  [sgd, 1e-3],
  [rmsprop, 1e-3],
  [adagrad, 1e-2],
];

describe("DenseNet gradients equal tfjs's", () => {
  const cases: { sizes: number[]; loss: "cross-entropy" | "mse" }[] = [
    { sizes: [64, 10], loss: "cross-entropy" },
    { sizes: [6, 5, 4], loss: "cross-entropy" },
    { sizes: [5, 7, 3, 4], loss: "mse" },
  ];
  for (const { sizes, loss } of cases) {
    test(`[${sizes}] ${loss}`, () => {
      const random = rng(7);
      const k = sizes[sizes.length - 1];
      const x = uniforms(sizes[0], random, -2, 2);
      const target = loss === "mse" ? uniforms(k, random, -1, 1) : 2;
      const net = new DenseNet({ sizes, seed: 3 });
      net.zeroGrad();
      const value = net.backward(x, 0, target, loss);
      const model = mlp({ sizes, init: "torch-default", seed: 3 });
      const { value: tv, grads } = tf.variableGrads(() => {
        const out = forward(model, tf.tensor2d(x, [1, sizes[0]]));
        return loss === "mse" ? mse(out, tf.tensor2d(target as Float32Array, [1, k])) : crossEntropy(out, tf.tensor1d([target as number], "int32"));
      }, model.params);
      assert.ok(Math.abs(tv.dataSync()[0] - value) < 1e-5, `loss ${value} vs ${tv.dataSync()[0]}`);
      model.params.forEach((v, i) => {
        assert.ok(maxAbsDiff(grads[v.name].dataSync(), net.grads[i]) < 1e-5, `gradient of parameter ${i}`);
      });
      // backward accumulates, like torch's .grad, until zeroGrad
      net.backward(x, 0, target, loss);
      assert.ok(maxAbsDiff(grads[model.params[1].name].dataSync().map((g) => 2 * g), net.grads[1]) < 2e-5, "accumulated bias gradient");
      tv.dispose();
      for (const g of Object.values(grads)) g.dispose();
      disposeModel(model);
    });
  }
});

describe("the fast path equals the tfjs path: same init, same samples in the same order", () => {
  const steps = 300;
  const x = toFeatures(train);
  for (const [def, lr] of table) {
    test(`${def.title} lr ${lr}: ${steps} per-sample steps on the digits, parameters within 1e-5`, () => {
      const model = mlp({ sizes: [64, 10], init: "torch-default", seed: 5 });
      const params = new Parameters(model.params);
      const opt = createOptimizer(def, { lr });
      const tfLosses: number[] = [];
      for (let r = 0; r < steps; r++) {
        const xs = tf.tensor2d(x.subarray(r * 64, (r + 1) * 64), [1, 64]);
        const ys = tf.tensor1d([train.labels[r]], "int32");
        params.zeroGrad();
        tfLosses.push(params.backward(() => crossEntropy(forward(model, xs), ys)));
        opt.step(params.vars, params.grads);
        xs.dispose();
        ys.dispose();
      }
      const net = new DenseNet({ sizes: [64, 10], seed: 5 });
      const fastOpt = createFloatOptimizer(def, { lr });
      const fastLosses: number[] = [];
      for (let r = 0; r < steps; r++) {
        net.zeroGrad();
        fastLosses.push(net.backward(x, r, train.labels[r]));
        fastOpt.step(net.params, net.grads);
      }
      const values = params.values();
      const dW = maxAbsDiff(values[0], net.params[0]);
      const db = maxAbsDiff(values[1], net.params[1]);
      assert.ok(dW <= 1e-5 && db <= 1e-5, `max |Δ| W ${dW}, b ${db}`);
      assert.ok(maxAbsDiff(tfLosses, fastLosses) <= 1e-4, "losses along the way");
      // and fitDense's loop is this loop: one epoch over the first `steps` rows gives the same parameters
      const again = new DenseNet({ sizes: [64, 10], seed: 5 });
      fitDenseSync({ net: again, optimizer: createFloatOptimizer(def, { lr }), x: x.subarray(0, steps * 64), y: train.labels.subarray(0, steps), epochs: 1 });
      assert.equal(maxAbsDiff(again.params[0], net.params[0]), 0);
      params.dispose();
      opt.dispose();
    });
  }
});

describe("createFloatOptimizer's fused loop and arena", () => {
  test("FloatVec ops give the same values with and without an arena", () => {
    const arena = new FloatArena();
    const a = Float32Array.from([1, 2, 3.5]);
    const b = Float32Array.from([0.5, -1, 2]);
    const plain = new FloatVec(a).mul(new FloatVec(b)).add(0.1).sqrt();
    const pooled = new FloatVec(a, arena).mul(new FloatVec(b, arena)).add(0.1).sqrt();
    assert.deepEqual(pooled.data, plain.data);
    assert.ok(arena.owns(pooled.data), "arena output");
    assert.ok(!arena.owns(plain.data), "plain output");
    arena.reset();
    const first = new FloatVec(a, arena).mul(2).data;
    assert.equal(arena.take(3) === first, false, "not handed out twice before reset");
    arena.reset();
    assert.equal(arena.take(3), first, "handed out again after reset");
  });

  test("the fused loop computes bit for bit what the rule computes on plain FloatVecs, for every optimizer and option", () => {
    const variants: [AnyOptimizerDef, Record<string, unknown>][] = [
      [sgd, { lr: 0.1 }],
      [sgd, { lr: 0.1, momentum: 0.9 }],
      [sgd, { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
      [sgd, { lr: 0.1, momentum: 0.5, dampening: 0.3, maximize: true }],
      [adam, { lr: 0.01 }],
      [adam, { lr: 0.01, amsgrad: true, weight_decay: 0.1 }],
      [adamw, { lr: 0.01, amsgrad: true }],
      [rmsprop, { lr: 0.01 }],
      [rmsprop, { lr: 0.01, centered: true, momentum: 0.5, weight_decay: 0.01 }],
      [adagrad, { lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1 }],
      [adadelta, { lr: 1, weight_decay: 0.01 }],
    ];
    for (const [def, options] of variants) {
      const random = rng(11);
      const p = uniforms(37, random, -1, 1);
      const opt = createFloatOptimizer(def, options);
      // Where code generation is refused (a CSP without 'unsafe-eval'), the runner goes op by op on arena arrays.
      const pNoEval = p.slice();
      const noEval = createFloatOptimizer(def, options, {
        compile: () => {
          throw new EvalError("Code generation from strings disallowed for this context");
        },
      });
      const resolved = resolveOptions(def, options);
      let θ = new FloatVec(p.slice());
      let slots = def.init(θ, resolved, (c) => FloatVec.fill(p.length, c));
      for (let t = 1; t <= 25; t++) {
        const g = uniforms(37, random, -2, 2);
        if (t === 3) g.fill(0, 0, 10); // exact zeros, as for blank pixels
        opt.step([p], [g]);
        noEval.step([pNoEval], [g]);
        assert.deepEqual(pNoEval, p, `${def.name} ${JSON.stringify(options)}: arena fallback θ at step ${t}`);
        const r = def.update(θ, new FloatVec(g.slice()), slots, t, resolved);
        θ = r.θ as FloatVec;
        slots = r.state;
        assert.deepEqual(p, θ.data, `${def.name} ${JSON.stringify(options)}: θ at step ${t}`);
      }
      const state = opt.state[0].slots as Record<string, Float32Array>;
      for (const k of Object.keys(state)) assert.deepEqual(state[k], (slots as Record<string, FloatVec>)[k].data, `${def.name}: slot ${k}`);
    }
  });

  test("state is a snapshot: later steps do not change arrays read earlier", () => {
    const opt = createFloatOptimizer(adam, { lr: 0.1 });
    const p = [Float32Array.from([1, 2])];
    opt.step(p, [Float32Array.from([1, 1])]);
    const m1 = opt.state[0].slots.m;
    const copy = m1.slice();
    opt.step(p, [Float32Array.from([3, -1])]);
    assert.deepEqual(m1, copy);
    assert.notDeepEqual(opt.state[0].slots.m, copy);
  });
});

/** 15 epochs, the Adam-on-digits notebook's loop, test accuracy. */
function run15(def: AnyOptimizerDef, lr: number, scale = 1, seed = 1) {
  const data = digitsFeatures(train, held, { scale });
  let last: DenseRunState | undefined;
  for (const s of denseRun({ data, def, options: { lr }, epochs: 15, seed })) last = s;
  return last!;
}

describe("the Adam-on-digits notebook on the fast path", () => {
  test("Adam 1e-3, 15 epochs per sample: test accuracy in 0.88–0.94 (PyTorch ≈ 0.91)", () => {
    const r = run15(adam, 1e-3);
    assert.ok(r.done && !r.error, `run: ${r.error}`);
    assert.equal(r.losses.length, 15);
    assert.ok(r.accuracy! >= 0.88 && r.accuracy! <= 0.94, `accuracy ${r.accuracy}`);
    assert.ok(r.loss < 0.05, `final training loss ${r.loss}`);
    console.log(`# Adam 1e-3: accuracy ${r.accuracy!.toFixed(4)}, final loss ${r.loss.toFixed(4)}, ${r.ms.toFixed(0)} ms in Node`);
  });

  test("SGD, RMSprop and Adagrad reach PyTorch's neighbourhood too (≥ 0.88)", () => {
    for (const [def, lr] of table.slice(1)) {
      const r = run15(def, lr);
      assert.ok(r.accuracy! >= 0.88, `${def.title}: ${r.accuracy}`);
      console.log(`# ${def.title} ${lr}: accuracy ${r.accuracy!.toFixed(4)}, final loss ${r.loss.toFixed(4)}, ${r.ms.toFixed(0)} ms in Node`);
    }
  });

  test("scaling the inputs: SGD at × 50 is far worse than at × 1; Adam is not", () => {
    const sgd1 = run15(sgd, 1e-3, 1);
    const sgd50 = run15(sgd, 1e-3, 50);
    const adam1 = run15(adam, 1e-3, 1);
    const adam50 = run15(adam, 1e-3, 50);
    // SGD's effective step grows with the square of the scale: the logits blow up and the loss with them.
    assert.ok(sgd50.loss > 100 * sgd1.loss, `SGD final loss × 50: ${sgd50.loss}, × 1: ${sgd1.loss}`);
    assert.ok(sgd50.testLoss! > 100 * sgd1.testLoss!, `SGD test loss × 50: ${sgd50.testLoss}, × 1: ${sgd1.testLoss}`);
    // Adam's step does not grow with the gradient: accuracy holds, and its loss stays far below SGD's.
    assert.ok(adam50.accuracy! > adam1.accuracy! - 0.05, `Adam accuracy × 50: ${adam50.accuracy}, × 1: ${adam1.accuracy}`);
    assert.ok(adam50.loss < sgd50.loss / 10, `Adam final loss × 50: ${adam50.loss} vs SGD's ${sgd50.loss}`);
    // And at × 1/50 SGD barely moves in 15 epochs, while Adam still learns.
    const sgdSmall = run15(sgd, 1e-3, 1 / 50);
    const adamSmall = run15(adam, 1e-3, 1 / 50);
    assert.ok(sgdSmall.accuracy! < sgd1.accuracy! - 0.1, `SGD × 1/50: ${sgdSmall.accuracy}`);
    assert.ok(adamSmall.accuracy! > adam1.accuracy! - 0.05, `Adam × 1/50: ${adamSmall.accuracy}`);
  });

  test("a constant scale of the gradient itself: Adam's run is (almost) unchanged, SGD's is not", () => {
    const data = digitsFeatures(train, held);
    const end = (def: AnyOptimizerDef, gradScale: number) => {
      const net = new DenseNet({ sizes: [64, 10], seed: 1 });
      fitDenseSync({ net, optimizer: createFloatOptimizer(def, { lr: 1e-3 }), x: data.xTrain, y: data.yTrain, epochs: 2, gradScale });
      return net.params[0];
    };
    // Adam: only ε = 1e-8 next to √v̂ breaks the invariance (visible where gradients are tiny); SGD: lr × 100.
    const dAdam = maxAbsDiff(end(adam, 1), end(adam, 100));
    const dSgd = maxAbsDiff(end(sgd, 1), end(sgd, 100));
    assert.ok(dAdam < 1e-2, `Adam moved ${dAdam} away`);
    assert.ok(dSgd > 1, `SGD moved ${dSgd} away`);
  });

  test("the seed's SGD cell: a stale optimizer never trains the new models; a fresh one does", () => {
    const buggy = [...staleOptimizerReplay({ train, test: held, buggy: true, epochs: 3 })].at(-1)!;
    const fixed = [...staleOptimizerReplay({ train, test: held, buggy: false, epochs: 3 })].at(-1)!;
    assert.ok(buggy.done && fixed.done, "both replays finish");
    assert.deepEqual(buggy.rows.map((r) => r.scale), [1 / 5, 5, 1]);
    // model 1 trained for real in both; models 2 and 3 never move with the stale optimizer
    assert.ok(buggy.rows[0].moved > 0 && buggy.rows[0].accuracy > 0.8, `model 1: moved ${buggy.rows[0].moved}, accuracy ${buggy.rows[0].accuracy}`);
    for (const r of buggy.rows.slice(1)) {
      assert.equal(r.moved, 0);
      assert.equal(r.stepped, 1);
      assert.equal(r.accuracy, r.initialAccuracy);
      assert.ok(r.accuracy < 0.3, `untrained accuracy ${r.accuracy}`);
    }
    for (const r of fixed.rows) {
      assert.ok(r.moved > 0, `model ${r.model} moved ${r.moved}`);
      assert.equal(r.stepped, r.model);
      assert.ok(r.accuracy > 0.85, `model ${r.model} (× ${r.scale}): ${r.accuracy}`);
    }
  });
});

describe("fitDense, denseRun and crossValidate", () => {
  test("divergence stops the run with DivergedError before the step", () => {
    const net = new DenseNet({ sizes: [3, 1], seed: 1 });
    const x = Float32Array.from({ length: 30 }, (_, i) => (i % 7) * 100);
    const y = Float32Array.from({ length: 10 }, (_, i) => i);
    assert.throws(() => fitDenseSync({ net, optimizer: createFloatOptimizer(sgd, { lr: 1 }), x, y, loss: "mse", epochs: 50 }), (e: unknown) => {
      assert.ok(e instanceof DivergedError, `not a DivergedError: ${e}`);
      assert.match(e.message, /^diverged at step \d+ \(loss = (NaN|Infinity)\)$/);
      return true;
    });
    const data = digitsFeatures(train, held, { scale: 1e30 }); // logits overflow float32 after one step
    const last = [...denseRun({ data, def: sgd, options: { lr: 10 }, epochs: 3 })].at(-1)!;
    assert.ok(last.done, "done");
    assert.match(last.error ?? "", /diverged at step/);
    const invalid = [...denseRun({ data, def: adam, options: { lr: -1 } })].at(-1)!;
    assert.match(invalid.error ?? "", /Invalid learning rate: -1/);
  });

  test("an aborted signal stops between epochs", () => {
    const controller = new AbortController();
    const data = digitsFeatures(train, held);
    const seen: number[] = [];
    for (const s of denseRun({ data, def: adam, options: { lr: 1e-3 }, epochs: 15, signal: controller.signal })) {
      seen.push(s.epoch);
      if (s.epoch === 2) controller.abort();
    }
    assert.deepEqual(seen, [1, 2]);
  });

  test("mini-batches average the per-sample gradients", () => {
    const x = toFeatures(train).subarray(0, 8 * 64);
    const a = new DenseNet({ sizes: [64, 10], seed: 2 });
    a.zeroGrad();
    for (let r = 0; r < 8; r++) a.backward(x, r, train.labels[r], "cross-entropy", 1 / 8);
    const b = new DenseNet({ sizes: [64, 10], seed: 2 });
    const grads: Float32Array[] = [];
    fitDenseSync({ net: b, optimizer: { step: (_p, g) => grads.push(...g.map((v) => v.slice())) }, x, y: train.labels.subarray(0, 8), epochs: 1, batchSize: 8 });
    assert.equal(maxAbsDiff(grads[0], a.grads[0]), 0);
  });

  test("3-fold cross-validation over all 1,797 rows: three folds, mean ± sd", () => {
    const last = [...crossValidate({ data: digits, k: 3, def: adam, options: { lr: 1e-3 }, epochs: 2 })].at(-1)!;
    assert.ok(last.done, "done");
    assert.deepEqual(last.folds.map((f) => [f.start, f.end]), [[0, 599], [599, 1198], [1198, 1797]]);
    assert.ok(last.mean > 0.8 && last.mean < 1, `mean ${last.mean}`);
    assert.ok(last.sd >= 0 && last.sd < 0.1, `sd ${last.sd}`);
    assert.deepEqual(meanSd([1, 2, 3]), { mean: 2, sd: 1 });
  });

  test("fitDense reports per epoch", () => {
    const net = new DenseNet({ sizes: [64, 10], seed: 1 });
    const reports = [...fitDense({ net, optimizer: createFloatOptimizer(adam), x: toFeatures(train), y: train.labels, epochs: 2 })];
    assert.deepEqual(reports.map((r) => [r.epoch, r.steps]), [[1, 898], [2, 1796]]);
    assert.ok(reports[1].loss < reports[0].loss, `losses ${reports.map((r) => r.loss)}`);
  });
});
