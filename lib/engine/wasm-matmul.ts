/**
 * matMul on the wasm backend without XNNPACK's weight packing.
 *
 * Why: tfjs-backend-wasm runs a plain matMul through XNNPACK's fully-connected operator, which packs (and
 * transposes) its right operand into an operator cached by that tensor's id. That pays for inference, where
 * the weights never change; in training every step makes new weights, and the backward pass multiplies by
 * tensors that are new each step anyway (dY, and Wᵀ), so every matMul of a step packed its right operand
 * first. Measured on the bench MLP (npm run bench, the "copy" kind: weights replaced by new tensors, no
 * arithmetic) that packing cost ~3 ms of CPU in a 12–15 ms step — more than Adam's fused update itself.
 *
 * Measured in Node (tfjs-backend-wasm 4.22, one thread, Dec 2026), 128×784·784×256: 7.6–9.8 ms on tfjs's kernel
 * with a new B, 3.4–3.7 ms with a B it has packed before, 2.9–3.1 ms here (17 GFLOP/s, against XNNPACK's 14
 * with its packing done); 1000×784·784×256 with a packed B: 30 ms there, 23–25 ms here.
 *
 * This kernel reads both operands where tfjs keeps them: a 4×8 block of C in eight f32x4 accumulators, over k
 * one step at a time (each a[i,k] splatted, each row of B loaded as two vectors). Its sums are XNNPACK's own:
 * every c[i,j] starts at 0 and adds round(a[i,k]·b[k,j]) for k = 0, 1, …, K−1 in turn, a multiply and an add
 * per term (WebAssembly SIMD has no fused multiply-add), so the two agree bit for bit
 * (tests/unit/wasm-matmul.test.ts compares them on every path: 4×8, 4×4 and single-column blocks, spare rows,
 * transposeA). A transposed A is read where it lies (its elements are splatted one at a time either way): ~9×
 * faster than tfjs's transposed path, but still slower than transposing first for the bench MLP's dW₁ = Xᵀ·dY
 * (784×128·128×256: 6.0 ms against 0.3 + 3.1 ms, Node, quiet machine), so the explicit-transpose gradient
 * (matmul-gradient.ts) stays. A transposed B is left to tfjs's kernel, as are batches, other dtypes, an empty K
 * and a shared (threaded) memory.
 */
import * as tf from "@tensorflow/tfjs-core";
import { backendMemory, doWhile, F, F32, get, hasSimd, I, I32, i32, memarg, moduleOf, S, set, simd, V128, type WasmBackend } from "./wasm-binary.js";

/** `(a, b, c)`: byte offsets of A, B and C in the backend's memory. */
export type MatMulKernel = (a: number, b: number, c: number) => void;

/** One matMul's shape: C (m×n) = op(A)·B, with op(A) m×k (A stored k×m when `transposeA`) and B k×n. */
export interface MatMulShape {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
}

/** The kernel's module for one shape (every stride is a constant, so offsets are immediates). */
export function matMulModule({ m: M, n: N, k: K, transposeA }: MatMulShape): Uint8Array {
  const sAi = transposeA ? 4 : 4 * K; // bytes from a[i,k] to a[i+1,k]
  const sAk = transposeA ? 4 * M : 4; // bytes from a[i,k] to a[i,k+1]
  const sB = 4 * N; // bytes from b[k,j] to b[k+1,j]; also C's row stride
  const [A, B, C] = [0, 1, 2];
  const [jb, ra, rc, raEnd, pa, pb, kEnd] = [3, 4, 5, 6, 7, 8, 9];
  const acc = (r: number, v: number) => 10 + 2 * r + v; // v128, 4 rows × 2 vectors
  const bv = (v: number) => 18 + v;
  const splat = 20;
  const facc = (r: number) => 21 + r; // f32, 4 rows
  const fb = 25;

  /** C[r0..r1) × [c0..c1) in blocks of R rows × W columns (W = 8, 4 or 1). */
  const blocks = (R: number, W: number, r0: number, r1: number, c0: number, c1: number): number[] => {
    if (r1 <= r0 || c1 <= c0) return [];
    const V = W === 1 ? 0 : W / 4; // vectors per row (none for the scalar column)
    const rows = Array.from({ length: R }, (_, r) => r);
    const vecs = Array.from({ length: V }, (_, v) => v);
    const zero = [...simd(S.konst), ...Array(16).fill(0)];
    const init = V ? rows.flatMap((r) => vecs.flatMap((v) => [...zero, ...set(acc(r, v))])) : rows.flatMap((r) => [F.konst, 0, 0, 0, 0, ...set(facc(r))]);
    const term = V
      ? [
          ...vecs.flatMap((v) => [...get(pb), ...simd(S.load), ...memarg(16 * v), ...set(bv(v))]),
          ...rows.flatMap((r) => [
            ...get(pa), ...simd(S.load32Splat), ...memarg(r * sAi), ...set(splat),
            ...vecs.flatMap((v) => [...get(acc(r, v)), ...get(splat), ...get(bv(v)), ...simd(S.mul), ...simd(S.add), ...set(acc(r, v))]),
          ]),
        ]
      : [
          ...get(pb), F.load, ...memarg(), ...set(fb),
          ...rows.flatMap((r) => [...get(facc(r)), ...get(pa), F.load, ...memarg(r * sAi), ...get(fb), F.mul, F.add, ...set(facc(r))]),
        ];
    const kLoop = doWhile(
      [...term, ...get(pa), ...i32(sAk), I.add, ...set(pa), ...get(pb), ...i32(sB), I.add, ...set(pb)],
      [...get(pb), ...get(kEnd), I.ltU],
    );
    const store = V
      ? rows.flatMap((r) => vecs.flatMap((v) => [...get(rc), ...get(acc(r, v)), ...simd(S.store), ...memarg(r * sB + 16 * v)]))
      : rows.flatMap((r) => [...get(rc), ...get(facc(r)), F.store, ...memarg(r * sB)]);
    const iLoop = doWhile(
      [
        ...get(ra), ...set(pa),
        ...get(B), ...get(jb), I.add, ...set(pb),
        ...get(pb), ...i32(K * sB), I.add, ...set(kEnd),
        ...init, ...kLoop, ...store,
        ...get(ra), ...i32(R * sAi), I.add, ...set(ra),
        ...get(rc), ...i32(R * sB), I.add, ...set(rc),
      ],
      [...get(ra), ...get(raEnd), I.ltU],
    );
    return [
      ...i32(4 * c0), ...set(jb),
      ...doWhile(
        [
          ...get(A), ...i32(r0 * sAi), I.add, ...set(ra),
          ...get(A), ...i32(r1 * sAi), I.add, ...set(raEnd),
          ...get(C), ...i32(r0 * sB), I.add, ...get(jb), I.add, ...set(rc),
          ...iLoop,
          ...get(jb), ...i32(4 * W), I.add, ...set(jb),
        ],
        [...get(jb), ...i32(4 * c1), I.ltU],
      ),
    ];
  };

  const m4 = M - (M % 4);
  const n8 = N - (N % 8);
  const n4 = N - (N % 4);
  const code: number[] = [];
  for (const [R, r0, r1] of [[4, 0, m4], [1, m4, M]]) {
    code.push(...blocks(R, 8, r0, r1, 0, n8), ...blocks(R, 4, r0, r1, n8, n4), ...blocks(R, 1, r0, r1, n4, N));
  }
  code.push(0x0b);
  return moduleOf([I32, I32, I32], [[7, I32], [11, V128], [5, F32]], code);
}

