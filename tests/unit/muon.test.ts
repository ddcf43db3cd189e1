/**
 * Muon (lib/optimizers/muon.ts): torch's validation messages, matrices only, the bfloat16 rounding, the
 * Newton–Schulz iteration's effect on singular values, two steps worked by hand, both engines agreeing, tensor
 * counts, its equation, and its PyTorch export. Parity with torch 2.13 is in parity-closure-muon.test.ts.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import katex from "katex";
import { pytorchCode } from "../../lib/export/index.js";
import {
  adjustedLr,
  bf16,
  createFloatMuon,
  createMuon,
  FloatMat,
  FloatVec,
  matrixOptimizers,
  muon,
  newtonSchulz,
  resolveOptions,
  Scalars,
  specialPresets,
  symbols,
  TensorVec,
  texMacros,
  type AnyOptimizerDef,
  type MuonOptions,
} from "../../lib/optimizers/index.js";
import { normals, rng } from "../../lib/random.js";
import { extractRegions } from "../../scripts/build-engine.js";

await tf.setBackend("cpu");

const resolve = (o: Partial<MuonOptions>) => resolveOptions<MuonOptions>(muon as unknown as AnyOptimizerDef, o);

/** bfloat16 by bits: keep the top 16 bits of the float32, rounding to nearest, ties to even. */
function bf16Bits(x: number): number {
  const u = new Uint32Array(1);
  const f = new Float32Array(u.buffer);
  f[0] = x;
  const b = u[0];
  u[0] = (((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16) >>> 0;
  return f[0];
}

const randomMatrix = (rows: number, cols: number, seed: number) => Float32Array.from(normals(rows * cols, rng(seed)));

describe("Muon's options", () => {
  test("torch's defaults: lr 1e-3, weight_decay 0.1, momentum 0.95, nesterov, (3.4445, −4.775, 2.0315), ε 1e-7, 5 steps, original", () => {
    const o = resolve({});
    assert.deepEqual({ ...o, ns_coefficients: [...o.ns_coefficients] }, {
      lr: 1e-3,
      weight_decay: 0.1,
      momentum: 0.95,
      nesterov: true,
      ns_coefficients: [3.4445, -4.775, 2.0315],
      eps: 1e-7,
      ns_steps: 5,
      adjust_lr_fn: "original",
    });
  });

  test("rejects bad values in torch's words, naming the option", () => {
    assert.throws(() => resolve({ lr: -1 }), /^Error: Learning rate should be >= 0 but is: -1 \(lr\)$/);
    assert.throws(() => resolve({ momentum: -0.5 }), /momentum should be >= 0 but is: -0.5 \(momentum\)/);
    assert.throws(() => resolve({ weight_decay: -1 }), /weight decay should be >= 0 but is: -1 \(weight_decay\)/);
    assert.throws(() => resolve({ adjust_lr_fn: "spectral" as MuonOptions["adjust_lr_fn"] }), /Adjust learning rate function spectral is not supported \(adjust_lr_fn\)/);
    assert.throws(() => resolve({ ns_steps: 100 }), /Number of steps must be less than 100 for computational efficiency/);
    assert.throws(() => resolve({ ns_coefficients: [1, 2] as unknown as MuonOptions["ns_coefficients"] }), /Invalid ns_coefficients: 1,2 \(expected 3 numbers\)/);
    assert.throws(() => resolve({ lr: NaN }), /Invalid lr: NaN/);
  });

  test("takes weight matrices only: a bias is refused with torch's message, and nothing changes", () => {
    const w = tf.variable(tf.ones([2, 3]));
    const b = tf.variable(tf.ones([3]));
    const opt = createMuon({ lr: 0.1 });
    const gw = tf.onesLike(w);
    const gb = tf.onesLike(b);
    assert.throws(() => opt.step([w, b], [gw, gb]), /^Error: Muon only supports 2D parameters whereas we found a parameter with size: \[3\] \(Muon takes weight matrices only; give biases to another optimizer\)$/);
    assert.equal(opt.state.length, 0);
    assert.deepEqual([...w.dataSync()], [1, 1, 1, 1, 1, 1]);
    tf.dispose([w, b, gw, gb]);
  });

  test("adjustedLr: √max(1, rows/cols) (original) or 0.2·√max(rows, cols) (match_rms_adamw)", () => {
    assert.equal(adjustedLr(0.02, "original", [16, 4]), 0.04);
    assert.equal(adjustedLr(0.02, "original", [4, 16]), 0.02);
    assert.equal(adjustedLr(0.5, "match_rms_adamw", [4, 9]), 0.5 * 0.2 * 3);
  });
});

describe("bfloat16 rounding", () => {
  test("matches the bit rounding, ties to even included, on both engines", () => {
    // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: even is 1. 1 + 3·2⁻⁸ is halfway between 1 + 2⁻⁷ and 1 + 2⁻⁶: even is 1 + 2⁻⁶.
    const special = [1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), 0.6, 0.8, 0, 3.4445, 1e-7, 65504, -2.7435];
    // 200,000 values over 9 decades; every third one made an exact tie (low 16 bits 0x8000), others next to one
    const u = new Uint32Array(Float32Array.from(normals(200_000, rng(7)), (z, i) => z * 10 ** ((i % 9) - 4)).buffer);
    u.forEach((b, i) => (u[i] = i % 3 === 0 ? ((b & 0xffff0000) | 0x8000) >>> 0 : i % 3 === 1 ? ((b & 0xffff0000) | (i % 2 ? 0x7fff : 0x8001)) >>> 0 : b));
    const xs = Float32Array.from([...special, ...new Float32Array(u.buffer)]);
    const want = Array.from(xs, bf16Bits);
    assert.equal(want[0], 1);
    assert.equal(want[1], 1 + 2 ** -6);
    assert.deepEqual(Array.from(bf16(new FloatVec(xs)).data), want);
    const t = tf.tensor1d(xs);
    const got = tf.tidy(() => Array.from(bf16(new TensorVec(t, new Scalars())).t.dataSync()));
    assert.deepEqual(got, want);
    t.dispose();
  });
});

/** Singular values of a small matrix: √eigenvalues of M Mᵀ by cyclic Jacobi, in float64. */
function singularValues(M: ArrayLike<number>, rows: number, cols: number): number[] {
  const G = Array.from({ length: rows }, (_, i) => Array.from({ length: rows }, (_, j) => {
    let s = 0;
    for (let k = 0; k < cols; k++) s += M[i * cols + k] * M[j * cols + k];
    return s;
  }));
  for (let sweep = 0; sweep < 50; sweep++) {
    for (let p = 0; p < rows; p++) {
      for (let q = p + 1; q < rows; q++) {
        if (Math.abs(G[p][q]) < 1e-15) continue;
        const θ = (G[q][q] - G[p][p]) / (2 * G[p][q]);
        const t = Math.sign(θ || 1) / (Math.abs(θ) + Math.sqrt(θ * θ + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < rows; k++) {
          const [gkp, gkq] = [G[k][p], G[k][q]];
          G[k][p] = c * gkp - s * gkq;
          G[k][q] = s * gkp + c * gkq;
        }
        for (let k = 0; k < rows; k++) {
          const [gpk, gqk] = [G[p][k], G[q][k]];
          G[p][k] = c * gpk - s * gqk;
          G[q][k] = s * gpk + c * gqk;
        }
      }
    }
  }
  return G.map((r, i) => Math.sqrt(Math.max(0, r[i]))).sort((a, b) => b - a);
}

describe("Newton–Schulz", () => {
  const o = resolve({});
  test("moves every singular value to what torch's quintic does to it, in (0.5, 1.5)", () => {
    // The iteration acts on each singular value alone: σ ← aσ + bσ³ + cσ⁵, from σ/‖G‖_F. In float64 that gives
    // the target; bfloat16 rounding adds noise of a few bfloat16 ulps (2⁻⁸ ≈ 0.004) per value.
    const [rows, cols] = [8, 20];
    const G = randomMatrix(rows, cols, 11);
    const before = singularValues(G, rows, cols);
    const norm = Math.hypot(...before);
    const [a, b, c] = o.ns_coefficients;
    const target = before.map((σ) => {
      let x = σ / norm;
      for (let k = 0; k < o.ns_steps; k++) x = a * x + b * x ** 3 + c * x ** 5;
      return x;
    });
    const after = singularValues(newtonSchulz(FloatMat.of(G, rows, cols), o).data, rows, cols);
    after.forEach((σ, i) => {
      assert.ok(σ > 0.5 && σ < 1.5, `σ${i} = ${σ} outside torch's (0.5, 1.5)`);
      assert.ok(Math.abs(σ - [...target].sort((x, y) => y - x)[i]) < 0.03, `σ${i} = ${σ}, the quintic gives ${target[i]}`);
    });
    // a spread of singular values before (a random matrix's) becomes a narrow one after
    assert.ok(before[0] / before[rows - 1] > 2);
    assert.ok(after[0] / after[rows - 1] < 1.7);
  });

  test("a tall matrix is orthogonalised through its transpose, exactly", () => {
    const G = randomMatrix(12, 5, 3);
    const tall = newtonSchulz(FloatMat.of(G, 12, 5), o);
    const wide = newtonSchulz(FloatMat.of(G, 12, 5).transpose(), o);
    assert.deepEqual(tall.shape, [12, 5]);
    assert.deepEqual(Array.from(tall.data), Array.from(wide.transpose().data));
  });

  test("a zero update stays zero (the norm is clamped at ε)", () => {
    assert.deepEqual(Array.from(newtonSchulz(FloatMat.of(new Float32Array(6), 2, 3), o).data), [0, 0, 0, 0, 0, 0]);
  });
});

test("two steps worked by hand (1 × 2 matrix, no Newton–Schulz iterations, so O = bfloat16(U/‖U‖))", () => {
  // lr 0.1, λ 0.1, μ 0.5, no Nesterov, ns_steps 0; θ₀ = [1, 1]; γ' = 0.1·√max(1, 1/2) = 0.1.
  // Step 1, g = [3, 4]: B = lerp(0, g, ½) = g − (g − 0)·½ = [1.5, 2]; ‖B‖ = 2.5; B/2.5 = [0.6, 0.8] → bfloat16
  // [0.6015625, 0.80078125] (0.6 = 1.0011001|1…·2⁻¹ rounds up, 0.8 = 1.1001100|11…·2⁻¹ rounds up).
  // θ₁ = 0.99·θ₀ − 0.1·O₁.
  // Step 2, g = [0, 1]: B = B − (B − g)·½ = [0.75, 1.5]; ‖B‖ = √2.8125 = 1.67705… → bfloat16 1.6796875;
  // B/‖B‖ = [0.4465116…, 0.8930232…] → bfloat16 [0.447265625, 0.89453125]. θ₂ = 0.99·θ₁ − 0.1·O₂.
  const f = Math.fround;
  const step = (θ: number[], O: number[]) => θ.map((x, i) => f(f(x * f(0.99)) - f(O[i] * f(0.1))));
  const θ1 = step([1, 1], [0.6015625, 0.80078125]);
  const θ2 = step(θ1, [0.447265625, 0.89453125]);
  const options = { lr: 0.1, weight_decay: 0.1, momentum: 0.5, nesterov: false, ns_steps: 0 };

  const p = { data: Float32Array.of(1, 1), rows: 1, cols: 2 };
  const opt = createFloatMuon(options);
  opt.step([p], [Float32Array.of(3, 4)]);
  assert.deepEqual([...p.data], θ1);
  assert.deepEqual([...opt.state[0].B], [1.5, 2]);
  opt.step([p], [Float32Array.of(0, 1)]);
  assert.deepEqual([...p.data], θ2);
  assert.deepEqual([...opt.state[0].B], [0.75, 1.5]);
  assert.equal(opt.state[0].step, 2);

  const w = tf.variable(tf.tensor2d([[1, 1]]));
  const topt = createMuon(options);
  for (const g of [[3, 4], [0, 1]]) {
    const gt = tf.tensor2d([g]);
    topt.step([w], [gt]);
    gt.dispose();
  }
  assert.deepEqual([...w.dataSync()], θ2);
  topt.dispose();
  w.dispose();
});

test("the tfjs and Float32 engines agree over 5 steps (a wide and a tall matrix), and tensors come back to baseline", () => {
  const shapes: [number, number][] = [[6, 10], [12, 5]];
  const init = shapes.map(([r, c], i) => randomMatrix(r, c, 20 + i));
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s)));
  const floats = shapes.map(([rows, cols], i) => ({ data: init[i].slice(), rows, cols }));
  const opt = createMuon({ lr: 0.05 });
  const fopt = createFloatMuon({ lr: 0.05 });
  const baseline = tf.memory().numTensors;
  let worst = 0;
  for (let t = 1; t <= 5; t++) {
    const grads = shapes.map(([r, c], i) => randomMatrix(r, c, 100 * t + i));
    const gt = grads.map((g, i) => tf.tensor(g, shapes[i]));
    opt.step(vars, gt);
    tf.dispose(gt);
    // after the first step the momentum buffers B exist, one per matrix; nothing else is kept
    assert.equal(tf.memory().numTensors, baseline + shapes.length, `tensors after step ${t}`);
    fopt.step(floats, grads);
    vars.forEach((v, i) => v.dataSync().forEach((x, k) => (worst = Math.max(worst, Math.abs(x - floats[i].data[k])))));
  }
  // tfjs's cpu matMul sums in float32, FloatMat in float64: the same bfloat16 result unless a sum sits on a
  // rounding boundary; then one entry of O moves by a bfloat16 ulp (≤ 2⁻⁸·|O|, × lr·√2 in θ). Measured here: identical.
  assert.ok(worst <= 0.05 * Math.SQRT2 * 2 ** -8 * 1.5, `engines differ by ${worst}`);
  opt.dispose();
  assert.equal(tf.memory().numTensors, baseline);
  tf.dispose(vars);
});

