/**
 * torch.optim parity: every fixture this suite owns, in <fixtures>/torch-optim (torch 1.13, 52 cases) and
 * <fixtures>/torch-optim-2.13 (torch 2.13: NAdam, RAdam, Adamax, Rprop, ASGD, Adafactor), is replayed with our
 * optimizer — 100 steps, loss recorded before each step — and each loss and every recorded parameter tensor must
 * be within 1e-5 · max(1, max|ref|) of torch's (losses: 1e-4, see LOSS_TOLERANCE). Cases that cannot be held to
 * that over all 100 steps are listed, one by one with the reason and torch's own float32-vs-float64 spread, in
 * parity-cases.ts. Run through the tfjs engine (cpu backend, gradients by tf.valueAndGrads) and, for the
 * problems with plain-JS gradients, through the FloatVec engine.
 *
 * Fixtures with a learning-rate schedule, mid-run changes, a closure (L-BFGS) or Muon belong to other parity
 * suites (tests/unit/parity-*.test.ts); this one counts and names what it leaves to them.
 *
 * Fixtures come from $PARITY_FIXTURES_DIR or ../shared/fixtures (relative to the project root); either must
 * hold torch-optim/ and torch-optim-2.13/. A missing or empty folder fails the suite.
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
import { deviation, floatProblem, loadFixtures, stepEach, tfProblem, type Fixture } from "../helpers/problems.js";
import { fixturesDir } from "../helpers/fixtures.js";
import { widened, type WidenedCase } from "./parity-cases.js";

await tf.setBackend("cpu");

/** Fields that mark a fixture as another suite's: schedules, mid-run changes, closures (L-BFGS), Muon's `optimized`. */
const OTHER_SUITES = ["schedule", "changes", "closure", "optimized"] as const;
const OTHER_OPTIMIZERS = new Set(["lbfgs", "muon"]);

function owner(fixture: Fixture): string | null {
  for (const field of OTHER_SUITES) if (field in fixture) return field;
  return OTHER_OPTIMIZERS.has(fixture.optimizer.name) ? fixture.optimizer.name : null;
}

const folders = ["torch-optim", "torch-optim-2.13"].map((name) => {
  const dir = join(fixturesDir, name);
  const all = existsSync(dir) ? loadFixtures(dir).map((f) => f.fixture) : [];
  const left = all.filter((f) => owner(f) !== null);
  return { name, dir, all, mine: all.filter((f) => owner(f) === null), left };
});
const fixtures = folders.flatMap((f) => f.mine);
const byName = new Map<string, WidenedCase>(widened.map((w) => [w.name, w]));

/**
 * Losses: the README sets the bound for parameters (1e-5 · max(1, max|ref|)). A loss is a function of all the
 * parameters and amplifies their rounding (a sum of squares over the MLP's outputs measured 1e-5 relative at
 * parameters within 1.5e-6), so losses get 1e-4 · max(1, |ref|).
 */
const LOSS_TOLERANCE = 1e-4;

type Engine = "tfjs" | "FloatVec";
/** Largest relative deviation of a parameter tensor from torch, per optimizer and engine, over compared steps. */
const worst = new Map<string, { rel: number; where: string }>();
let compared = 0;

function defOf(fixture: Fixture): AnyOptimizerDef {
  const def = (optimizers as Record<string, AnyOptimizerDef>)[fixture.optimizer.name];
  assert.ok(def, `unknown optimizer ${fixture.optimizer.name}`);
  return def;
}

/** The last step of `fixture` that is compared (its `until` if listed in parity-cases.ts). */
const horizon = (fixture: Fixture) => byName.get(fixture.name)?.until ?? fixture.steps;

/** The README's bound for a parameter tensor, or the case's wider one from parity-cases.ts. */
function boundFor(fixture: Fixture, ref: ArrayLike<number>): number {
  const { bound } = deviation(ref, ref);
  const wide = byName.get(fixture.name)?.bound;
  return wide === undefined ? bound : (bound / 1e-5) * wide;
}

function expectClose(engine: Engine, fixture: Fixture, what: string, ours: ArrayLike<number>, ref: ArrayLike<number>, bound = boundFor(fixture, ref)): void {
  const { err, rel } = deviation(ours, ref);
  if (!what.startsWith("loss")) {
    const key = `${fixture.optimizer.name}|${engine}`;
    const w = worst.get(key);
    if (!w || rel > w.rel || Number.isNaN(rel)) worst.set(key, { rel, where: `${fixture.name} ${what}` });
    compared++;
  }
  assert.ok(err <= bound, `${what}: max |ours − torch| = ${err.toExponential(3)} > ${bound.toExponential(3)}`);
}

for (const f of folders) {
  test(`${f.name}: fixtures are present`, () => {
    assert.ok(existsSync(f.dir), `no fixture folder at ${f.dir} (set PARITY_FIXTURES_DIR to a folder holding torch-optim/ and torch-optim-2.13/)`);
    assert.ok(f.all.length > 0, `no *.json fixtures in ${f.dir}`);
    assert.ok(f.mine.length > 0, `none of the ${f.all.length} fixtures in ${f.dir} is for this suite`);
  });
}

