/**
 * Schedules: torch's argument checks and messages, the edge steps of each schedule, setOptions keeping state on
 * both engines, a schedule driving both engines to the same parameters, and the training loops under a schedule.
 * Whole sequences against torch are in schedules-torch.test.ts and parity-schedules.test.ts.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import katex from "katex";
import "@tensorflow/tfjs-backend-cpu";
import type { Dataset } from "../../lib/data/index.js";
import { crossEntropy } from "../../lib/models/losses.js";
import { disposeModel, forward, linear } from "../../lib/models/mlp.js";
import { adagrad, adam, adamw, createFloatOptimizer, createOptimizer, rmsprop, sgd } from "../../lib/optimizers/index.js";
import { rng } from "../../lib/random.js";
import { createScheduler, exampleSchedules, galleryRows, lrAt, scheduleValues, schedules, type AnyScheduleDef } from "../../lib/schedules/index.js";
import { train, type Progress } from "../../lib/train/loop.js";
import type { Stepper } from "../../lib/optimizers/choice.js";
import { minimize } from "../../lib/train/minimize.js";

await tf.setBackend("cpu");

const lrs = (def: AnyScheduleDef, options: object, steps: number, lr = 0.1, momentum?: number) => scheduleValues(def, options, { lr, momentum }, steps).lrs;

/** Builds the schedule on a fresh SGD (momentum 0.9) and returns the message it throws. */
function rejects(def: AnyScheduleDef, options: object, message: string | RegExp): void {
  const opt = createFloatOptimizer(sgd, { lr: 0.1, momentum: 0.9 });
  assert.throws(() => createScheduler(def, options, opt), { message });
}

