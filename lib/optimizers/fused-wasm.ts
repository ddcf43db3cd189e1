/**
 * The fused update on the wasm backend: the same Trace the JS loop (engines.ts, compileTrace) and the GPU
 * shaders (fused-gpu.ts) are compiled from, compiled here to a WebAssembly function that runs over the tfjs
 * wasm backend's own memory — four elements at a time with SIMD (f32x4), the last n mod 4 one by one.
 *
 * Why not the JS loop: every op there is a double op rounded by `Math.fround`, and V8 does not vectorise it;
 * the bench MLP's Adam (270k parameters) cost as much as the ~84 tfjs kernels it replaced. Here each op is one
 * float32 instruction.
 *
 * Rounding: a float32 add, sub, mul, div or sqrt in WebAssembly is the IEEE float32 result, and so is
 * `Math.fround` of the same op in double (double has more than 2·24 + 2 bits, so rounding twice is innocuous):
 * the two loops agree bit for bit, NaN payloads aside (tests/unit/fused-wasm.test.ts). `max` propagates NaN and
 * orders −0 below +0 in both; the clamp bounds and sign are selects written as FloatVec writes them.
 *
 * Memory: the kernel imports the backend's WebAssembly.Memory, so it sees the tensors where tfjs keeps them
 * (each tensor's data at `memoryOffset`), and heap growth too. Outputs are NEW tensors (the wasm matMul caches
 * packed weights by tensor id: an in-place update would train on stale weights). A memory tfjs shares between
 * threads (its threaded build) is left to the JS loop.
 */
import * as tf from "@tensorflow/tfjs-core";
import { backendMemory, F, F32, f32bytes, get, hasSimd, I, I32, i32, LOCAL_TEE, memarg, moduleOf, S, set, simd, uleb, V128, type WasmBackend } from "../engine/wasm-binary.js";
import { TRACE_OP as OP, Trace } from "./engines.js";

/** `(n, input byte offsets…, output byte offsets…, consts…)`: writes outputs[j][i] after every read of element i, i < n. */
export type WasmKernel = (n: number, ...args: number[]) => void;

/**
 * The module for one trace and its outputs. Locals: the function's parameters (n, the input and output byte
 * offsets, the consts), then the loop's byte offset `o`, its two ends, and one local per node per loop (f32 for
 * the scalar tail, v128 for the SIMD body, plus the splatted consts).
 */
function moduleBytes(trace: Trace, outputs: readonly number[], withSimd: boolean): Uint8Array {
  const nIn = trace.inputs;
  const nOut = outputs.length;
  const nConst = trace.consts.length;
  const nodes = nIn + trace.ops.length / 4;
  const param = { n: 0, input: (k: number) => 1 + k, output: (j: number) => 1 + nIn + j, konst: (k: number) => 1 + nIn + nOut + k };
  const nParams = 1 + nIn + nOut + nConst;
  const o = nParams, end4 = nParams + 1, end = nParams + 2;
  const scalar = (id: number) => nParams + 3 + id;
  const vector = (id: number) => nParams + 3 + nodes + id;
  const splatted = (k: number) => nParams + 3 + 2 * nodes + k;

  /** One element-wise pass: `lane` is the SIMD or the scalar dialect. */
  const pass = (lane: "v" | "s", step: number, stop: number): number[] => {
    const node = lane === "v" ? vector : scalar;
    const konst = (k: number) => (lane === "v" ? get(splatted(k)) : get(param.konst(k)));
    const opc = (name: keyof typeof S & keyof typeof F) => (lane === "v" ? simd(S[name]) : [F[name]]);
    const number = (x: number) => (lane === "v" ? [...simd(S.konst), ...[0, 1, 2, 3].flatMap(() => f32bytes(x))] : [F.konst, ...f32bytes(x)]);
    // select(t, f, cond) with cond from a comparison: bitselect on lanes (all-ones masks), select on scalars.
    const choose = (t: number[], f: number[], cond: number[]) => [...t, ...f, ...cond, ...(lane === "v" ? simd(S.bitselect) : [F.select])];
    const body: number[] = [];
    for (let k = 0; k < nIn; k++) body.push(...get(param.input(k)), ...get(o), I.add, ...(lane === "v" ? simd(S.load) : [F.load]), ...memarg(), ...set(node(k)));
    const ops = trace.ops;
    for (let k = 0, id = nIn; k < ops.length; k += 4, id++) {
      const x = get(node(ops[k + 1]));
      const y = ops[k + 2] === 2 ? konst(ops[k + 3]) : ops[k + 2] === 1 ? get(node(ops[k + 3])) : [];
      let code: number[];
      switch (ops[k]) {
        case OP.ADD: code = [...x, ...y, ...opc("add")]; break;
        case OP.SUB: code = [...x, ...y, ...opc("sub")]; break;
        case OP.MUL: code = [...x, ...y, ...opc("mul")]; break;
        case OP.DIV: code = [...x, ...y, ...opc("div")]; break;
        case OP.NEG: code = [...x, ...opc("neg")]; break;
        case OP.SQRT: code = [...x, ...opc("sqrt")]; break;
        case OP.SQUARE: code = [...x, ...x, ...opc("mul")]; break;
        case OP.MAX: code = [...x, ...y, ...opc("max")]; break;
        case OP.ABS: code = [...x, ...opc("abs")]; break;
        // (x > 0 ? 1 : x < 0 ? −1 : 0), as FloatVec.sign: NaN and −0 give +0
        case OP.SIGN: code = choose(number(1), choose(number(-1), number(0), [...x, ...number(0), ...opc("lt")]), [...x, ...number(0), ...opc("gt")]); break;
        // x < lo ? lo : x and x > hi ? hi : x, as FloatVec.clamp (NaN stays NaN)
        case OP.AT_LEAST: code = choose(y, x, [...x, ...y, ...opc("lt")]); break;
        case OP.AT_MOST: code = choose(y, x, [...x, ...y, ...opc("gt")]); break;
        default: throw new Error(`Trace: unknown op ${ops[k]}`);
      }
      body.push(...code, ...set(node(id)));
    }
    outputs.forEach((id, j) => body.push(...get(param.output(j)), ...get(o), I.add, ...get(node(id)), ...(lane === "v" ? simd(S.store) : [F.store]), ...memarg()));
    // o += step; loop while o < stop (entered only when o < stop)
    body.push(...get(o), ...i32(step), I.add, LOCAL_TEE, ...uleb(o), ...get(stop), I.ltU, 0x0d, 0);
    return [0x02, 0x40, ...get(o), ...get(stop), I.geU, 0x0d, 0, 0x03, 0x40, ...body, 0x0b, 0x0b];
  };

  const code: number[] = [
    // end = 4n bytes; end4 = the bytes the SIMD loop covers (none without SIMD)
    ...get(param.n), ...i32(2), I.shl, ...set(end),
    ...(withSimd ? [...get(end), ...i32(-16), I.and, ...set(end4)] : []),
    ...(withSimd ? Array.from({ length: nConst }, (_, k) => [...get(param.konst(k)), ...simd(S.splat), ...set(splatted(k))]).flat() : []),
    ...(withSimd ? pass("v", 16, end4) : []),
    ...pass("s", 4, end),
    0x0b,
  ];
  const locals = [[3, I32], [nodes, F32], ...(withSimd ? [[nodes + nConst, V128]] : [])] as [number, number][];
  return moduleOf([...Array(1 + nIn + nOut).fill(I32), ...Array(nConst).fill(F32)], locals, code);
}

