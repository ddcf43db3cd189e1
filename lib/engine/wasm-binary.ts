/**
 * A minimal WebAssembly binary writer: just what our generated kernels need (one exported function over an
 * imported memory), and the tfjs wasm backend's memory they run over. The fused optimizer loops
 * (lib/optimizers/fused-wasm.ts) and the matMul (lib/engine/wasm-matmul.ts) are written with it.
 */
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

export const uleb = (x: number): number[] => {
  const out: number[] = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
};
const sleb = (x: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) return out.push(b), out;
    out.push(b | 0x80);
  }
};
export const f32bytes = (x: number): number[] => Array.from(new Uint8Array(Float32Array.of(x).buffer));
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const LOCAL_GET = 0x20, LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const get = (l: number): number[] => [LOCAL_GET, ...uleb(l)];
export const set = (l: number): number[] => [LOCAL_SET, ...uleb(l)];
export const i32 = (x: number): number[] => [0x41, ...sleb(x | 0)];
export const I = { add: 0x6a, and: 0x71, shl: 0x74, ltU: 0x49, geU: 0x4f };
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
export const S = { load: 0x00, load32Splat: 0x09, store: 0x0b, konst: 0x0c, splat: 0x13, lt: 0x43, gt: 0x44, and: 0x4e, or: 0x50, bitselect: 0x52, abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9 };
export const F = { load: 0x2a, store: 0x38, konst: 0x43, lt: 0x5d, gt: 0x5e, abs: 0x8b, neg: 0x8c, sqrt: 0x91, add: 0x92, sub: 0x93, mul: 0x94, div: 0x95, max: 0x97, select: 0x1b };
/** A memory immediate: alignment 2^2 (a hint only: tfjs's buffers are 4-byte aligned, not 16) and a byte offset. */
export const memarg = (offset = 0): number[] => [2, ...uleb(offset)];

/** `do body while (test)`: loop { body; br_if test }. */
export const doWhile = (body: number[], test: number[]): number[] => [0x03, 0x40, ...body, ...test, 0x0d, 0, 0x0b];

/** A module importing memory `e.m` and exporting `k`: one function with these parameter and local types. */
export function moduleOf(params: readonly number[], locals: readonly (readonly [count: number, type: number])[], code: readonly number[]): Uint8Array {
  const fn = [...vec(locals.filter(([count]) => count > 0).map(([count, type]) => [...uleb(count), type])), ...code];
  const type = [0x60, ...vec(params.map((p) => [p])), 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([type])),
    ...section(2, vec([[...str("e"), ...str("m"), 0x02, 0x00, 0x00]])), // memory, min 0 pages, no max
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str("k"), 0x00, 0]])),
    ...section(10, vec([[...uleb(fn.length), ...fn]])),
  ]);
}

/** Whether this engine runs WebAssembly SIMD (checked once, on a function that makes a v128 and drops it). */
let simdHere: boolean | undefined;
export function hasSimd(): boolean {
  if (simdHere === undefined) {
    try {
      simdHere = WebAssembly.validate(moduleOf([], [], [...simd(S.konst), ...Array(16).fill(0), 0x1a /* drop */, 0x0b]) as BufferSource);
    } catch {
      simdHere = false;
    }
  }
  return simdHere;
}

/** The parts of tfjs-backend-wasm's BackendWasm our kernels read. */
export interface WasmBackend {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { get(id: unknown): { memoryOffset?: number | null } | undefined };
  makeOutput?: (shape: number[], dtype: "float32") => { dataId: object; shape: number[]; dtype: "float32" };
}

/** The backend's memory, when our kernels can import it: not a threaded build's shared memory. */
export function backendMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  const memory = backend.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  if (typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer) return undefined;
  return memory;
}