describe("arguments are checked, in torch's words where torch checks them", () => {
  test("required arguments, unknown arguments, types", () => {
    rejects(schedules.steplr, {}, "StepLR.__init__() missing 1 required positional argument: 'step_size'");
    rejects(schedules.cycliclr, {}, "CyclicLR.__init__() missing 2 required positional arguments: 'base_lr' and 'max_lr'");
    rejects(schedules.steplr, { step_size: 3, gama: 0.5 }, /^Unknown argument for StepLR: gama \(known: step_size, gamma\)$/);
    rejects(schedules.steplr, { step_size: 3, gamma: "0.5" }, 'Invalid gamma for StepLR: "0.5" (expected a number)');
  });
  test("StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, PolynomialLR: what torch would divide by zero or misread", () => {
    rejects(schedules.steplr, { step_size: 0 }, "Expected positive integer step_size, but got 0");
    rejects(schedules.steplr, { step_size: 2.5 }, "Expected positive integer step_size, but got 2.5");
    rejects(schedules.steplr, { step_size: 3, gamma: -0.1 }, "Expected a non-negative number gamma, but got -0.1");
    rejects(schedules.multisteplr, { milestones: [3, 1.5] }, "Expected a list of non-negative integer milestones, but got [3,1.5]");
    rejects(schedules.exponentiallr, { gamma: NaN }, "Expected a non-negative number gamma, but got NaN");
    rejects(schedules.cosineannealinglr, { T_max: 0 }, "Expected positive integer T_max, but got 0");
    rejects(schedules.cosineannealinglr, { T_max: 10, eta_min: -1 }, "Expected a non-negative number eta_min, but got -1");
    rejects(schedules.polynomiallr, { total_iters: 0 }, "Expected positive integer total_iters, but got 0");
  });
  test("CosineAnnealingWarmRestarts (torch's messages)", () => {
    rejects(schedules.cosineannealingwarmrestarts, { T_0: 0 }, "Expected positive integer T_0, but got 0");
    rejects(schedules.cosineannealingwarmrestarts, { T_0: 5, T_mult: 1.5 }, "Expected integer T_mult >= 1, but got 1.5");
    rejects(schedules.cosineannealingwarmrestarts, { T_0: 5, T_mult: 0 }, "Expected integer T_mult >= 1, but got 0");
    rejects(schedules.cosineannealingwarmrestarts, { T_0: 5, eta_min: Infinity }, "Expected float or int eta_min, but got Infinity of type number");
  });
  test("LinearLR (torch 2.13's messages, with the value)", () => {
    rejects(schedules.linearlr, { start_factor: 0 }, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1. (start_factor: 0)");
    rejects(schedules.linearlr, { start_factor: 1.5 }, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1. (start_factor: 1.5)");
    rejects(schedules.linearlr, { end_factor: -0.5 }, "Ending multiplicative factor expected to be between 0 and 1. (end_factor: -0.5)");
  });
  test("OneCycleLR (torch's messages)", () => {
    rejects(schedules.onecyclelr, { max_lr: 0.1 }, "You must define either total_steps OR (epochs AND steps_per_epoch)");
    rejects(schedules.onecyclelr, { max_lr: 0.1, epochs: 3 }, "You must define either total_steps OR (epochs AND steps_per_epoch)");
    rejects(schedules.onecyclelr, { max_lr: 0.1, total_steps: 0 }, "Expected positive integer total_steps, but got 0");
    rejects(schedules.onecyclelr, { max_lr: 0.1, epochs: -1, steps_per_epoch: 5 }, "Expected positive integer epochs, but got -1");
    rejects(schedules.onecyclelr, { max_lr: 0.1, epochs: 2, steps_per_epoch: 0.5 }, "Expected positive integer steps_per_epoch, but got 0.5");
    rejects(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10, pct_start: 1.5 }, "Expected float between 0 and 1 pct_start, but got 1.5");
    rejects(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10, anneal_strategy: "exp" }, "anneal_strategy must be one of 'cos' or 'linear', instead got exp");
    // pct_start · total_steps − 1 = 0: torch raises ZeroDivisionError at construction
    rejects(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10, pct_start: 0.1 }, /^OneCycleLR: phase 1 has no steps .*float division by zero$/);
  });
  test("CyclicLR", () => {
    rejects(schedules.cycliclr, { base_lr: 0.01, max_lr: 0.1, mode: "sawtooth" }, 'mode is invalid and scale_fn is None (mode: sawtooth)');
    rejects(schedules.cycliclr, { base_lr: 0.01, max_lr: 0.1, step_size_up: 0 }, "Expected a positive number step_size_up, but got 0");
  });
  test("cycle_momentum needs an optimizer with momentum or betas (torch 2.13's message)", () => {
    const opt = createFloatOptimizer(adagrad, { lr: 0.1 });
    const message = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled (Adagrad has neither)";
    assert.throws(() => createScheduler(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10 }, opt), { message });
    assert.throws(() => createScheduler(schedules.cycliclr, { base_lr: 0.01, max_lr: 0.1 }, opt), { message });
    assert.equal(opt.options.lr, 0.1, "a rejected schedule leaves the optimizer as it was");
    const sched = createScheduler(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10, cycle_momentum: false }, opt);
    assert.equal(opt.options.lr, sched.lr); // torch's anneal at 0: 0.0040000000000000036, not 0.1 / 25
    assert.ok(Math.abs(sched.lr - 0.1 / 25) < 1e-17);
  });
  test("SequentialLR", () => {
    const lin = { name: "linearlr", options: { total_iters: 3 } };
    rejects(schedules.sequentiallr, { schedulers: [], milestones: [] }, "SequentialLR expects at least one scheduler, but got no scheduler.");
    rejects(
      schedules.sequentiallr,
      { schedulers: [lin, lin], milestones: [] },
      "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 0",
    );
    rejects(schedules.sequentiallr, { schedulers: [lin, lin, lin], milestones: [5, 3] }, "SequentialLR: milestones must be increasing positive integers, got [5,3]");
    rejects(schedules.sequentiallr, { schedulers: [lin, { name: "onecyclelr", options: { max_lr: 1, total_steps: 9 } }], milestones: [3] }, /^SequentialLR: scheduler at index 1 is "onecyclelr"; it takes /);
    rejects(schedules.sequentiallr, { schedulers: [lin, { name: "steplr" }], milestones: [3] }, "StepLR.__init__() missing 1 required positional argument: 'step_size'");
  });
});

