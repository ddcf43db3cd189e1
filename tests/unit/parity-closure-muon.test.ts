/**
 * torch 2.13 parity for the two optimizers that are not per-element rules: L-BFGS (closure-based) and Muon
 * (whole-matrix Newton–Schulz). Replays <fixtures>/torch-optim-2.13/lbfgs--*.json and muon--*.json (README
 * there): each recorded parameter within 1e-5 · max(1, max|ref|) of torch's, losses within 1e-4 · max(1, |ref|)
 * (as parity.test.ts, and why), and L-BFGS's closure evaluations per step equal to torch's, exactly.
 * A case compared only up to a step horizon says why next to it (`horizons`).
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createLBFGS, variablesObjective, type LBFGSOptions } from "../../lib/optimizers/lbfgs.js";
import { createFloatMuon, createMuon } from "../../lib/optimizers/muon.js";
import { deviation, floatProblem, loadFixtures, tfProblem, type Fixture } from "../helpers/problems.js";
import { fixturesDir } from "../helpers/fixtures.js";

const folder = join(fixturesDir, "torch-optim-2.13");
const all = existsSync(folder) ? loadFixtures(folder) : [];
const lbfgsCases = all.filter(({ file }) => file.startsWith("lbfgs--"));
const muonCases = all.filter(({ file }) => file.startsWith("muon--"));

await tf.setBackend("cpu");

const LOSS_TOLERANCE = 1e-4;

type ClosureFixture = Fixture & { evaluations?: number[]; optimized?: string[] };

/**
 * Steps after which a case is no longer compared, each with its reason and measurement.
 *
 * Muon: torch runs Newton–Schulz in bfloat16 (8-bit mantissa). Our emulation reproduces torch 2.13's update of
 * every fixture bit for bit at first (so does scripts/reference/muon_bf16.py, the same rounding in numpy), but
 * once a gradient differs from torch's in its last float32 bit (tfjs's and torch's autograd sum in different
 * orders), some entry eventually lands on the other side of a bfloat16 rounding boundary and the update jumps
 * by a bfloat16 ulp (≈ 2⁻⁸ relative, × lr·√max(1, A/B) in θ ≈ 1e-4); after that the trajectories are different
 * runs. The float32-vs-float64 spread is not the measure here (torch's update is not float32): muon_bf16.py
 * measures torch 2.13's bfloat16 trajectory against the exact float64 iteration at 1.9e-4 after step 1 on the
 * MLP, 5.8e-2 at step 100; and its bit-exact bfloat16 replay from torch 1.13's gradients leaves torch 2.13's
 * after step 5 (MLP: 2.7e-4 at step 10) and step 10 (softmax regression: 1.8e-3 at step 25). Horizons below are
 * where ours first leaves the README bound; a wrong rule still fails at step 1.
 */
const horizons: Record<string, { step: number; reason: string; final?: boolean }> = {
  "lbfgs--quadratic--lr=0.5-max_iter=5-history_size=5": {
    step: 4,
    final: true,
    reason:
      "converged to within a float32 ulp of the loss at step 5: whether a step runs one more iteration hinges on two successive losses being bit-identical (|Δf| < tolerance_change = 1e-9, far below the ulp of 2.5, 2.4e-7), i.e. on the loss's summation order. torch 1.13's float32 run (same lbfgs.py) takes 3, 1, 1 evaluations at steps 5–7 where torch 2.13 took 2, 2, 2 (ours: 3 at step 5), and that extra iteration moves x by 2.5e-5 along the flat direction (torch 1.13: 1.69e-5 relative, as ours). Evaluation counts and values are compared to step 4, and the minimum after step 100",
  },
  "muon--mlp-mse--lr=0.02": { step: 5, reason: "bfloat16 Newton–Schulz: one rounding flip after step 5 (see above); bit-exact replay of torch's rule in numpy from torch 1.13 gradients also leaves after step 5" },
  "muon--softmax-regression--lr=0.02": {
    step: 20,
    reason: "bfloat16 Newton–Schulz: the gradient has rank 9 (its rows sum to 0), and the quintic multiplies the rounding noise in the missing direction by ≈ 3.4445⁵ ≈ 490, so a flip there is a large change; loss leaves the bound at step 21",
  },
  "lbfgs--mlp-mse--lr=0.5-max_iter=5-history_size=5": {
    step: 10,
    reason:
      "L-BFGS's curvature pairs amplify last-bit gradient differences on the MLP. Measured with the same lbfgs.py in torch 1.13 (/usr/bin/python3) against these torch 2.13 values: float32 1.05e-5 at step 10 and 9.6e-4 at step 25 (evaluation counts differ from step 32); float64 5.2e-6 at step 10, 2.2e-4 at step 25. Ours: within the bound through step 10, 1.6e-4 at step 25",
  },
};

