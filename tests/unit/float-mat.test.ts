/**
 * FloatMat, the Float32 engine's matrix (Muon's), is a Vec too: its element-wise ops are FloatVec's on the same
 * values, so any rule gets the same float32 numbers from either. Muon uses only a few of them; this checks the
 * rest, which no optimizer test reaches, bit for bit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FloatMat, FloatVec } from "../../lib/optimizers/index.js";

const a = Float32Array.of(-2.5, -0, 0, 0.1, 3, NaN);
const b = Float32Array.of(1.5, 2, -3, 0.3, -0.7, 4);
const mat = (x: Float32Array) => FloatMat.of(x.slice(), 2, 3);
const vec = (x: Float32Array) => new FloatVec(x.slice(), undefined, [2, 3]);

const same = (got: FloatMat, want: FloatVec, what: string, rows = 2, cols = 3) => {
  assert.deepEqual([got.rows, got.cols], [rows, cols], `${what}: shape`);
  assert.deepEqual(Array.from(got.data), Array.from(want.data), what);
};

test("unary ops are FloatVec's on the same values", () => {
  same(mat(a).abs(), vec(a).abs(), "abs");
  same(mat(a).sign(), vec(a).sign(), "sign");
  same(mat(a).clamp(-1, 1), vec(a).clamp(-1, 1), "clamp");
  same(mat(a).neg(), vec(a).neg(), "neg");
  same(mat(b).sqrt(), vec(b).sqrt(), "sqrt");
  same(mat(a).square(), vec(a).square(), "square");
});

test("binary ops take a number, a 1 × 1 matrix (as its number) or a same-shaped matrix", () => {
  const one = FloatMat.of(Float32Array.of(0.3), 1, 1);
  for (const op of ["add", "sub", "mul", "div"] as const) {
    same(mat(a)[op](mat(b)), vec(a)[op](vec(b)), `${op} matrix`);
    same(mat(a)[op](0.3), vec(a)[op](0.3), `${op} number`);
    same(mat(a)[op](one), vec(a)[op](Math.fround(0.3)), `${op} 1 × 1`);
  }
  same(mat(a).maximum(mat(b)), vec(a).maximum(vec(b)), "maximum");
  same(mat(a).maximum(one), new FloatVec(a.slice()).maximum(FloatVec.fill(6, Math.fround(0.3))), "maximum 1 × 1");
  same(mat(a).bySign(mat(b), 0, -1), vec(a).bySign(vec(b), 0, -1), "bySign");
  assert.throws(() => mat(a).add(FloatMat.of(new Float32Array(6), 3, 2)), /FloatMat: 2 × 3 vs 3 × 2/);
});

test("mean over all values, columns (axis 0) or rows (axis 1)", () => {
  same(mat(b).mean(), vec(b).mean(), "mean", 1, 1);
  same(mat(b).mean(0), vec(b).mean(0), "mean(0)", 1, 3);
  same(mat(b).mean(1), vec(b).mean(1), "mean(1)", 2, 1);
});