test("every schedule's KaTeX renders, and each has torch's title and a lower-case name", () => {
  for (const [name, def] of Object.entries(schedules)) {
    assert.equal(def.name, name);
    assert.equal(def.title.toLowerCase(), name);
    assert.doesNotThrow(() => katex.renderToString(def.tex, { displayMode: true, throwOnError: true }), def.title);
  }
});

describe("edge steps", () => {
  test("StepLR decays after every step_size steps (the rate of steps 1…s is η₀)", () => {
    assert.deepEqual(lrs(schedules.steplr, { step_size: 2, gamma: 0.5 }, 6, 1), [1, 1, 0.5, 0.5, 0.25, 0.25]);
  });
  test("MultiStepLR: a milestone listed twice multiplies by γ²", () => {
    const v = lrs(schedules.multisteplr, { milestones: [2, 2, 4], gamma: 0.5 }, 6, 1);
    assert.deepEqual(v, [1, 1, 0.25, 0.25, 0.125, 0.125]);
  });
  test("ExponentialLR multiplies every step, recursively (η₀·γ·γ, not η₀·γ²)", () => {
    const v = lrs(schedules.exponentiallr, { gamma: 0.1 }, 4, 0.3);
    assert.deepEqual(v, [0.3, 0.3 * 0.1, 0.3 * 0.1 * 0.1, 0.3 * 0.1 * 0.1 * 0.1]);
  });
  test("CosineAnnealingLR reaches η_min exactly at T_max and, as torch, rises again after", () => {
    const v = lrs(schedules.cosineannealinglr, { T_max: 10, eta_min: 0.01 }, 16);
    assert.equal(v[0], 0.1);
    assert.equal(v[10], 0.01);
    for (let t = 1; t <= 10; t++) assert.ok(v[t] < v[t - 1]);
    for (let t = 11; t < 16; t++) assert.ok(v[t] > v[t - 1]);
    assert.ok(Math.abs(v[5] - (0.01 + 0.09 / 2)) < 1e-15);
  });
  test("CosineAnnealingWarmRestarts restarts at T_0, then after T_0·T_mult more", () => {
    const v = lrs(schedules.cosineannealingwarmrestarts, { T_0: 3, T_mult: 2 }, 12);
    assert.equal(v[0], 0.1);
    assert.equal(v[3], 0.1);
    assert.equal(v[9], 0.1);
    assert.ok(v[2] < v[1] && v[8] < v[7]);
  });
  test("OneCycleLR: max_lr and base_momentum at the peak, min_lr at the end, then torch's error", () => {
    const { lrs: l, momenta } = scheduleValues(schedules.onecyclelr, { max_lr: 0.1, total_steps: 10, pct_start: 0.5 }, { lr: 1, momentum: 0.9 }, 10);
    assert.ok(Math.abs(l[0] - 0.1 / 25) < 1e-17);
    assert.equal(l[4], 0.1); // end of phase 1: step index pct_start·T − 1 = 4
    assert.equal(momenta![4], 0.85);
    assert.equal(momenta![0], 0.95);
    assert.ok(Math.abs(l[9] - 0.1 / 25 / 1e4) < 1e-18);
    const opt = createFloatOptimizer(sgd, { lr: 1, momentum: 0.5 });
    const sched = createScheduler(schedules.onecyclelr, { max_lr: 0.1, total_steps: 3, anneal_strategy: "linear" }, opt);
    sched.step();
    sched.step();
    const last = opt.options.lr;
    sched.step(); // torch's value here is an extrapolation (negative, linear): kept in the state only
    assert.ok(sched.lr < 0);
    assert.equal(opt.options.lr, last);
    assert.throws(() => sched.step(), { message: "Tried to step 4 times. The specified number of total steps is 3" });
    assert.equal(sched.state.epoch, 3);
  });
  test("CyclicLR: max_lr and base_momentum at step_size_up; triangular2 halves the amplitude", () => {
    const { lrs: l, momenta } = scheduleValues(schedules.cycliclr, { base_lr: 0.1, max_lr: 0.5, step_size_up: 2 }, { lr: 9, momentum: 0.3 }, 9);
    assert.deepEqual([l[0], l[2], l[4], l[6]], [0.1, 0.5, 0.1, 0.5]);
    assert.deepEqual([momenta![0], momenta![2]], [0.9, 0.8]);
    const t2 = lrs(schedules.cycliclr, { base_lr: 0, max_lr: 1, step_size_up: 2, mode: "triangular2", cycle_momentum: false }, 9);
    assert.deepEqual([t2[2], t2[6]], [1, 0.5]);
  });
  test("PolynomialLR reaches 0 at total_iters and stays", () => {
    const v = lrs(schedules.polynomiallr, { total_iters: 4, power: 2 }, 7, 1);
    assert.deepEqual(v.slice(4), [0, 0, 0]);
    assert.ok(Math.abs(v[2] - 0.25) < 1e-16);
  });
  test("LinearLR: start_factor at step 1, end_factor from total_iters on", () => {
    const v = lrs(schedules.linearlr, { start_factor: 0.25, total_iters: 3 }, 6, 0.4);
    assert.equal(v[0], 0.1);
    for (const x of v.slice(3)) assert.ok(Math.abs(x - 0.4) < 1e-16);
  });
  test("SequentialLR starts the next schedule from the initial rate at its milestone", () => {
    const v = lrs(schedules.sequentiallr, { schedulers: [{ name: "exponentiallr", options: { gamma: 0.5 } }, { name: "steplr", options: { step_size: 2, gamma: 0.1 } }], milestones: [3] }, 7, 1);
    assert.deepEqual(v.slice(0, 3), [1, 0.5, 0.25]);
    assert.equal(v[3], 1);
    assert.equal(v[4], 1);
    assert.ok(Math.abs(v[5] - 0.1) < 1e-16);
  });
  test("lrAt is step t of scheduleValues", () => {
    const o = { T_max: 7 };
    const all = lrs(schedules.cosineannealinglr, o, 9);
    for (let t = 1; t <= 9; t++) assert.equal(lrAt(schedules.cosineannealinglr, o, { lr: 0.1 }, t), all[t - 1]);
    assert.throws(() => lrAt(schedules.cosineannealinglr, o, { lr: 0.1 }, 0), /positive integer/);
  });
  test("a recursive schedule continues from a rate set by hand, as torch's chainable form does", () => {
    const opt = createFloatOptimizer(sgd, { lr: 1 });
    const sched = createScheduler(schedules.exponentiallr, { gamma: 0.5 }, opt);
    sched.step();
    opt.setOptions({ lr: 10 });
    sched.step();
    assert.equal(opt.options.lr, 5);
  });
});