const report: string[] = [];

test("torch 2.13 closure/matrix fixtures are present", () => {
  assert.ok(existsSync(folder), `no fixture folder at ${folder} (set PARITY_FIXTURES_DIR)`);
  assert.ok(lbfgsCases.length > 0, `no lbfgs--*.json fixtures in ${folder}`);
  assert.ok(muonCases.length > 0, `no muon--*.json fixtures in ${folder}`);
});

/** Track the worst relative deviations of a case (parameters and losses apart) and fail past the bound. */
function checker(name: string) {
  const worst = { params: { rel: 0, at: "" }, loss: { rel: 0, at: "" } };
  return {
    close(what: string, ours: ArrayLike<number>, ref: ArrayLike<number>, bound = deviation(ref, ref).bound) {
      const { err, rel } = deviation(ours, ref);
      const w = what.startsWith("loss") ? worst.loss : worst.params;
      if (rel > w.rel || Number.isNaN(rel)) [w.rel, w.at] = [rel, what];
      assert.ok(err <= bound, `${name}: ${what}: max |ours − torch| = ${err.toExponential(3)} > ${bound.toExponential(3)}`);
    },
    done(t: { diagnostic(s: string): void }, suffix = "") {
      const fmt = ({ rel, at }: { rel: number; at: string }) => `${rel.toExponential(2)}${at ? ` (${at})` : ""}`;
      const line = `${name}: max relative deviation, parameters ${fmt(worst.params)}, losses ${fmt(worst.loss)}${suffix}`;
      report.push(line);
      t.diagnostic(line);
    },
  };
}

