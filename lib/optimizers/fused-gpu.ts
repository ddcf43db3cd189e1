/**
 * The fused update on the GPU backends: the same Trace the cpu/wasm loop is compiled from (engines.ts,
 * compileTrace), compiled instead to a WGSL compute shader (WebGPU, `runWebGPUProgram`) or a GLSL fragment
 * shader over packed textures (WebGL, `compileAndRun`). The rule is still written once; only the target of its trace changes.
 *
 * tfjs programs have a single output, so a parameter's step is one program per buffer it writes (θ and each
 * slot), each evaluating the whole trace element-wise and storing one of its nodes: Adam is 3 dispatches per
 * parameter instead of ~15. Every output is a NEW tensor (never an input's buffer: backends cache by buffer,
 * and the step's reads would race its writes). The step's numbers (lr, 1 − β₁ᵗ, …) are uniforms, so a shader
 * is compiled once per rule and options and reused on every step.
 *
 * Rounding: each op is one float32 GPU op, as in tfjs's own kernels, which round every result to float32 too;
 * a shader compiler may still contract a·b + c into a fused multiply-add, so the fused step equals the
 * op-by-op one to float32 rounding, not necessarily bit for bit (tests/browser/webgpu-fused.test.ts; on
 * SwiftShader's WebGPU and WebGL it measured bit for bit over 10 optimizer cases × 25 steps).
 * Division follows each backend's RealDiv (WebGL returns exactly 1 for a / a, as tfjs does) and maximum
 * propagates NaN as tf.maximum does.
 */
import * as tf from "@tensorflow/tfjs-core";
import { TRACE_OP as OP, type Trace } from "./engines.js";

export type GpuBackendName = "webgpu" | "webgl";

/** The GPU backend active now, if it can run our programs. */
export function activeGpuBackend(): GpuBackendName | undefined {
  const name = tf.getBackend();
  const b = tf.backend() as unknown as Record<string, unknown>;
  if (name === "webgpu" && typeof b.runWebGPUProgram === "function") return "webgpu";
  if (name === "webgl" && typeof b.compileAndRun === "function") return "webgl";
  return undefined;
}

type Dialect = { node: (id: number) => string; konst: (k: number) => string; op: (op: number, x: string, y: string) => string; decl: (id: number, src: string) => string };

const common = (op: number, x: string, y: string): string | undefined => {
  switch (op) {
    case OP.ADD: return `(${x} + ${y})`;
    case OP.SUB: return `(${x} - ${y})`;
    case OP.MUL: return `(${x} * ${y})`;
    case OP.NEG: return `(-${x})`;
    case OP.SQRT: return `sqrt(${x})`;
    case OP.SQUARE: return `(${x} * ${x})`;
    case OP.ABS: return `abs(${x})`;
    case OP.SIGN: return `sign(${x})`;
    default: return undefined;
  }
};

const unknown = (op: number): never => {
  throw new Error(`Trace: unknown op ${op}`);
};

const WGSL: Dialect = {
  node: (id) => `v${id}`,
  konst: (k) => `uniforms.c${k}`,
  decl: (id, src) => `let v${id} : f32 = ${src};`,
  op: (op, x, y) =>
    common(op, x, y) ??
    (op === OP.DIV ? `(${x} / ${y})`
    // tf.maximum on WebGPU: NaN in either operand gives NaN (isnan is tfjs's helper in every shader)
    : op === OP.MAX ? `select(select(max(${x}, ${y}), ${y}, isnan(${y})), ${x}, isnan(${x}))`
    // select(f, t, cond); NaN fails both comparisons and stays NaN, as in FloatVec.clamp
    : op === OP.AT_LEAST ? `select(${x}, ${y}, ${x} < ${y})`
    : op === OP.AT_MOST ? `select(${x}, ${y}, ${x} > ${y})`
    : unknown(op)),
};

// Packed, as tfjs-webgl's own element-wise kernels are (WEBGL_PACK_*): four elements per fragment, in vec4s.
const GLSL: Dialect = {
  node: (id) => `v${id}`,
  konst: (k) => `vec4(c[${k}])`,
  decl: (id, src) => `vec4 v${id} = ${src};`,
  op: (op, x, y) =>
    common(op, x, y) ??
    (op === OP.DIV ? `fusedDiv(${x}, ${y})`
    : op === OP.MAX ? `fusedMax(${x}, ${y})`
    : op === OP.AT_LEAST ? `fusedAtLeast(${x}, ${y})`
    : op === OP.AT_MOST ? `fusedAtMost(${x}, ${y})`
    : unknown(op)),
};