test("every widened case names a fixture, a reason, torch's spread and a horizon", () => {
  const names = new Set(fixtures.map((f) => f.name));
  for (const w of widened) {
    assert.ok(names.has(w.name), `parity-cases.ts lists ${w.name}, which is not a fixture of this suite`);
    assert.ok(w.reason.length > 20 && w.command.includes("torch-spread"), `${w.name}: reason and command`);
    assert.ok(Number.isInteger(w.until) && w.until >= 1 && w.until <= 100, `${w.name}: until ${w.until}`);
    assert.ok(w.until < 100 || w.bound !== undefined, `${w.name}: widens nothing`);
    assert.ok(w.bound === undefined || (w.bound > 1e-5 && w.bound <= 1e-4), `${w.name}: bound ${w.bound}`);
    assert.ok(w.spread.everyStep >= w.spread.compared && w.spread.compared >= 0, `${w.name}: spread`);
  }
});

describe("torch.optim parity, tfjs engine (cpu)", () => {
  for (const fixture of fixtures) {
    test(fixture.name, () => {
      const problem = tfProblem(fixture);
      const opt = createOptimizer(defOf(fixture), fixture.optimizer.options);
      const trajectory = new Map(fixture.trajectory.map((r) => [r.step, r.params]));
      try {
        for (let step = 1; step <= horizon(fixture); step++) {
          const { value, grads } = tf.valueAndGrads(problem.loss(step))(problem.params);
          const ref = fixture.losses[step - 1];
          const loss = value.dataSync()[0];
          opt.step(problem.params, grads);
          tf.dispose([value, ...grads]);
          expectClose("tfjs", fixture, `loss at step ${step}`, [loss], [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
          const refs = trajectory.get(step);
          if (refs) problem.names.forEach((n, i) => expectClose("tfjs", fixture, `${n} after step ${step}`, problem.params[i].dataSync(), refs[n].data));
        }
      } finally {
        opt.dispose();
        problem.dispose();
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
/** The rules whose trace throws NotFusable (engines.ts): they use mean or bySign. */
const NOT_FUSABLE = new Set(["adafactor", "rprop"]);

describe("fused update = the rule op by op, bit for bit (tfjs cpu engine)", () => {
  for (const fixture of fixtures) {
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
          const values = stepEach(runs, step);
          for (const [k, other] of values.slice(1).entries()) {
            values[0].forEach((ref, i) => assert.deepEqual(other[i], ref, `${["fused", "no-codegen fallback"][k]}: ${i === 0 ? "loss" : runs[0].problem.names[i - 1]} at step ${step}`));
          }
        }
        // A rule with an op the fused loop cannot express (Adafactor's row and column means, Rprop's three-way
        // select) throws NotFusable while it is traced: it then runs op by op, which the equality above checks.
        if (!NOT_FUSABLE.has(fixture.optimizer.name)) assert.ok(compiled > 0, "the fused loop was never compiled");
        else assert.equal(compiled, 0, `${fixture.optimizer.name} is listed as not fusable but compiled`);
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
  for (const fixture of fixtures.filter((f) => f.problem.kind === "quadratic" || f.problem.kind === "rosenbrock")) {
    test(fixture.name, () => {
      const problem = floatProblem(fixture);
      const opt = createFloatOptimizer(defOf(fixture), fixture.optimizer.options, { shapes: problem.names.map((n) => fixture.init[n].shape) });
      const grads = problem.params.map((p) => new Float32Array(p.length));
      const trajectory = new Map(fixture.trajectory.map((r) => [r.step, r.params]));
      for (let t = 1; t <= horizon(fixture); t++) {
        const loss = problem.lossAndGrad(t, grads);
        const ref = fixture.losses[t - 1];
        expectClose("FloatVec", fixture, `loss at step ${t}`, [loss], [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
        opt.step(problem.params, grads);
        const refs = trajectory.get(t);
        if (refs) problem.names.forEach((n, i) => expectClose("FloatVec", fixture, `${n} after step ${t}`, problem.params[i], refs[n].data));
      }
    });
  }
});

after(() => {
  const log = (s: string) => console.log(`# parity: ${s}`);
  for (const f of folders) {
    const counts = new Map<string, number>();
    for (const x of f.left) counts.set(owner(x)!, (counts.get(owner(x)!) ?? 0) + 1);
    const what: Record<string, string> = { schedule: "with a schedule", changes: "with mid-run changes", closure: "L-BFGS (closure)", optimized: "Muon", lbfgs: "L-BFGS", muon: "Muon" };
    const left = [...counts].map(([k, n]) => `${n} ${what[k] ?? k}`).join(", ");
    log(`${f.name}: ${f.mine.length} of ${f.all.length} cases run here${f.left.length ? `; ${f.left.length} left for other suites (${left})` : ""}`);
  }
  log(`${compared} parameter tensors compared; README bound 1e-5·max(1, max|ref|) everywhere, except:`);
  if (widened.length === 0) log("  (no widened cases)");
  for (const w of widened) {
    log(`  ${w.name}: compared up to step ${w.until}${w.bound ? ` within ${w.bound.toExponential(0)}·max(1, max|ref|)` : ""}; ${w.reason}`);
    log(`    torch float32 vs float64: ${w.spread.compared.toExponential(2)} at the compared steps, ${w.spread.everyStep.toExponential(2)} at worst over 100 steps (${w.command})`);
  }
  log("max relative deviation of a parameter tensor from torch, per optimizer (|ours − torch| / max(1, max|torch|)):");
  for (const [key, w] of [...worst].sort()) {
    const [name, engine] = key.split("|");
    log(`  ${name.padEnd(10)} ${engine.padEnd(8)} ${w.rel.toExponential(2)}  (${w.where})`);
  }
});
