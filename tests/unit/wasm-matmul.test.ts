/**
 * Our wasm matMul (lib/engine/wasm-matmul.ts):
 *  - on a plain memory, every block path (4×8, 4×4, single columns, spare rows) and transposeA computes the
 *    sequential float32 sum Σₖ round(a·b) that a JS loop computes, bit for bit, specials included, and writes
 *    nothing outside C;
 *  - installed on the tfjs wasm backend: equal bit for bit to tfjs's own kernel (XNNPACK) on every path, a
 *    transposed A equal to XNNPACK on the transposed tensor; the cases it leaves to tfjs are tfjs's;
 *  - the bench MLP trains to the same losses with and without it; nothing leaks; install and uninstall restore
 *    tfjs's kernel.
 */
import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { benchMLP } from "../../lib/engine/bench.js";
import { matMulKernel, useStockWasmMatMul, useWasmMatMul, wasmMatMul, type MatMulShape } from "../../lib/engine/wasm-matmul.js";
import { normals, rng } from "../../lib/random.js";
import { useWasmBackend } from "../helpers/wasm.js";

useWasmBackend();

/** Equal as float32 bit patterns, except that any NaN equals any NaN. */
function sameFloats(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue;
    if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** C = op(A)·B as the sum the kernel promises: from 0, one rounded product after another, k in order. */
function reference({ m, n, k, transposeA }: MatMulShape, a: Float32Array, b: Float32Array): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s = Math.fround(s + Math.fround((transposeA ? a[q * m + i] : a[i * k + q]) * b[q * n + j]));
      c[i * n + j] = s;
    }
  }
  return c;
}

// Every path: N multiple of 8, with a 4-column block, with single columns, both; M multiple of 4 and not; K = 1.
const SHAPES: [m: number, n: number, k: number][] = [[8, 16, 5], [4, 12, 3], [5, 13, 7], [3, 3, 2], [1, 1, 1], [6, 9, 1], [9, 4, 11], [12, 23, 17], [2, 8, 64]];

describe("the kernel on a plain memory", () => {
  const specials = [NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-40, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1, 0.1];
  for (const [m, n, k] of SHAPES) {
    for (const transposeA of [false, true]) {
      test(`${m}×${k}·${k}×${n}${transposeA ? ", transposeA" : ""}: the sequential float32 sum, nothing written outside C`, () => {
        const shape = { m, n, k, transposeA };
        const random = rng(m * 1000 + n * 10 + k);
        const a = Float32Array.from(normals(m * k, random));
        const b = Float32Array.from(normals(k * n, random));
        // Salt both operands with specials (NaN, ±∞, ±0, subnormals, the extremes), where there is room.
        specials.forEach((x, i) => {
          if (i < a.length && i % 2 === 0) a[(i * 7) % a.length] = x;
          if (i < b.length && i % 2 === 1) b[(i * 5) % b.length] = x;
        });
        const memory = new WebAssembly.Memory({ initial: 1 });
        // Offsets 4 bytes past a 16-byte boundary, as tfjs's allocations may be; C fenced by guards.
        const [oa, ob, oc] = [20, 20 + 4 * (a.length + 4), 20 + 4 * (a.length + b.length + 12)];
        const heap = new Float32Array(memory.buffer);
        heap.set(a, oa / 4);
        heap.set(b, ob / 4);
        heap.fill(-7, oc / 4 - 4, oc / 4 + m * n + 4);
        const kernel = matMulKernel(shape, memory);
        assert.ok(kernel, "compiles here");
        kernel(oa, ob, oc);
        sameFloats(heap.slice(oc / 4, oc / 4 + m * n), reference(shape, a, b), "C");
        for (const at of [oc / 4 - 4, oc / 4 - 1, oc / 4 + m * n, oc / 4 + m * n + 3]) assert.equal(heap[at], -7, `guard at ${at}`);
        sameFloats(heap.slice(oa / 4, oa / 4 + a.length), a, "A unchanged");
        sameFloats(heap.slice(ob / 4, ob / 4 + b.length), b, "B unchanged");
      });
    }
  }
});

/** `f` run on tfjs's own kernel, ours installed again once it settles. */
async function stock<T>(f: () => T | Promise<T>): Promise<T> {
  useStockWasmMatMul();
  try {
    return await f();
  } finally {
    useWasmMatMul();
  }
}