/** Per component: tfjs-webgl's packed RealDiv (exactly 1 for a / a), NaN-propagating max, the clamp bounds. */
const GLSL_HELPERS = `
vec4 fusedDiv(vec4 a, vec4 b) {
  vec4 r = a / b;
  if (a.x == b.x) r.x = 1.0;
  if (a.y == b.y) r.y = 1.0;
  if (a.z == b.z) r.z = 1.0;
  if (a.w == b.w) r.w = 1.0;
  return r;
}
float fusedMax1(float a, float b) { return isnan(a) ? a : isnan(b) ? b : max(a, b); }
vec4 fusedMax(vec4 a, vec4 b) { return vec4(fusedMax1(a.x, b.x), fusedMax1(a.y, b.y), fusedMax1(a.z, b.z), fusedMax1(a.w, b.w)); }
vec4 fusedAtLeast(vec4 x, vec4 y) { return vec4(x.x < y.x ? y.x : x.x, x.y < y.y ? y.y : x.y, x.z < y.z ? y.z : x.z, x.w < y.w ? y.w : x.w); }
vec4 fusedAtMost(vec4 x, vec4 y) { return vec4(x.x > y.x ? y.x : x.x, x.y > y.y ? y.y : x.y, x.z > y.z ? y.z : x.z, x.w > y.w ? y.w : x.w); }
`;

/** The trace's nodes as declarations, inputs `read(k)` first. */
function body(trace: Trace, d: Dialect, read: (k: number) => string): string[] {
  const lines: string[] = [];
  for (let k = 0; k < trace.inputs; k++) lines.push(d.decl(k, read(k)));
  const ops = trace.ops;
  for (let k = 0, id = trace.inputs; k < ops.length; k += 4, id++) {
    const x = d.node(ops[k + 1]);
    const y = ops[k + 2] === 2 ? d.konst(ops[k + 3]) : ops[k + 2] === 1 ? d.node(ops[k + 3]) : "";
    lines.push(d.decl(id, d.op(ops[k], x, y)));
  }
  return lines;
}

const key = (trace: Trace, output: number) => `descent_fused_${trace.inputs}_${trace.consts.length}_${trace.ops.join("_")}_out${output}`;

function webgpuProgram(trace: Trace, output: number, shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const names = Array.from({ length: trace.inputs }, (_, k) => `T${k}`);
  const workgroup = 64;
  return {
    variableNames: names,
    outputShape: shape,
    shaderKey: key(trace, output),
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(n / workgroup), 1, 1] as [number, number, number],
    workgroupSize: [workgroup, 1, 1] as [number, number, number],
    size: true,
    uniforms: trace.consts.length > 0 ? trace.consts.map((_, k) => `c${k} : f32,`).join(" ") : undefined,
    getUserCode: () =>
      [
        "fn main(index : i32) {",
        "  if (index < uniforms.size) {",
        ...body(trace, WGSL, (k) => `${names[k]}[index]`).map((l) => `    ${l}`),
        `    setOutputAtIndex(index, v${output});`,
        "  }",
        "}",
      ].join("\n"),
  };
}

function webglProgram(trace: Trace, output: number, shape: number[]) {
  const names = Array.from({ length: trace.inputs }, (_, k) => `T${k}`);
  return {
    variableNames: names,
    outputShape: shape,
    customUniforms: trace.consts.length > 0 ? [{ name: "c", arrayIndex: trace.consts.length, type: "float" as const }] : undefined,
    packedInputs: true,
    packedOutput: true,
    userCode: ["// descent fused", GLSL_HELPERS, "void main() {", ...body(trace, GLSL, (k) => `get${names[k]}AtOutCoords()`).map((l) => `  ${l}`), `  setOutput(v${output});`, "}"].join("\n"),
  };
}

/**
 * One step of a traced rule on the active GPU backend: new tensors for the nodes `outputs`, computed from
 * `inputs` (θ, g and the slots, all of one shape) with the step's `consts`. Undefined when the backend or the
 * shapes do not fit (the caller runs the rule op by op). Call inside tf.tidy.
 */
export function runFusedOnGpu(trace: Trace, outputs: readonly number[], consts: readonly number[], inputs: readonly tf.Tensor[]): tf.Tensor[] | undefined {
  const gpu = activeGpuBackend();
  const shape = inputs[0]?.shape;
  if (!gpu || !shape || shape.length === 0 || inputs.length !== trace.inputs) return undefined;
  if (inputs.some((t) => t.dtype !== "float32" || t.size !== inputs[0].size || t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))) return undefined;
  const backend = tf.backend() as unknown as {
    runWebGPUProgram(p: unknown, inputs: tf.TensorInfo[], dtype: "float32", uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
    compileAndRun(p: unknown, inputs: tf.TensorInfo[], dtype: "float32", uniforms?: number[][]): tf.TensorInfo;
  };
  return outputs.map((id) => {
    const info =
      gpu === "webgpu"
        ? backend.runWebGPUProgram(webgpuProgram(trace, id, [...shape]), [...inputs], "float32", consts.map((c) => ({ type: "float32", data: [c] })))
        : backend.compileAndRun(webglProgram(trace, id, [...shape]), [...inputs], "float32", consts.length > 0 ? [[...consts]] : undefined);
    return tf.engine().makeTensorFromTensorInfo(info);
  });
}