/**
 * Compiles a trace into a WebAssembly function over `memory` whose outputs are the nodes `outputs`, as
 * compileTrace does for JS. An output may be one of the inputs (in place): element i is read before it is written.
 * `simd: false` builds the scalar loop only (engines without WebAssembly SIMD; and the tests, to cover it).
 */
export function compileTraceToWasm(trace: Trace, outputs: readonly number[], memory: WebAssembly.Memory, { simd = hasSimd() }: { simd?: boolean } = {}): WasmKernel {
  const module = new WebAssembly.Module(moduleBytes(trace, outputs, simd) as BufferSource);
  return new WebAssembly.Instance(module, { e: { m: memory } }).exports.k as WasmKernel;
}

/** The wasm backend's memory, if it is the active backend and its memory is one we can import. */
function activeMemory(): WebAssembly.Memory | undefined {
  return tf.getBackend() === "wasm" ? backendMemory(tf.backend() as unknown as WasmBackend) : undefined;
}

// Per compiler (tests pass their own), per memory (a re-created backend has a new one), per trace and outputs:
// the compiled kernel, or null when it cannot be built here (WebAssembly compilation refused).
const kernels = new WeakMap<typeof compileTraceToWasm, WeakMap<WebAssembly.Memory, Map<string, WasmKernel | null>>>();

function kernelFor(compile: typeof compileTraceToWasm, memory: WebAssembly.Memory, trace: Trace, outputs: readonly number[]): WasmKernel | undefined {
  let byMemory = kernels.get(compile);
  if (!byMemory) kernels.set(compile, (byMemory = new WeakMap()));
  let cache = byMemory.get(memory);
  if (!cache) byMemory.set(memory, (cache = new Map()));
  const key = `${trace.inputs}|${trace.consts.length}|${trace.ops}|${outputs}`;
  let kernel = cache.get(key);
  if (kernel === undefined) {
    try {
      kernel = compile(trace, outputs, memory);
    } catch {
      kernel = null;
    }
    cache.set(key, kernel);
  }
  return kernel ?? undefined;
}

/**
 * One step of a traced rule on the wasm backend: new tensors for the nodes `outputs`, computed from `inputs`
 * (θ, g and the slots, all of θ's size) with the step's `consts`. Undefined when the backend, the memory or the
 * inputs do not fit (the caller takes another path); nothing is allocated then. Call inside tf.tidy.
 */
export function runFusedOnWasm(trace: Trace, outputs: readonly number[], consts: readonly number[], inputs: readonly tf.Tensor[], compile: typeof compileTraceToWasm = compileTraceToWasm): tf.Tensor[] | undefined {
  const memory = activeMemory();
  const n = inputs[0]?.size;
  if (!memory || n === undefined || inputs.length !== trace.inputs || inputs.some((t) => t.dtype !== "float32" || t.size !== n)) return undefined;
  const backend = tf.backend() as unknown as WasmBackend;
  if (!backend.dataIdMap || typeof backend.makeOutput !== "function") return undefined;
  const offset = (t: tf.TensorInfo) => backend.dataIdMap?.get(t.dataId)?.memoryOffset;
  const ins = inputs.map(offset);
  if (ins.some((x) => typeof x !== "number")) return undefined;
  const kernel = kernelFor(compile, memory, trace, outputs);
  if (!kernel) return undefined;
  const shape = [...inputs[0].shape];
  const outs = outputs.map(() => tf.engine().makeTensorFromTensorInfo(backend.makeOutput!(shape, "float32")));
  kernel(n, ...(ins as number[]), ...outs.map((t) => offset(t) as number), ...consts);
  return outs;
}