describe("installed on the wasm backend", () => {
  const big: [number, number, number][] = [[128, 256, 784], [128, 10, 256], [33, 70, 129]];
  for (const [m, n, k] of [...SHAPES, ...big]) {
    test(`${m}×${k}·${k}×${n}: bit for bit tfjs's XNNPACK kernel, and so with transposeA on the transposed tensor`, async () => {
      const random = rng(m + n + k);
      const a = tf.tensor2d(normals(m * k, random), [m, k]);
      const b = tf.tensor2d(normals(k * n, random), [k, n]);
      const at = tf.transpose(a);
      const before = tf.memory().numTensors;
      const ours = tf.matMul(a, b);
      const oursT = tf.matMul(at, b, true, false);
      const theirs = await stock(() => tf.matMul(a, b));
      assert.deepEqual(ours.shape, [m, n]);
      sameFloats(ours.dataSync(), theirs.dataSync(), "plain");
      sameFloats(oursT.dataSync(), theirs.dataSync(), "transposeA");
      tf.dispose([ours, oursT, theirs]);
      assert.equal(tf.memory().numTensors, before, "no tensor left behind");
      tf.dispose([a, b, at]);
    });
  }

  test("batch dimensions of size 1 keep tfjs's output shape; what it does not take is tfjs's", async () => {
    const random = rng(5);
    const a3 = tf.tensor3d(normals(6 * 5, random), [1, 6, 5]);
    const b2 = tf.tensor2d(normals(5 * 9, random), [5, 9]);
    const ours = tf.matMul(a3, b2);
    const theirs = await stock(() => tf.matMul(a3, b2));
    assert.deepEqual(ours.shape, theirs.shape);
    sameFloats(ours.dataSync(), theirs.dataSync(), "[1,6,5]·[5,9]");
    const backend = tf.backend() as never;
    const batched = tf.tensor3d(normals(2 * 6 * 5, random), [2, 6, 5]);
    const bT = tf.transpose(b2);
    const ints = tf.tensor2d([1, 2, 3, 4], [2, 2], "int32");
    assert.equal(wasmMatMul(batched, b2, false, false, backend), undefined, "a batch of 2");
    assert.equal(wasmMatMul(a3, bT, false, true, backend), undefined, "transposeB");
    assert.equal(wasmMatMul(ints, ints, false, false, backend), undefined, "int32");
    assert.equal(wasmMatMul(tf.zeros([3, 0]), tf.zeros([0, 4]), false, false, backend), undefined, "empty K");
    // Through tf.matMul they still run, on tfjs's kernel.
    sameFloats(tf.matMul(batched, b2).dataSync(), (await stock(() => tf.matMul(batched, b2))).dataSync(), "batch of 2");
    sameFloats(tf.matMul(a3, bT, false, true).dataSync(), (await stock(() => tf.matMul(a3, bT, false, true))).dataSync(), "transposeB");
  });

  test("the bench MLP trains to the same losses with tfjs's matMul and with ours", async () => {
    const theirs = await stock(() => benchMLP({ steps: 10, warmup: 5 }));
    const ours = await benchMLP({ steps: 10, warmup: 5 });
    assert.deepEqual([...ours.warmupLosses, ...ours.losses], [...theirs.warmupLosses, ...theirs.losses]);
    assert.equal(ours.tensorsAtEnd, ours.tensorsAfterWarmup, "no tensor leaks per step");
  });

  test("install and uninstall are idempotent and put tfjs's kernel back", () => {
    useWasmMatMul();
    const ours = tf.getKernel(tf.BatchMatMul, "wasm");
    useWasmMatMul();
    assert.equal(tf.getKernel(tf.BatchMatMul, "wasm"), ours, "a second install changes nothing");
    useStockWasmMatMul();
    const stockKernel = tf.getKernel(tf.BatchMatMul, "wasm");
    assert.notEqual(stockKernel, ours);
    useStockWasmMatMul();
    assert.equal(tf.getKernel(tf.BatchMatMul, "wasm"), stockKernel);
    useWasmMatMul();
    assert.equal(tf.getKernel(tf.BatchMatMul, "wasm")?.setupFunc, stockKernel?.setupFunc, "tfjs's setup still runs");
  });
});
