/**
 * The fused step compiled to WebAssembly (lib/optimizers/fused-wasm.ts), on the tfjs wasm backend in Node:
 *  - the compiled function computes bit for bit what the JS loop (compileTrace) computes — every op code with
 *    each kind of operand, on NaN, ±0, ±∞, subnormals and the float32 extremes, SIMD and scalar, every length
 *    mod 4 — and so for every rule and option the fused step accepts;
 *  - createOptimizer on wasm: the WebAssembly step, the JS loop and the rule op by op agree bit for bit at every
 *    step of every torch fixture, and stay within the parity bounds of torch (parity.test.ts's, with its
 *    widened cases); a counting compiler proves the WebAssembly step ran, a refusing one falls back;
 *  - the caller's tensors are never written, nothing leaks, heap growth and mid-run option changes are safe.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { benchMLP } from "../../lib/engine/bench.js";
import { compileTrace, FloatVec, NotFusable, Scalars, TensorVec, Trace, type TraceVec } from "../../lib/optimizers/engines.js";
import { compileTraceToWasm, runFusedOnWasm } from "../../lib/optimizers/fused-wasm.js";
import { adadelta, adagrad, adam, adamax, adamw, asgd, createOptimizer, nadam, optimizers, radam, rmsprop, sgd, type AnyOptimizerDef } from "../../lib/optimizers/index.js";
import { resolveOptions } from "../../lib/optimizers/validate.js";
import { rng, uniforms } from "../../lib/random.js";
import { fixturesDir } from "../helpers/fixtures.js";
import { deviation, loadFixtures, stepEach, tfProblem, type Fixture } from "../helpers/problems.js";
import { widened } from "./parity-cases.js";
import { useWasmBackend } from "../helpers/wasm.js";

useWasmBackend();

/** Equal as float32 bit patterns, except that any NaN equals any NaN (payloads are not specified). */
function sameFloats(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: wasm ${a[i]} vs JS ${b[i]}`);
  }
}

/**
 * Runs a trace through compileTrace (on plain arrays) and compileTraceToWasm (on a memory), both SIMD and
 * scalar, and compares every output.
 */
function compareKernels(trace: Trace, outputs: number[], inputs: Float32Array[], what: string): void {
  const n = inputs[0].length;
  const js = outputs.map(() => new Float32Array(n));
  compileTrace(trace, outputs)(inputs, js, trace.consts, n);
  const memory = new WebAssembly.Memory({ initial: 1 + Math.ceil(((inputs.length + outputs.length) * (n + 8) * 4) / 65536) });
  // Odd offsets (4 bytes past a 16-byte boundary), as tfjs's allocations may be.
  const at = (k: number) => 4 + k * (n + 8) * 4;
  const heap = () => new Float32Array(memory.buffer);
  inputs.forEach((x, k) => heap().set(x, at(k) / 4));
  for (const simd of [true, false]) {
    const kernel = compileTraceToWasm(trace, outputs, memory, { simd });
    const outAt = (j: number) => at(inputs.length + j);
    outputs.forEach((_, j) => heap().fill(-7, outAt(j) / 4, outAt(j) / 4 + n + 8));
    kernel(n, ...inputs.map((_, k) => at(k)), ...outputs.map((_, j) => outAt(j)), ...trace.consts);
    outputs.forEach((id, j) => {
      const got = heap().slice(outAt(j) / 4, outAt(j) / 4 + n);
      sameFloats(got, js[j], `${what} ${simd ? "SIMD" : "scalar"} node ${id}`);
      // Nothing written past the end.
      assert.ok(heap().subarray(outAt(j) / 4 + n, outAt(j) / 4 + n + 8).every((x) => x === -7), `${what}: wrote past element ${n}`);
    });
  }
}

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5, -2.5, 1e-40, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 0.1, 7, 1e-8, -3e-7];

describe("compileTraceToWasm = compileTrace, bit for bit", () => {
  test("every op, with node and number operands, on special values; SIMD and scalar; every length mod 4", () => {
    const trace = new Trace(3);
    const [a, b, c] = [trace.leaf(0), trace.leaf(1), trace.leaf(2)];
    const nodes: TraceVec[] = [
      a.add(b), a.add(0.3), a.sub(b), a.sub(-2), a.mul(b), a.mul(1e-3), a.div(b), a.div(7), b.div(a),
      a.neg(), a.sqrt(), a.abs().sqrt(), a.square(), a.maximum(b), b.maximum(a), a.abs(), a.sign(), b.sign(),
      a.clamp(-0.5, 0.5), b.clamp(-1e-30, 1e30), a.mul(b).add(c).div(c.sqrt().add(1e-8)), c.maximum(a.square()).sub(b.mul(0.9)),
    ];
    const outputs = [0, 2, ...nodes.map((x) => x.id)];
    const S = SPECIAL.length;
    // Every pair of special values for (a, b), c non-negative; then the lengths around it, and tiny ones.
    for (const n of [S * S, S * S + 1, S * S + 2, S * S + 3, 0, 1, 2, 3, 4, 5]) {
      const a = Float32Array.from({ length: n }, (_, i) => SPECIAL[i % S]);
      const b = Float32Array.from({ length: n }, (_, i) => SPECIAL[Math.floor(i / S) % S]);
      const c = Float32Array.from({ length: n }, (_, i) => Math.abs(SPECIAL[(i * 7) % S]));
      compareKernels(trace, outputs, [a, b, c], `n=${n}`);
    }
  });

  test("an output may be one of the inputs: element i is read before it is written", () => {
    const trace = new Trace(2);
    const θ = trace.leaf(0).sub(trace.leaf(1).mul(0.1));
    const memory = new WebAssembly.Memory({ initial: 1 });
    const n = 23;
    const heap = new Float32Array(memory.buffer);
    const p = uniforms(n, rng(3), -1, 1);
    const g = uniforms(n, rng(4), -1, 1);
    heap.set(p, 0);
    heap.set(g, 32);
    const want = p.map((x, i) => Math.fround(x - Math.fround(g[i] * Math.fround(0.1))));
    compileTraceToWasm(trace, [θ.id], memory)(n, 0, 32 * 4, 0, ...trace.consts);
    sameFloats(heap.slice(0, n), want, "θ in place");
  });

  test("a kernel keeps working after the memory grows (it imports the memory, not a copy of its buffer)", () => {
    const trace = new Trace(1);
    const y = trace.leaf(0).mul(2).add(1);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernel = compileTraceToWasm(trace, [y.id], memory);
    memory.grow(2);
    const heap = new Float32Array(memory.buffer);
    const base = 65536 * 2; // in the new pages
    heap.set([1, 2, 3, 4, 5], base / 4);
    kernel(5, base, base + 64, ...trace.consts);
    assert.deepEqual(Array.from(heap.slice(base / 4 + 16, base / 4 + 21)), [3, 5, 7, 9, 11]);
  });
});

/** Every optimizer the fused step accepts, with each option that changes the rule's ops. */
const FUSED_CONFIGS: [AnyOptimizerDef, Record<string, unknown>][] = [
  [sgd, { lr: 0.1 }],
  [sgd, { lr: 0.1, momentum: 0.9 }],
  [sgd, { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
  [sgd, { lr: 0.1, momentum: 0.5, dampening: 0.3, maximize: true }],
  [adam, { lr: 0.01 }],
  [adam, { lr: 0.01, weight_decay: 0.1 }],
  [adam, { lr: 0.01, amsgrad: true, weight_decay: 0.1 }],
  [adam, { lr: 0.01, amsgrad: true, maximize: true }],
  [adamw, { lr: 0.01 }],
  [adamw, { lr: 0.01, amsgrad: true, maximize: true }],
  [rmsprop, { lr: 0.01 }],
  [rmsprop, { lr: 0.01, momentum: 0.5 }],
  [rmsprop, { lr: 0.01, centered: true, momentum: 0.5, weight_decay: 0.01, maximize: true }],
  [adagrad, { lr: 0.1 }],
  [adagrad, { lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1, weight_decay: 0.01, maximize: true }],
  [adadelta, { lr: 1 }],
  [adadelta, { lr: 1, weight_decay: 0.01, maximize: true }],
  [nadam, { lr: 0.01 }],
  [nadam, { lr: 0.01, weight_decay: 0.1 }],
  [nadam, { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true, maximize: true }],
  [radam, { lr: 0.01 }],
  [radam, { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true, maximize: true }],
  [adamax, { lr: 0.01 }],
  [adamax, { lr: 0.01, weight_decay: 0.1, maximize: true }],
  [asgd, { lr: 0.01 }],
  [asgd, { lr: 0.01, t0: 3, weight_decay: 0.1, maximize: true }],
];
const label = (def: AnyOptimizerDef, o: object) => `${def.name}(${JSON.stringify(o)})`;

/** The trace the runners record for a rule at step t (as FusedRule.plan does: θ, g, then the slots in `init`'s order). */
function traceOf(def: AnyOptimizerDef, options: Record<string, unknown>, t: number): { trace: Trace; outputs: number[]; names: string[] } {
  const resolved = resolveOptions(def, options);
  const init = def.init(FloatVec.fill(4, 0), resolved, (c) => FloatVec.fill(4, c)) as Record<string, FloatVec | undefined>;
  const names = Object.keys(init).filter((k) => init[k] !== undefined);
  const trace = new Trace(2 + names.length);
  const slots = Object.fromEntries(names.map((k, j) => [k, trace.leaf(2 + j)]));
  const r = def.update(trace.leaf(0), trace.leaf(1), slots as never, t, resolved);
  const state = r.state as Record<string, TraceVec | undefined>;
  return { trace, outputs: [(r.θ as TraceVec).id, ...names.map((k) => state[k]!.id)], names };
}

describe("every rule the fused step accepts: the WebAssembly loop = the JS loop, bit for bit", () => {
  for (const [def, options] of FUSED_CONFIGS) {
    test(label(def, options), () => {
      const random = rng(5);
      for (const t of [1, 2, 3, 10, 1000]) {
        const { trace, outputs, names } = traceOf(def, options, t);
        const n = 1031;
        const θ = uniforms(n, random, -2, 2);
        const g = uniforms(n, random, -1, 1);
        g.fill(0, 0, 9); // exact zeros, as for blank pixels
        g.set(SPECIAL.slice(1, 9), 9); // ±0, ±∞, ±1, …
        // Slots are running averages of squares, sums, maxima: non-negative values cover every rule's domain.
        const slots = names.map(() => uniforms(n, random, 0, 1));
        compareKernels(trace, outputs, [θ, g, ...slots], `t=${t}`);
      }
    });
  }

  test("the rules the fused step refuses stop at tracing (NotFusable), before any code is compiled", () => {
    for (const name of ["rprop", "adafactor"] as const) {
      assert.throws(() => traceOf(optimizers[name], {}, 1), NotFusable, name);
    }
  });
});

// ---- createOptimizer on the wasm backend: every torch fixture ----

const folders = ["torch-optim", "torch-optim-2.13"].map((name) => join(fixturesDir, name));
/** The fixtures parity.test.ts replays (its other suites own schedules, changes, closures, Muon and L-BFGS). */
const fixtures: Fixture[] = folders
  .flatMap((dir) => (existsSync(dir) ? loadFixtures(dir).map((f) => f.fixture) : []))
  .filter((f) => !["schedule", "changes", "closure", "optimized"].some((k) => k in f) && !["lbfgs", "muon"].includes(f.optimizer.name));
const byName = new Map<string, { until: number; bound?: number }>(widened.map((w) => [w.name, w]));
/**
 * Cases the wasm backend cannot hold to torch over all steps, whatever the optimizer engine (the op-by-op run
 * leaves the bound at the same step, bit for bit with the fused ones, asserted below): its forward and backward
 * kernels round differently from cpu's.
 */
const WASM_ONLY: Record<string, { until: number; reason: string }> = {
  "nadam--mlp-mse--lr=0.01-momentum_decay=0.004-weight_decay=0.01-decoupled_weight_decay=True": {
    until: 50,
    // Measured (max relative deviation from torch at the recorded steps): cpu 2.2e-7 at 50, 3.3e-7 at 75;
    // wasm 1.8e-7 at 50, then 1.6e-3 at 75 — a jump, not a drift (a ReLU unit on the other side of 0, suspected).
    reason: "wasm jumps from 1.8e-7 (step 50) to 1.6e-3 (step 75); cpu stays at 3.3e-7",
  },
};
for (const [name, w] of Object.entries(WASM_ONLY)) byName.set(name, { until: Math.min(w.until, byName.get(name)?.until ?? w.until), bound: byName.get(name)?.bound });
const NOT_FUSABLE = new Set(["adafactor", "rprop"]);

test("the torch fixtures are present", () => {
  for (const dir of folders) assert.ok(existsSync(dir), `no fixture folder at ${dir} (set PARITY_FIXTURES_DIR)`);
  assert.ok(fixtures.length >= 52, `only ${fixtures.length} fixtures`);
  for (const name of Object.keys(WASM_ONLY)) assert.ok(fixtures.some((f) => f.name === name), `WASM_ONLY lists ${name}, which is not a fixture`);
});

describe("on the wasm backend: WebAssembly step = JS loop = op by op, bit for bit, and within torch's parity bounds", () => {
  for (const fixture of fixtures) {
    test(fixture.name, () => {
      const def = (optimizers as Record<string, AnyOptimizerDef>)[fixture.optimizer.name];
      let compiled = 0;
      const counting: typeof compileTraceToWasm = (trace, outputs, memory) => (compiled++, compileTraceToWasm(trace, outputs, memory));
      const refusing: typeof compileTraceToWasm = () => {
        throw new WebAssembly.CompileError("WebAssembly.Module(): Refused to compile or instantiate WebAssembly module");
      };
      const engines = [{ fused: false }, { compileWasm: counting }, { wasm: false }, { compileWasm: refusing }];
      const what = ["WebAssembly step", "JS loop", "refused WebAssembly (JS loop)"];
      const runs = engines.map((engine) => ({ problem: tfProblem(fixture), opt: createOptimizer(def, fixture.optimizer.options, engine) }));
      const trajectory = new Map(fixture.trajectory.map((r) => [r.step, r.params]));
      const until = byName.get(fixture.name)?.until ?? fixture.steps;
      const wide = byName.get(fixture.name)?.bound;
      try {
        for (let step = 1; step <= fixture.steps; step++) {
          const values = stepEach(runs, step);
          for (const [k, other] of values.slice(1).entries()) {
            values[0].forEach((ref, i) => assert.deepEqual(other[i], ref, `${what[k]}: ${i === 0 ? "loss" : runs[0].problem.names[i - 1]} at step ${step}`));
          }
          const refs = trajectory.get(step);
          if (refs && step <= until) {
            runs[1].problem.names.forEach((n, i) => {
              const { err, bound } = deviation(values[1][i + 1], refs[n].data);
              const b = wide === undefined ? bound : (bound / 1e-5) * wide;
              assert.ok(err <= b, `${n} after step ${step}: max |ours − torch| = ${err.toExponential(3)} > ${b.toExponential(3)}`);
            });
          }
        }
        if (NOT_FUSABLE.has(fixture.optimizer.name)) assert.equal(compiled, 0, `${fixture.optimizer.name} is not fusable but was compiled`);
        else assert.ok(compiled > 0, "the WebAssembly step was never compiled");
      } finally {
        for (const { problem, opt } of runs) {
          opt.dispose();
          problem.dispose();
        }
      }
    });
  }
});

test("TensorVec.sign on wasm is the sign of every float32, as FloatVec's (tf.sign there rounds small values to 0)", () => {
  const xs = Float32Array.from([1e-3, 1e-6, 1.1e-7, 1e-9, 1e-30, 1e-45, -1e-45, -1e-9, -1e-6, 0, -0, 5, -5]);
  const t = tf.tensor1d(xs);
  const got = tf.tidy(() => new TensorVec(t, new Scalars()).sign().t.dataSync());
  assert.deepEqual(Array.from(got), Array.from(new FloatVec(xs).sign().data));
  t.dispose();
});

describe("the WebAssembly step with tensors", () => {
  const shapes = [[16, 9], [9], [3]];
  const start = () => shapes.map((s, k) => tf.variable(tf.tensor(uniforms(s.reduce((a, b) => a * b, 1), rng(10 + k), -1, 1), s)));
  const gradsAt = (t: number) => shapes.map((s, k) => tf.tensor(uniforms(s.reduce((a, b) => a * b, 1), rng(100 * t + k), -1, 1), s));

  test("the caller's gradients and earlier state are never written; a slot that is the gradient (SGD's b₁ = g₁) is a new tensor; nothing leaks", () => {
    const vars = start();
    const opt = createOptimizer(sgd, { lr: 0.1, momentum: 0.9 });
    const baseline = tf.memory().numTensors;
    for (let t = 1; t <= 5; t++) {
      const gs = gradsAt(t);
      const before = gs.map((g) => g.dataSync().slice());
      const oldθ = vars.map((v) => v.dataSync().slice());
      const held = vars.map((v) => tf.clone(v)); // shares v's data until v is assigned
      opt.step(vars, gs);
      gs.forEach((g, k) => assert.deepEqual(g.dataSync(), before[k], `gradient ${k} at step ${t}`));
      held.forEach((h, k) => assert.deepEqual(h.dataSync(), oldθ[k], `a clone of θ${k} taken before step ${t}`));
      if (t === 1) opt.state.forEach((s, k) => (assert.ok(s.slots.b, "b₁ exists"), assert.notEqual(s.slots.b.dataId, gs[k].dataId, "b₁ is a copy of g₁")));
      tf.dispose([...gs, ...held]);
      assert.equal(tf.memory().numTensors, baseline + 3, `tensors after step ${t} (θ's and the 3 momentum buffers)`);
    }
    opt.dispose();
    assert.equal(tf.memory().numTensors, baseline, "dispose() frees every buffer");
    tf.dispose(vars);
  });

  test("mid-run option changes (weight decay 0 → λ, lr, amsgrad after reset) and heap growth: still op by op's numbers", () => {
    const a = start();
    const b = start();
    const fused = createOptimizer(adam, { lr: 0.01 });
    const plain = createOptimizer(adam, { lr: 0.01 }, { fused: false });
    let ballast: tf.Tensor | undefined;
    for (let t = 1; t <= 12; t++) {
      if (t === 4) for (const o of [fused, plain]) o.setOptions({ weight_decay: 0.05 });
      if (t === 6) for (const o of [fused, plain]) o.setOptions({ lr: 0.003, betas: [0.8, 0.99] });
      // Grow the wasm heap between steps: kernels import the memory, so they see the moved buffers.
      if (t === 7) ballast = tf.zeros([16 << 20]);
      if (t === 9) for (const o of [fused, plain]) (o.reset(), o.setOptions({ amsgrad: true }));
      const gs = gradsAt(t);
      fused.step(a, gs);
      plain.step(b, gs);
      tf.dispose(gs);
      a.forEach((v, k) => assert.deepEqual(v.dataSync(), b[k].dataSync(), `θ${k} at step ${t}`));
      fused.state.forEach((s, k) => {
        for (const [name, x] of Object.entries(s.slots)) assert.deepEqual((x as tf.Tensor).dataSync(), (plain.state[k].slots as Record<string, tf.Tensor>)[name].dataSync(), `${name}${k} at step ${t}`);
      });
    }
    ballast?.dispose();
    for (const o of [fused, plain]) o.dispose();
    tf.dispose([...a, ...b]);
  });

  test("a run started on cpu and continued on wasm (its tensors made by the cpu backend) still gets op by op's numbers", async () => {
    const results: number[][] = [];
    for (const engine of [{ fused: false }, {}]) {
      await tf.setBackend("cpu");
      const v = tf.variable(tf.tensor1d([1, 2, 3, 4, 5]));
      const g = tf.tensor1d([1, -1, 1e-9, -1, 1]);
      const opt = createOptimizer(adam, { lr: 0.1 }, engine);
      opt.step([v], [g]);
      await tf.setBackend("wasm");
      opt.step([v], [g]);
      opt.step([v], [g]);
      results.push(Array.from(v.dataSync()));
      opt.dispose();
      tf.dispose([v, g]);
    }
    assert.deepEqual(results[1], results[0]);
  });

  test("runFusedOnWasm applies only on the wasm backend, to float32 inputs of one size; otherwise it allocates nothing", async () => {
    const trace = new Trace(2);
    const y = trace.leaf(0).add(trace.leaf(1));
    const x = tf.tensor1d([1, 2, 3]);
    const count = tf.memory().numTensors;
    assert.equal(runFusedOnWasm(trace, [y.id], trace.consts, [x, tf.tensor1d([1, 2])]), undefined, "sizes differ");
    assert.equal(runFusedOnWasm(trace, [y.id], trace.consts, [x, tf.tensor1d([1, 2, 3], "int32")]), undefined, "int32");
    assert.equal(runFusedOnWasm(trace, [y.id], trace.consts, [x]), undefined, "one input for a two-input trace");
    assert.equal(tf.memory().numTensors, count + 2, "only the test's two tensors were made");
    const [sum] = runFusedOnWasm(trace, [y.id], trace.consts, [x, x])!;
    assert.deepEqual(Array.from(sum.dataSync()), [2, 4, 6]);
    tf.dispose(sum);
    await tf.setBackend("cpu");
    try {
      const c = tf.tensor1d([1, 2, 3]);
      assert.equal(runFusedOnWasm(trace, [y.id], trace.consts, [c, c]), undefined, "cpu backend");
      c.dispose();
    } finally {
      await tf.setBackend("wasm");
    }
    tf.dispose(x);
  });

  test("a memory shared between threads (tfjs's threaded wasm build) is left to the JS loop: no kernel, nothing allocated, op by op's numbers", () => {
    // backendMemory reads the backend's wasm.asm.memory; a copy of asm with a shared memory in it is what the
    // threaded build would show (its functions are the same, so tfjs's own kernels keep working meanwhile).
    const wasm = (tf.backend() as unknown as { wasm: { asm: Record<string, unknown> } }).wasm;
    const own = wasm.asm;
    let compiled = 0;
    const counting: typeof compileTraceToWasm = (trace, outputs, memory) => (compiled++, compileTraceToWasm(trace, outputs, memory));
    const trace = new Trace(2);
    const y = trace.leaf(0).add(trace.leaf(1));
    const x = tf.tensor1d([1, 2, 3]);
    const fixture = fixtures.find((f) => f.optimizer.name === "adam");
    assert.ok(fixture, "an Adam fixture");
    const def = optimizers.adam as AnyOptimizerDef;
    const runs = [{ fused: false }, { compileWasm: counting }].map((engine) => ({ problem: tfProblem(fixture), opt: createOptimizer(def, fixture.optimizer.options, engine) }));
    wasm.asm = { ...own, memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) };
    try {
      const count = tf.memory().numTensors;
      assert.equal(runFusedOnWasm(trace, [y.id], trace.consts, [x, x], counting), undefined, "declined");
      assert.equal(tf.memory().numTensors, count, "nothing allocated");
      for (let step = 1; step <= 5; step++) {
        const [ref, fused] = stepEach(runs, step);
        ref.forEach((v, i) => assert.deepEqual(fused[i], v, `${i === 0 ? "loss" : runs[0].problem.names[i - 1]} at step ${step}`));
      }
      assert.equal(compiled, 0, "no WebAssembly was compiled over a shared memory");
    } finally {
      wasm.asm = own;
      x.dispose();
      for (const { problem, opt } of runs) {
        opt.dispose();
        problem.dispose();
      }
    }
    // The control: with the backend's own memory the same engine compiles its step.
    const again = { problem: tfProblem(fixture), opt: createOptimizer(def, fixture.optimizer.options, { compileWasm: counting }) };
    try {
      stepEach([again], 1);
      assert.ok(compiled > 0, "the WebAssembly step is compiled over the backend's own memory");
    } finally {
      again.opt.dispose();
      again.problem.dispose();
    }
  });

  test("the bench MLP (784-256-256-10, batch 128, Adam): the WebAssembly step's losses equal op by op's and the JS loop's", async () => {
    const run = async (optimizer: "ours" | "unfused" | "fused-js") => {
      const r = await benchMLP({ steps: 6, warmup: 2, readEvery: 3, optimizer });
      assert.equal(r.tensorsAtEnd, r.tensorsAfterWarmup, `${optimizer}: no tensor leaks`);
      return [...r.warmupLosses, ...r.losses];
    };
    const ours = await run("ours");
    assert.equal(ours.length, 8);
    assert.deepEqual(ours, await run("unfused"));
    assert.deepEqual(ours, await run("fused-js"));
  });
});