test("its equation renders and marks B, U, X, O and θ, each assigned in the update region", () => {
  const html = katex.renderToString(muon.tex, { displayMode: true, throwOnError: true, macros: { ...texMacros }, trust: (c) => c.command === "\\htmlData", strict: false });
  const code = extractRegions(readFileSync(join(import.meta.dirname, "../../lib/optimizers/muon.ts"), "utf8")).update;
  for (const key of ["B", "Umuon", "X", "O", "theta"]) {
    assert.match(html, new RegExp(`data-sym="${key}"`));
    assert.ok(new RegExp(`(^|\\s)(const |let )?${symbols[key].code} =`, "m").test(code), `${key} (${symbols[key].code}) is assigned`);
  }
  assert.equal(matrixOptimizers.muon, muon);
  assert.deepEqual(specialPresets.map((p) => p.key), ["muon", "lbfgs"]);
});

test("PyTorch export: Muon needs torch ≥ 2.9 (first line), gets the weight matrices only; valid Python", () => {
  const code = pytorchCode({ optimizer: { name: "muon", options: { lr: 0.02, adjust_lr_fn: "match_rms_adamw" } }, model: { kind: "linear", inputs: 64, outputs: 10, initSeed: 3 }, data: { name: "digits", epochs: 1 }, loss: "cross_entropy" });
  assert.equal(code.split("\n")[0], "# Needs torch >= 2.9 (torch.optim.Muon)");
  assert.match(code, /\("Muon", torch\.optim\.Muon, \{"lr": 0\.02, "adjust_lr_fn": "match_rms_adamw"\}\)/);
  assert.match(code, /optimizer = optimizer_class\(\[p for p in model\.parameters\(\) if p\.dim\(\) == 2\], \*\*options\)/);
  execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: code });
  assert.throws(() => pytorchCode({ optimizer: { name: "muon", options: {} }, objective: { expr: "(x ** 2).sum()", start: [1], steps: 1 } }), /weight matrices only/);
});