describe("L-BFGS parity (torch 2.13)", () => {
  for (const { fixture: f } of lbfgsCases as { fixture: ClosureFixture }[]) {
    const options = f.optimizer.options as Partial<LBFGSOptions>;
    const trajectory = new Map(f.trajectory.map((r) => [r.step, r.params]));
    const evaluations = f.evaluations;
    const horizon = horizons[f.name]?.step ?? f.steps;
    const final = horizons[f.name]?.final ?? false;
    const compared = (step: number) => step <= horizon || (final && step === f.steps);
    const note = horizon < f.steps ? ` — compared to step ${horizon}${final ? ` (evaluation counts too) and values at step ${f.steps}` : ""} of ${f.steps}: ${horizons[f.name].reason}` : "";

    test(`${f.name} (tfjs gradients)`, (t) => {
      assert.ok(Array.isArray(evaluations) && evaluations.length === f.steps, "fixture has no evaluations");
      const problem = tfProblem(f);
      const c = checker(`${f.name} tfjs`);
      let step = 0;
      const objective = variablesObjective(problem.params, (...p) => problem.loss(step)(...p));
      const opt = createLBFGS(objective.x, options);
      const before = tf.memory().numTensors;
      try {
        for (step = 1; step <= (final ? f.steps : horizon); step++) {
          const loss = opt.step(objective.closure);
          objective.write();
          if (!compared(step)) continue;
          const ref = f.losses[step - 1];
          c.close(`loss at step ${step}`, [loss], [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
          if (step <= horizon) assert.equal(opt.evaluations, evaluations[step - 1], `evaluations at step ${step}`);
          const refs = trajectory.get(step);
          if (refs) problem.names.forEach((n, i) => c.close(`${n} after step ${step}`, problem.params[i].dataSync(), refs[n].data));
        }
        assert.equal(tf.memory().numTensors, before, "tensors left behind by the closure");
        c.done(t, note);
      } finally {
        problem.dispose();
      }
    });

    if (f.problem.kind === "quadratic" || f.problem.kind === "rosenbrock") {
      test(`${f.name} (plain-JS gradients)`, (t) => {
        const problem = floatProblem(f);
        const x = problem.params[0];
        const grad = [new Float32Array(x.length)];
        const c = checker(`${f.name} float`);
        const opt = createLBFGS(x, options);
        let step = 0;
        const closure = () => ({ loss: problem.lossAndGrad(step, grad), grad: grad[0] });
        for (step = 1; step <= (final ? f.steps : horizon); step++) {
          const loss = opt.step(closure);
          if (!compared(step)) continue;
          const ref = f.losses[step - 1];
          c.close(`loss at step ${step}`, [loss], [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
          if (step <= horizon) assert.equal(opt.evaluations, evaluations![step - 1], `evaluations at step ${step}`);
          const refs = trajectory.get(step);
          if (refs) c.close(`x after step ${step}`, x, refs[problem.names[0]].data);
        }
        c.done(t, note);
      });
    }
  }
});

describe("Muon parity (torch 2.13)", () => {
  for (const { fixture: f } of muonCases as { fixture: ClosureFixture }[]) {
    const optimized = f.optimized ?? [];
    const trajectory = new Map(f.trajectory.map((r) => [r.step, r.params]));
    const horizon = horizons[f.name]?.step ?? f.steps;

    for (const engine of ["tfjs", "float"] as const) {
      test(`${f.name} (${engine} engine)`, (t) => {
        assert.ok(optimized.length > 0, "fixture lists no optimized parameters");
        const problem = tfProblem(f);
        const which = optimized.map((n) => problem.names.indexOf(n));
        assert.ok(which.every((i) => i >= 0), `unknown parameters in ${optimized}`);
        const c = checker(`${f.name} ${engine}`);
        const tensorOpt = createMuon(f.optimizer.options);
        const floatOpt = createFloatMuon(f.optimizer.options);
        try {
          for (let step = 1; step <= horizon; step++) {
            const { value, grads } = tf.valueAndGrads(problem.loss(step))(problem.params);
            const ref = f.losses[step - 1];
            c.close(`loss at step ${step}`, value.dataSync(), [ref], LOSS_TOLERANCE * Math.max(1, Math.abs(ref)));
            const params = which.map((i) => problem.params[i]);
            const gs = which.map((i) => grads[i]);
            if (engine === "tfjs") tensorOpt.step(params, gs);
            else {
              const mats = params.map((p) => ({ data: p.dataSync().slice() as Float32Array, rows: p.shape[0], cols: p.shape[1] ?? 1 }));
              floatOpt.step(mats, gs.map((g) => g.dataSync() as Float32Array));
              params.forEach((p, k) => tf.tidy(() => p.assign(tf.tensor(mats[k].data, p.shape, "float32"))));
            }
            tf.dispose([value, ...grads]);
            const refs = trajectory.get(step);
            if (refs) problem.names.forEach((n, i) => c.close(`${n} after step ${step}`, problem.params[i].dataSync(), refs[n].data));
          }
          c.done(t, horizon < f.steps ? ` — compared to step ${horizon} of ${f.steps}: ${horizons[f.name].reason}` : "");
        } finally {
          tensorOpt.dispose();
          problem.dispose();
        }
      });
    }
  }
});

after(() => {
  for (const line of report) console.log(`# parity-closure-muon: ${line}`);
});
