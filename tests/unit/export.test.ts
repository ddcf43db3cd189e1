import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { parseCSV, pytorchCode, pyLiteral, toCSV, toJSON } from "../../lib/export/index.js";

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

test("pytorchCode writes torch.optim with the same option names and values", () => {
  const code = pytorchCode({
    optimizer: { name: "adam", options: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false } },
    seed: 1,
    model: { kind: "mlp", sizes: [784, 256, 256, 10], init: "kaiming-normal" },
    data: { name: "mnist", batchSize: 128, epochs: 1 },
    loss: "cross_entropy",
  });
  assert.match(code, /torch\.optim\.Adam\(model\.parameters\(\), lr=0\.001, betas=\(0\.9, 0\.999\), eps=1e-8, amsgrad=False\)/);
  assert.match(code, /nn\.Linear\(784, 256\), nn\.ReLU\(\), nn\.Linear\(256, 256\), nn\.ReLU\(\), nn\.Linear\(256, 10\)/);
  assert.match(code, /kaiming_normal_/);
  assert.match(code, /torch\.manual_seed\(1\)/);
});

test("pytorchCode's programs are valid Python (checked by python3's parser)", () => {
  const programs = [
    pytorchCode({ optimizer: { name: "sgd", options: { lr: 0.05, momentum: 0.9, nesterov: true } }, seed: 9999, objective: { expr: "(x ** 2).sum()", start: [15], steps: 100 } }),
    pytorchCode({ optimizer: { name: "rmsprop", options: { lr: 0.01, centered: true } }, seed: 3, model: { kind: "linear", inputs: 64, outputs: 10 }, data: { name: "digits", batchSize: 1, epochs: 15 }, loss: "cross_entropy" }),
  ];
  for (const p of programs) execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: p });
  assert.match(programs[0], /x = torch\.tensor\(\[15\], requires_grad=True\)/);
});

test("TORCH_SURFACES computes what lib/surfaces computes (evaluated by python3)", async () => {
  const { TORCH_SURFACES } = await import("../../lib/export/pytorch.js");
  const { surfaces } = await import("../../lib/surfaces.js");
  for (const s of surfaces) {
    const expr = TORCH_SURFACES[s.key];
    assert.ok(expr, `a PyTorch expression for ${s.key}`);
    const [x, y] = [0.3, -0.7];
    const out = execFileSync("python3", ["-c", `x = [${x}, ${y}]\nprint(repr(float(${expr})))`]).toString();
    assert.ok(Math.abs(Number(out) - s.value(x, y)) < 1e-12, `${s.key}: ${out} vs ${s.value(x, y)}`);
  }
});

test("pytorchCode writes a race: several optimizers from one start, each reseeded, valid Python", async () => {
  const { TORCH_SURFACES } = await import("../../lib/export/pytorch.js");
  const race = pytorchCode({
    optimizers: [
      { label: "SGD", name: "sgd", options: { lr: 1e-3 } },
      { label: "Nesterov", name: "sgd", options: { lr: 1e-3, momentum: 0.9, nesterov: true } },
      { label: "Adam", name: "adam", options: { lr: 0.1, betas: [0.9, 0.999], amsgrad: false } },
    ],
    seed: 1,
    objective: { expr: TORCH_SURFACES.rosenbrock, start: [-1.5, 2], steps: 500 },
  });
  const mlp = pytorchCode({
    optimizers: [
      { label: "SGD", name: "sgd", options: { lr: 1e-3 } },
      { label: "Adam", name: "adam", options: { lr: 1e-3 } },
    ],
    seed: 4,
    model: { kind: "mlp", sizes: [784, 100, 10], init: "torch-default" },
    data: { name: "mnist", batchSize: 64, epochs: 5, perClass: 600, augment: true, test: true },
    loss: "cross_entropy",
  });
  for (const p of [race, mlp]) execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: p });
  assert.match(race, /\("Nesterov", torch\.optim\.SGD, \{"lr": 0\.001, "momentum": 0\.9, "nesterov": True\}\)/);
  assert.match(race, /\("Adam", torch\.optim\.Adam, \{"lr": 0\.1, "betas": \(0\.9, 0\.999\), "amsgrad": False\}\)/);
  assert.match(race, /^ {4}x = torch\.tensor\(\[-1\.5, 2\], requires_grad=True\)$/m);
  assert.match(race, /^ {4}torch\.manual_seed\(1\)$/m);
  assert.match(mlp, /^ {4}torch\.manual_seed\(4\)\n {4}model = nn\.Sequential\(nn\.Flatten\(\), nn\.Linear\(784, 100\), nn\.ReLU\(\), nn\.Linear\(100, 10\)\)$/m);
  assert.match(mlp, /\[:600\] for c in range\(10\)/);
  assert.match(mlp, /RandomRotation\(5\), transforms\.RandomCrop\(28, padding=2\)/);
  assert.match(mlp, /test accuracy/);
  assert.throws(() => pytorchCode({ seed: 1, objective: { expr: "x", start: [0], steps: 1 } }), /needs an optimizer/);
  assert.throws(() => pytorchCode({ optimizer: { name: "sgd", options: {} }, seed: 1, model: { kind: "linear", inputs: 64, outputs: 10 }, data: { name: "digits", batchSize: 1, epochs: 1, perClass: 5 }, loss: "cross_entropy" }), /MNIST only/);
});

test("pytorchCode writes random data, file-order loading and Newton's method, all valid Python", () => {
  const parse = (p: string) => execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: p });
  const random = pytorchCode({
    optimizer: { name: "adam", options: { lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8 } },
    seed: 1,
    model: { kind: "mlp", sizes: [1000, 100, 10], init: "torch-default" },
    data: { name: "random", samples: 64, inputs: 1000, outputs: 10, batchSize: 64, epochs: 500 },
    loss: "mse_sum",
  });
  parse(random);
  assert.match(random, /X = torch\.randn\(64, 1000\)\nY = torch\.randn\(64, 10\)/);
  assert.match(random, /batch_size=64, shuffle=True/);
  assert.throws(() => pytorchCode({ optimizer: { name: "sgd", options: {} }, seed: 1, model: { kind: "linear", inputs: 2, outputs: 1 }, data: { name: "random", batchSize: 1, epochs: 1 }, loss: "mse_sum" }), /random data needs/);

  const digits = pytorchCode({
    optimizers: [{ label: "Adam", name: "adam", options: { lr: 1e-3 } }, { label: "SGD", name: "sgd", options: { lr: 1e-3 } }],
    seed: 4,
    model: { kind: "linear", inputs: 64, outputs: 10 },
    data: { name: "digits", batchSize: 1, epochs: 15, shuffle: false },
    loss: "cross_entropy",
  });
  parse(digits);
  assert.match(digits, /batch_size=1, shuffle=False/);

  for (const safeguarded of [true, false]) {
    const newton = pytorchCode({ seed: 7, newton: { expr: "x.sin().sum()", start: [0.5, -1.25], safeguarded, maxIterations: 50 } });
    parse(newton);
    assert.match(newton, /x = torch\.tensor\(\[0\.5, -1\.25\]\)/);
    assert.match(newton, /for iteration in range\(1, 51\):/);
    assert.match(newton, safeguarded ? /torch\.linalg\.eigh\(H\)/ : /torch\.linalg\.solve\(H, g\)/);
  }
});