// Per memory (a re-created backend has a new one), per shape: the compiled kernel, or null where compiling fails.
const kernels = new WeakMap<WebAssembly.Memory, Map<string, MatMulKernel | null>>();

export function matMulKernel(shape: MatMulShape, memory: WebAssembly.Memory): MatMulKernel | undefined {
  let cache = kernels.get(memory);
  if (!cache) kernels.set(memory, (cache = new Map()));
  const key = `${shape.m},${shape.n},${shape.k},${shape.transposeA}`;
  let kernel = cache.get(key);
  if (kernel === undefined) {
    try {
      kernel = new WebAssembly.Instance(new WebAssembly.Module(matMulModule(shape) as BufferSource), { e: { m: memory } }).exports.k as MatMulKernel;
    } catch {
      kernel = null;
    }
    cache.set(key, kernel);
  }
  return kernel ?? undefined;
}

/** Our matMul for these inputs, or undefined where tfjs's kernel should run (see the header). */
export function wasmMatMul(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, backend: WasmBackend): tf.TensorInfo | undefined {
  if (transposeB || a.dtype !== "float32" || b.dtype !== "float32" || !hasSimd()) return undefined;
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const batch = (s: readonly number[]) => s.slice(0, -2).reduce((x, y) => x * y, 1);
  if (batch(a.shape) !== 1 || batch(b.shape) !== 1) return undefined;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = b.shape[rb - 1];
  if (k !== b.shape[rb - 2] || k === 0 || m === 0 || n === 0) return undefined;
  const memory = backendMemory(backend);
  if (!memory || !backend.dataIdMap || typeof backend.makeOutput !== "function") return undefined;
  const offset = (t: tf.TensorInfo) => backend.dataIdMap?.get(t.dataId)?.memoryOffset;
  const [oa, ob] = [offset(a), offset(b)];
  if (typeof oa !== "number" || typeof ob !== "number") return undefined;
  const kernel = matMulKernel({ m, n, k, transposeA }, memory);
  if (!kernel) return undefined;
  // Batch dimensions of size 1 broadcast to the longer of the two, as tfjs's output shape has them.
  const outer = Array(Math.max(ra, rb) - 2).fill(1);
  const out: tf.TensorInfo = backend.makeOutput([...outer, m, n], "float32");
  kernel(oa, ob, offset(out) as number);
  return out;
}

let installed: tf.KernelConfig | undefined;

/**
 * Run wasm's BatchMatMul through wasmMatMul where it applies, tfjs's kernel otherwise (global in tfjs;
 * idempotent). Call before or after the backend starts: the stock kernel's setup runs either way.
 */
export function useWasmMatMul(): void {
  if (installed) return;
  const stock = tf.getKernel(tf.BatchMatMul, "wasm");
  if (!stock) return;
  installed = stock;
  tf.unregisterKernel(tf.BatchMatMul, "wasm");
  tf.registerKernel({
    kernelName: tf.BatchMatMul,
    backendName: "wasm",
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as unknown as tf.BatchMatMulInputs;
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      return wasmMatMul(a as tf.TensorInfo, b as tf.TensorInfo, transposeA, transposeB, args.backend as WasmBackend) ?? stock.kernelFunc(args);
    },
  });
}

/** tfjs's own kernel again (the bench and the tests compare the two). */
export function useStockWasmMatMul(): void {
  if (!installed) return;
  tf.unregisterKernel(tf.BatchMatMul, "wasm");
  tf.registerKernel(installed);
  installed = undefined;
}
