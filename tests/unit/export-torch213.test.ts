/**
 * The PyTorch export of the six torch 2.13 optimizers: torch's class names, a first line saying which torch a
 * program needs when 1.13 lacks something, and — for the four whose rule torch 1.13 already has (Adamax, RAdam
 * without decoupled decay, Rprop, ASGD) — the exported program run by torch (/usr/bin/python3, torch 1.13)
 * landing where our optimizer lands.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { pytorchCode, TORCH_SURFACES, torchRequirements } from "../../lib/export/pytorch.js";
import { createOptimizer, optimizers, preset, presets, torchPresets, type AnyOptimizerDef } from "../../lib/optimizers/index.js";
import { minimize } from "../../lib/train/minimize.js";
import { variable } from "../../lib/train/parameters.js";
import { surfaces } from "../../lib/surfaces.js";

await tf.setBackend("cpu");

const objective = (name: string, options: Record<string, unknown>, steps = 50) =>
  pytorchCode({ optimizer: { name, options }, objective: { expr: TORCH_SURFACES.rosenbrock, start: [-1.5, 2], steps } });

test("the six export under torch's class names, with a first line naming the torch they need", () => {
  const first = (code: string) => code.split("\n")[0];
  assert.match(objective("nadam", { lr: 0.01 }), /\("NAdam", torch\.optim\.NAdam, \{"lr": 0\.01\}\)/);
  assert.match(objective("radam", { lr: 0.01 }), /\("RAdam", torch\.optim\.RAdam, \{"lr": 0\.01\}\)/);
  assert.match(objective("adamax", { lr: 0.01 }), /\("Adamax", torch\.optim\.Adamax, \{"lr": 0\.01\}\)/);
  assert.match(objective("rprop", { lr: 0.01, etas: [0.5, 1.2] }), /\("Rprop", torch\.optim\.Rprop, \{"lr": 0\.01, "etas": \(0\.5, 1\.2\)\}\)/);
  assert.match(objective("asgd", { lr: 0.01, t0: 100 }), /\("ASGD", torch\.optim\.ASGD, \{"lr": 0\.01, "t0": 100\}\)/);
  const adafactor = objective("adafactor", { lr: 0.01, eps: [null, 1e-3] });
  assert.match(adafactor, /\("Adafactor", torch\.optim\.Adafactor, \{"lr": 0\.01, "eps": \(None, 0\.001\)\}\)/);
  assert.equal(first(adafactor), "# Needs torch >= 2.5 (torch.optim.Adafactor)");
  assert.equal(first(objective("nadam", { lr: 0.01, decoupled_weight_decay: true, weight_decay: 0.01 })), "# Needs torch >= 2.2 (NAdam's decoupled_weight_decay)");
  assert.equal(first(objective("radam", { maximize: false })), "# Needs a torch newer than 2.3 (RAdam's maximize)");
  for (const name of ["nadam", "radam", "adamax", "rprop", "asgd"]) assert.doesNotMatch(first(objective(name, { lr: 0.01 })), /Needs torch/, name);
  // a race states every requirement once, before anything else
  const race = torchRequirements([
    { name: "adafactor", options: {} },
    { name: "adafactor", options: { lr: 0.1 } },
    { name: "nadam", options: { decoupled_weight_decay: true } },
  ]);
  assert.deepEqual(race, ["# Needs torch >= 2.5 (torch.optim.Adafactor)", "# Needs torch >= 2.2 (NAdam's decoupled_weight_decay)"]);
});

/** Where our optimizer (tfjs engine) ends on Rosenbrock from (−1.5, 2) after `steps` steps. */
function ours(def: AnyOptimizerDef, options: object, steps: number): number[] {
  const surface = surfaces.find((s) => s.key === "rosenbrock")!;
  const θ = variable([-1.5, 2], [2]);
  const optimizer = createOptimizer(def, options);
  try {
    let last: number[] = [];
    for (const s of minimize({ params: [θ], loss: () => surface.f(θ as tf.Tensor1D), optimizer, steps })) last = Array.from(s.params[0]);
    return last;
  } finally {
    optimizer.dispose();
    θ.dispose();
  }
}

for (const [name, options] of [
  ["adamax", { lr: 0.05 }],
  ["radam", { lr: 1e-3, weight_decay: 0.01 }],
  ["rprop", { lr: 0.01, etas: [0.4, 1.3], step_sizes: [1e-6, 0.5] }],
  ["asgd", { lr: 1e-3, t0: 10, lambd: 1e-3 }],
] as const) {
  test(`${name}: the exported program, run by torch 1.13, ends where ours does (50 steps on Rosenbrock)`, () => {
    const code = objective(name, options as Record<string, unknown>);
    const out = execFileSync("/usr/bin/python3", ["-c", code], { env: { ...process.env, OMP_NUM_THREADS: "1" } }).toString().trim();
    // the program's last line: "after step 50: x = [x, y], f = …"
    const [x, y] = JSON.parse(/x = (\[[^\]]*\])/.exec(out.split("\n").at(-1)!)![1]) as number[];
    const [ox, oy] = ours((optimizers as Record<string, AnyOptimizerDef>)[name], options, 50);
    // torch computes this problem in float32 from a Python float start, as we do; 1e-5 as the fixtures' bound
    assert.ok(Math.abs(ox - x) <= 1e-5 * Math.max(1, Math.abs(x)) && Math.abs(oy - y) <= 1e-5 * Math.max(1, Math.abs(y)), `torch (${x}, ${y}), ours (${ox}, ${oy})`);
  });
}

test("torch presets: each resolves with its optimizer, is found by key, and describes torch's configuration", () => {
  assert.deepEqual(torchPresets.map((p) => p.key), ["nadam", "radam", "adamax", "rprop", "asgd", "adafactor"]);
  for (const p of torchPresets) {
    assert.equal(preset(p.key), p);
    assert.ok(!presets.includes(p), `${p.key} stays out of the eight`);
    assert.doesNotThrow(() => createOptimizer(p.def, p.options).dispose(), p.key);
    assert.doesNotMatch(p.seeds, /seed \d/i, `${p.key}: describes torch's configuration, not a notebook number`);
    assert.match(p.seeds, new RegExp(`torch\\.optim\\.${{ nadam: "NAdam", radam: "RAdam", adamax: "Adamax", rprop: "Rprop", asgd: "ASGD", adafactor: "Adafactor" }[p.key]}`));
  }
});