describe("setOptions keeps every buffer (torch's param_groups)", () => {
  test("tfjs engine: lr and betas change, m, v and t stay; no tensor is created or freed", () => {
    const θ = tf.variable(tf.tensor1d([1, -2, 3]));
    const g = tf.tensor1d([0.5, 0.25, -1]);
    const opt = createOptimizer(adam, { lr: 0.1 });
    opt.step([θ], [g]);
    const m = Array.from(opt.state[0].slots.m.dataSync());
    const tensors = tf.memory().numTensors;
    opt.setOptions({ lr: 0.01, betas: [0.5, 0.9] });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(Array.from(opt.state[0].slots.m.dataSync()), m);
    assert.equal(opt.state[0].step, 1);
    assert.deepEqual([opt.options.lr, ...opt.options.betas], [0.01, 0.5, 0.9]);
    opt.step([θ], [g]);
    assert.equal(tf.memory().numTensors, tensors, "the step after a change frees what it replaces");
    assert.equal(opt.state[0].step, 2);
    opt.dispose();
    tf.dispose([θ, g]);
  });
  test("the step after a change uses the new options with the old state, on both engines alike", () => {
    for (const def of [adam, sgd, rmsprop] as const) {
      const options = def === sgd ? { lr: 0.1, momentum: 0.9 } : def === rmsprop ? { lr: 0.01, momentum: 0.5 } : { lr: 0.1 };
      const change = def === adam ? { lr: 0.02, betas: [0.8, 0.99] as const } : { lr: 0.03, momentum: 0.7 };
      const θ = tf.variable(tf.tensor1d([1, -2]));
      const p = Float32Array.of(1, -2);
      const a = createOptimizer(def as typeof adam, options);
      const b = createFloatOptimizer(def as typeof adam, options);
      for (let t = 1; t <= 4; t++) {
        if (t === 3) {
          a.setOptions(change as object);
          b.setOptions(change as object);
        }
        const g = Float32Array.of(Math.fround(0.3 * t), Math.fround(-0.2));
        const gt = tf.tensor1d(g);
        a.step([θ], [gt]);
        b.step([p], [g]);
        gt.dispose();
      }
      assert.deepEqual(Array.from(θ.dataSync()), Array.from(p), def.title);
      a.dispose();
      θ.dispose();
    }
  });
  test("an invalid value is rejected with torch's message and changes nothing", () => {
    const opt = createFloatOptimizer(adam, { lr: 0.1 });
    assert.throws(() => opt.setOptions({ lr: -1 }), { message: "Invalid learning rate: -1 (lr)" });
    assert.throws(() => opt.setOptions({ betas: [1, 0.9] }), { message: "Invalid beta parameter at index 0: 1 (betas[0])" });
    assert.throws(() => opt.setOptions({ lrr: 1 } as object), { message: /^Unknown option for Adam: lrr/ });
    assert.equal(opt.options.lr, 0.1);
  });
  test("a change that needs another set of buffers is rejected once state exists; allowed before the first step", () => {
    for (const make of [createFloatOptimizer, createOptimizer] as const) {
      const opt = make(sgd, { lr: 0.1 });
      opt.setOptions({ momentum: 0.9 }); // no state yet: the buffer is created at the first step
      const θ = tf.variable(tf.tensor1d([1]));
      const p = Float32Array.of(1);
      const g = Float32Array.of(0.5);
      const gt = tf.tensor1d(g);
      if (make === createOptimizer) (opt as ReturnType<typeof createOptimizer>).step([θ], [gt]);
      else (opt as ReturnType<typeof createFloatOptimizer>).step([p], [g]);
      assert.deepEqual(Object.keys(opt.state[0].slots), ["b"]);
      assert.throws(() => opt.setOptions({ momentum: 0 }), {
        message: "setOptions: momentum: 0.9 → 0 would change SGD's state buffers from [b] to [] mid-run; a run's state cannot carry over (call reset() first, or set it before the first step)",
      });
      assert.equal(opt.options.momentum, 0.9);
      opt.setOptions({ momentum: 0.5, nesterov: true }); // same buffers
      opt.reset();
      opt.setOptions({ momentum: 0, nesterov: false });
      opt.dispose();
      tf.dispose([θ, gt]);
    }
    const d = createFloatOptimizer(sgd, { lr: 0.1, dampening: 0.1 });
    d.step([Float32Array.of(1)], [Float32Array.of(1)]);
    assert.throws(() => d.setOptions({ momentum: 0.9 }), /would change SGD's state buffers from \[\] to \[b\]/, "with dampening, torch's lazy b = g is not μ·0 + (1 − τ)·g");
    const a = createFloatOptimizer(adam, {});
    a.step([Float32Array.of(1)], [Float32Array.of(1)]);
    assert.throws(() => a.setOptions({ amsgrad: true }), /would change Adam's state buffers from \[m,v\] to \[m,v,vmax\]/);
    const r = createFloatOptimizer(rmsprop, {});
    r.step([Float32Array.of(1)], [Float32Array.of(1)]);
    assert.throws(() => r.setOptions({ centered: true }), /RMSprop's state buffers/);
  });
});

test("SGD's momentum 0 → μ mid-run starts the buffer as torch does (b = g at the next step), on both engines", () => {
  const γ = 0.1;
  const μ = 0.9;
  const gs = [0.5, -0.25, 1, 0.75];
  const θ = tf.variable(tf.tensor1d([1, 2]));
  const p = Float32Array.of(1, 2);
  const a = createOptimizer(sgd, { lr: γ });
  const b = createFloatOptimizer(sgd, { lr: γ });
  // by hand, torch's rule: steps 1–2 plain SGD; at 3 the buffer is created as b₃ = g₃; b₄ = μ b₃ + g₄
  const f = Math.fround;
  const expected = [f(1), f(2)];
  let buf: number[] = [];
  gs.forEach((g0, k) => {
    const g = [f(g0), f(-g0)];
    if (k === 2) buf = g;
    else if (k === 3) buf = buf.map((x, i) => f(f(x * f(μ)) + g[i]));
    const step = k < 2 ? g : buf;
    for (let i = 0; i < 2; i++) expected[i] = f(expected[i] - f(step[i] * f(γ)));
  });
  let tensors = 0;
  gs.forEach((g0, k) => {
    if (k === 2) {
      tensors = tf.memory().numTensors;
      a.setOptions({ momentum: μ });
      b.setOptions({ momentum: μ });
      assert.equal(tf.memory().numTensors, tensors + 1, "one new buffer (b) for the one parameter");
      assert.deepEqual(Object.keys(b.state[0].slots), ["b"]);
      assert.equal(a.state[0].step, 2);
    }
    const g = Float32Array.of(g0, -g0);
    const gt = tf.tensor1d(g);
    a.step([θ], [gt]);
    b.step([p], [g]);
    gt.dispose();
  });
  assert.deepEqual(Array.from(p), expected);
  assert.deepEqual(Array.from(θ.dataSync()), expected);
  // torch 1.13, the same four steps (run with /usr/bin/python3, after `import torch`):
  //   p = torch.tensor([1., 2.], requires_grad=True); opt = torch.optim.SGD([p], lr=0.1)
  //   for k, g in enumerate([0.5, -0.25, 1, 0.75]):
  //       if k == 2: opt.param_groups[0]["momentum"] = 0.9
  //       p.grad = torch.tensor([float(g), -float(g)]); opt.step()
  //   print([float(x) for x in p.detach()])   →   [0.7099999189376831, 2.2899997234344482]
  assert.deepEqual(expected, [0.7099999189376831, 2.2899997234344482]);
  a.dispose();
  θ.dispose();
});

describe("a schedule drives any optimizer on both engines alike", () => {
  const cases: [string, AnyScheduleDef, object][] = [
    ["onecyclelr", schedules.onecyclelr, { max_lr: 0.05, total_steps: 12 }],
    ["cycliclr", schedules.cycliclr, { base_lr: 0.001, max_lr: 0.01, step_size_up: 3 }],
    ["sequentiallr", schedules.sequentiallr, { schedulers: [{ name: "linearlr", options: { start_factor: 0.1, total_iters: 3 } }, { name: "cosineannealinglr", options: { T_max: 9 } }], milestones: [3] }],
    ["cosineannealingwarmrestarts", schedules.cosineannealingwarmrestarts, { T_0: 4 }],
  ];
  for (const [name, sdef, soptions] of cases) {
    for (const def of [sgd, adam, adamw, rmsprop] as const) {
      test(`${def.title} under ${name}`, () => {
        const options = def === sgd ? { lr: 0.02, momentum: 0.9 } : { lr: 0.02 };
        const θ = tf.variable(tf.tensor1d([1, -2, 0.5]));
        const p = Float32Array.of(1, -2, 0.5);
        const a = createOptimizer(def as typeof adam, options);
        const b = createFloatOptimizer(def as typeof adam, options);
        const sa = createScheduler(sdef, soptions, a);
        const sb = createScheduler(sdef, soptions, b);
        let tensors = 0;
        for (let t = 1; t <= 12; t++) {
          // ∇ of ½|θ − c|², from the Float32 engine's θ (both engines hold the same values)
          const g = Float32Array.from(p, (x, i) => Math.fround(x - [0.3, 0.1, -0.2][i]));
          const gt = tf.tensor1d(g);
          a.step([θ], [gt]);
          b.step([p], [g]);
          gt.dispose();
          sa.step();
          sb.step();
          assert.equal(a.options.lr, b.options.lr);
          assert.deepEqual(Array.from(θ.dataSync()), Array.from(p), `step ${t}`);
          // after step 1 the state exists; from then on a step and a schedule step neither leak nor free a buffer
          if (t === 1) tensors = tf.memory().numTensors;
          else assert.equal(tf.memory().numTensors, tensors, `tensors after step ${t}`);
        }
        assert.equal(sa.state.epoch, 12);
        a.dispose();
        θ.dispose();
      });
    }
  }
});

describe("the training loops under a schedule", () => {
  test("minimize steps the scheduler after every optimizer step and reports each step's lr", () => {
    const x = tf.variable(tf.tensor1d([2, -1]));
    const opt = createOptimizer(sgd, { lr: 0.1, momentum: 0.9 });
    const sched = createScheduler(schedules.steplr, { step_size: 3, gamma: 0.5 }, opt);
    const steps = [...minimize({ params: [x], loss: () => tf.sum(tf.square(x)) as tf.Scalar, optimizer: opt, scheduler: sched, steps: 7 })];
    assert.deepEqual(steps.map((s) => s.lr), lrs(schedules.steplr, { step_size: 3, gamma: 0.5 }, 7));
    assert.equal(sched.state.epoch, 7);
    const plain = [...minimize({ params: [x], loss: () => tf.sum(tf.square(x)) as tf.Scalar, optimizer: opt, steps: 1 })];
    assert.equal("lr" in plain[0], false);
    opt.dispose();
    x.dispose();
  });

  test("train with a scheduler equals setting each step's rate by hand", async () => {
    const random = rng(3);
    const n = 24;
    const images = Uint8Array.from({ length: n * 12 }, () => Math.floor(random() * 256));
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    const ds: Dataset = { images, labels, count: n, height: 4, width: 3, classes: 3 };
    const data = { dataset: ds, batchSize: 6, seed: 2, normalize: { scale: 255, mean: 0.5, std: 0.25 } };
    const options = { T_0: 3, T_mult: 2, eta_min: 0.001 };
    const expected = lrs(schedules.cosineannealingwarmrestarts, options, 8, 0.05);

    const a = linear(12, 3, 5);
    const optA = createOptimizer(adam, { lr: 0.05 });
    const sched = createScheduler(schedules.cosineannealingwarmrestarts, options, optA);
    const got: Progress[] = [];
    for await (const p of train({ params: a.params, loss: (x, y) => crossEntropy(forward(a, x), y), data, optimizer: optA, scheduler: sched, steps: 8 })) got.push(p);
    assert.deepEqual(got.map((p) => p.lr), expected);

    const b = linear(12, 3, 5);
    const optB = createOptimizer(adam, { lr: 0.05 });
    let k = 0;
    const byHand: Stepper = {
      step(vars, grads) {
        optB.setOptions({ lr: expected[k++] });
        optB.step(vars, grads);
      },
    };
    for await (const _ of train({ params: b.params, loss: (x, y) => crossEntropy(forward(b, x), y), data, optimizer: byHand, steps: 8 })) void _;
    a.params.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), Array.from(b.params[i].dataSync())));
    optA.dispose();
    optB.dispose();
    disposeModel(a);
    disposeModel(b);
  });
});

test("galleryRows: every example schedule's rate before each of the run's steps, as scheduleValues gives it", () => {
  const rows = galleryRows(40, 0.1);
  const examples = exampleSchedules(40, 0.1);
  assert.equal(rows.length, examples.length * 40);
  const step = rows.filter((r) => r.schedule === "StepLR");
  assert.deepEqual(step.map((r) => r.step), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.deepEqual(step.map((r) => r.lr), scheduleValues(schedules.steplr, { step_size: 10, gamma: 0.5 }, { lr: 0.1 }, 40).lrs);
  assert.equal(step[0].lr, 0.1);
  assert.equal(step[10].lr, 0.05, "StepLR halves the rate after a quarter of the run");
});
