import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { adamVariants, lbfgsDigits, muonSpectrum, optimizerMemory, singularValues, spectrumNote } from "../../lib/experiments/beyond-adam.js";
import { experiments } from "../../lib/experiments/registry.js";
import { DIGITS, parseDigitsCsv, splitDigits } from "../../lib/data/digits.js";
import { FloatMat } from "../../lib/optimizers/engines.js";
import { adafactor, adam, adamax, nadam, radam } from "../../lib/optimizers/index.js";
import { last, signal } from "../helpers/experiments.js";

await tf.setBackend("cpu");

const digits = parseDigitsCsv(gunzipSync(readFileSync(join(import.meta.dirname, "../..", DIGITS.file))).toString("utf8"));
const { train } = splitDigits(digits);
const network = { sizes: [64, 16, 10], initSeed: 2, data: { dataset: train, batchSize: 32, seed: 3, normalize: { scale: 16, mean: 0, std: 1 } } };

describe("beyond-adam experiments", () => {
  test("are registered under the names the page runs", () => {
    for (const name of ["adam-variants", "optimizer-memory", "muon-spectrum", "lbfgs-digits"]) assert.equal(typeof experiments[name], "function", name);
  });

  test("adamVariants: every lane starts from the same weights on the same batch, and RAdam rectifies from t = 6", async () => {
    const before = tf.memory().numTensors;
    const choices = [
      { key: "adam", label: "Adam", def: adam, options: { lr: 1e-2 } },
      { key: "nadam", label: "NAdam", def: nadam, options: { lr: 1e-2 } },
      { key: "radam", label: "RAdam", def: radam, options: { lr: 1e-2 } },
      { key: "adamax", label: "Adamax", def: adamax, options: { lr: 1e-2 } },
    ];
    const s = await last(adamVariants({ ...network, steps: 12, choices, every: 4 }, { signal }));
    assert.equal(s.done, true);
    assert.deepEqual(s.lanes.map((l) => [l.status, l.points.length]), choices.map(() => ["done", 12]));
    // The loss of step 1 is measured before any update: identical init and batch give the identical number.
    const first = s.lanes.map((l) => l.points[0].loss);
    for (const f of first) assert.equal(f, first[0]);
    // Later steps differ: the optimizers do differ.
    assert.notEqual(s.lanes[0].points[11].loss, s.lanes[2].points[11].loss);
    assert.equal(s.meta!.rectifiedFrom, 6);
    assert.ok(s.meta!.rho[4].rho <= 5 && s.meta!.rho[5].rho > 5, `ρ5 = ${s.meta!.rho[4].rho}, ρ6 = ${s.meta!.rho[5].rho}`);
    // After one step both scales are |g₁| (Adamax's plus ε): the same gradient, so the same number per weight.
    const at1 = (lane: string) => s.meta!.scales.filter((d) => d.step === 1 && d.lane === lane);
    assert.equal(at1("adam").length, 4);
    at1("adam").forEach((d, i) => {
      assert.equal(d.kind, "sqrt(v̂)");
      assert.equal(at1("adamax")[i].kind, "u");
      assert.ok(Math.abs(d.value - at1("adamax")[i].value) <= 1e-6 * Math.max(1, d.value) + 1e-8, `weight ${d.weight}: ${d.value} vs ${at1("adamax")[i].value}`);
    });
    assert.ok(s.meta!.scales.some((d) => d.step === 12 && d.lane === "nadam"));
    // uAbove counts the (step, weight) pairs after step 1 sampled in both lanes: steps 4, 8, 12 × 4 weights.
    assert.equal(s.meta!.uAbove.of, 12);
    const adamAt = new Map(s.meta!.scales.filter((d) => d.lane === "adam").map((d) => [`${d.step}/${d.weight}`, d.value]));
    assert.equal(s.meta!.uAbove.above, s.meta!.scales.filter((d) => d.lane === "adamax" && d.step > 1 && d.value > adamAt.get(`${d.step}/${d.weight}`)!).length);
    assert.equal(tf.memory().numTensors, before, "every model, optimizer and batch tensor is freed");
  });

  test("adamVariants: an invalid lane says why and the others run", async () => {
    const s = await last(adamVariants({ ...network, steps: 3, choices: [
      { key: "adam", label: "Adam", def: adam, options: { lr: -1 } },
      { key: "radam", label: "RAdam", def: radam, options: {} },
    ] }, { signal }));
    assert.equal(s.lanes[0].status, "invalid");
    assert.match(s.lanes[0].error!, /Invalid learning rate: -1/);
    assert.equal(s.lanes[1].status, "done");
  });

  test("optimizerMemory: Adam keeps 2 numbers per weight, Adafactor r + c per matrix and n per vector", async () => {
    const s = await last(optimizerMemory({ sizes: [64, 16, 10], choices: [
      { key: "adam", label: "Adam", def: adam, options: {} },
      { key: "adafactor", label: "Adafactor", def: adafactor, options: {} },
    ] }, { signal }));
    const bytes = (optimizer: string, tensor: string) => s.meta!.rows.filter((r) => r.optimizer === optimizer && r.tensor === tensor).reduce((n, r) => n + r.bytes, 0);
    assert.equal(bytes("Adam", "W1"), 2 * 64 * 16 * 4);
    assert.equal(bytes("Adam", "b1"), 2 * 16 * 4);
    assert.equal(bytes("Adafactor", "W1"), (64 + 16) * 4);
    assert.equal(bytes("Adafactor", "W2"), (16 + 10) * 4);
    assert.equal(bytes("Adafactor", "b2"), 10 * 4);
    assert.equal(s.meta!.totals.Adam, 2 * 4 * (64 * 16 + 16 + 16 * 10 + 10));
    assert.deepEqual(s.meta!.rows.filter((r) => r.optimizer === "Adafactor" && r.tensor === "W1").map((r) => [r.slot, r.shapeOfSlot]), [["R", [64, 1]], ["C", [1, 16]]]);
  });

  test("singularValues agrees with a matrix of known singular values", () => {
    // diag(3, 2) rotated by 30° on the left: singular values 3 and 2.
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const m = FloatMat.of(Float32Array.from([3 * c, -2 * s, 3 * s, 2 * c, 0, 0]), 3, 2);
    const σ = singularValues(m);
    assert.ok(Math.abs(σ[0] - 3) < 1e-5 && Math.abs(σ[1] - 2) < 1e-5, String(σ));
  });

  test("muonSpectrum: Newton–Schulz squeezes the update's singular values towards 1", async () => {
    const s = await last(muonSpectrum({ ...network, sizes: [64, 16, 16, 10], layer: 1 }, { signal }));
    const at = (k: number) => s.meta!.rows.filter((r) => r.iterations === k).map((r) => r.sigma);
    const x0 = at(0);
    assert.equal(x0.length, 16);
    assert.ok(Math.abs(x0.reduce((n, σ) => n + σ * σ, 0) - 1) < 1e-4, "X₀ = U/‖U‖_F has unit Frobenius norm");
    const x5 = at(5);
    const big = x5.filter((_, i) => x0[i] > 1e-3 * x0[0]);
    assert.ok(big.length >= 8, `${big.length} directions carry the update`);
    for (const σ of big) assert.ok(σ > 0.5 && σ < 1.3, `σ = ${σ} after five iterations`);
    assert.ok(x0[0] / x0[big.length - 1] > 2 * (big[0] / big[big.length - 1]), "the spread of the kept directions shrinks");
    const [before, after] = [s.meta!.summary[0], s.meta!.summary[5]];
    assert.equal(before.topShare, x0[0] ** 2);
    assert.equal(after.inBand, x5.filter((σ) => σ > 0.5 && σ < 1.5).length);
    assert.ok(after.inBand > before.inBand && after.spread < before.spread);
    const note = spectrumNote(s.meta!.summary);
    assert.ok(note.startsWith(`Before: σ₁² is ${(100 * before.topShare).toFixed(0)}% of ‖X₀‖²_F = 1`), note);
    assert.ok(note.endsWith(`After 5 iterations: σ₁/σ₁₀ = ${after.spread.toFixed(2)}, ${after.inBand} in (0.5, 1.5).`), note);
  });

  test("lbfgsDigits: L-BFGS, Newton and Newton-CG reach the same minimum; Newton in fewest iterations", async () => {
    const before = tf.memory().numTensors;
    const s = await last(lbfgsDigits({ train, l2: 1e-3, maxIterations: 60 }, { signal }));
    assert.deepEqual(s.lanes.map((l) => [l.key, l.status]), [["newton", "done"], ["newton-cg", "done"], ["lbfgs", "done"]]);
    const final = s.lanes.map((l) => l.points.at(-1)!.loss);
    for (const f of final) assert.ok(f - s.meta!.best < 1e-4, `final losses ${final}`);
    const [newton, , lbfgs] = s.lanes;
    assert.ok(newton.points.length < lbfgs.points.length, `Newton ${newton.points.length} iterates, L-BFGS ${lbfgs.points.length}`);
    for (let k = 1; k < lbfgs.points.length; k++) assert.ok(lbfgs.points[k].loss <= lbfgs.points[k - 1].loss + 1e-7, `L-BFGS rose at ${k}`);
    assert.ok(lbfgs.points.at(-1)!.gradients > lbfgs.points.length - 1, "each iteration costs at least one gradient");
    assert.equal(tf.memory().numTensors, before);
  });
});
