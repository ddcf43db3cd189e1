/**
 * The fused update on the GPU backends: the same Trace the cpu/wasm loop is compiled from (engines.ts,
 * compileTrace), compiled instead to a WGSL compute shader (WebGPU, `runWebGPUProgram`) or a GLSL fragment
 * shader over packed textures (WebGL, `compileAndRun`). The rule is still written once; only the target of its trace changes.
 *
 * On WebGPU a parameter's whole step is ONE dispatch of our own compute pipeline that writes θ and every slot,
 * recorded into tfjs's open compute pass (runFusedOnWebGPU): Adam reads 4 buffers and writes 3 once, where op by
 * op it ran ~15 kernels. A tfjs program has a single output, so where we cannot drive the pass (WebGL; a rule
 * binding more storage buffers than a shader stage may, as AMSGrad's 9 > 8) the step is one tfjs program per
 * buffer written, each evaluating the whole trace and storing one node. Every output is a NEW tensor (never an
 * input's buffer: backends cache by buffer, and the step's reads would race its writes). The step's numbers
 * (lr, 1 − β₁ᵗ, …) are uniforms, so a shader is compiled once per rule and options and reused on every step.
 * Measured on SwiftShader's WebGPU (tests/browser/webgpu-fused.test.ts, Dec 2026): Adam alone on the bench
 * MLP's parameters 2.2–2.9× op by op in one dispatch, 1.5× as one program per buffer.
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

const traceKey = (trace: Trace) => `descent_fused_${trace.inputs}_${trace.consts.length}_${trace.ops.join("_")}`;
const key = (trace: Trace, output: number) => `${traceKey(trace)}_out${output}`;

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

/** The few WebGPU interfaces used here (the DOM's GPU types are not part of this project's TypeScript lib). */
interface GPUPipeline {
  getBindGroupLayout(index: number): unknown;
}
interface GPUPass {
  setPipeline(p: GPUPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
  end(): void;
}
interface GPUDevice {
  limits: { maxStorageBuffersPerShaderStage: number; maxComputeWorkgroupsPerDimension: number };
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GPUPipeline;
  createBindGroup(d: { layout: unknown; entries: { binding: number; resource: unknown }[] }): unknown;
}
type GPUBinding = { buffer: unknown };

/** The parts of tfjs-backend-webgpu's WebGPUBackend (4.x) the one-dispatch step drives. */
interface WebGPUInternals {
  device: GPUDevice;
  commandEncoder: { beginComputePass(d: object): GPUPass } | null;
  computePassEncoder: GPUPass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  activeTimers?: unknown;
  makeTensorInfo(shape: number[], dtype: "float32"): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: tf.TensorInfo): GPUBinding;
  makeUniforms(u: { type: string; data: number[] }[]): GPUBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const WORKGROUP = 64;

/** WGSL for the whole step: every output written by one invocation per element (bindings: outputs, inputs, uniforms). */
function webgpuStepShader(trace: Trace, outputs: readonly number[]): string {
  const nOut = outputs.length;
  const fields = ["n : u32,", "width : u32,", ...trace.consts.map((_, k) => `c${k} : f32,`)];
  return [
    `struct Uniforms { ${fields.join(" ")} };`,
    ...outputs.map((_, j) => `@group(0) @binding(${j}) var<storage, read_write> O${j} : array<f32>;`),
    ...Array.from({ length: trace.inputs }, (_, k) => `@group(0) @binding(${nOut + k}) var<storage, read> T${k} : array<f32>;`),
    `@group(0) @binding(${nOut + trace.inputs}) var<uniform> uniforms : Uniforms;`,
    // tfjs's own isnan (its shaders' header), which the max of the WGSL dialect calls
    "fn isnan(val : f32) -> bool { let floatToUint : u32 = bitcast<u32>(val); return (floatToUint & 0x7fffffffu) > 0x7f800000u; }",
    `@compute @workgroup_size(${WORKGROUP}, 1, 1)`,
    "fn main(@builtin(global_invocation_id) gid : vec3<u32>) {",
    "  let index = gid.y * uniforms.width + gid.x;",
    "  if (index < uniforms.n) {",
    ...body(trace, WGSL, (k) => `T${k}[index]`).map((l) => `    ${l}`),
    ...outputs.map((id, j) => `    O${j}[index] = v${id};`),
    "  }",
    "}",
  ].join("\n");
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUPipeline>>();

function webgpuStepPipeline(device: GPUDevice, trace: Trace, outputs: readonly number[]): GPUPipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const k = `${traceKey(trace)}_outs_${outputs.join("_")}`;
  let pipeline = cache.get(k);
  if (!pipeline) {
    pipeline = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: webgpuStepShader(trace, outputs) }), entryPoint: "main" } });
    cache.set(k, pipeline);
  }
  return pipeline;
}

let webgpuStepDispatches = 0;
/** How many one-dispatch steps have been recorded (the browser test counts them, so a silent fallback fails it). */
export const oneDispatchSteps = (): number => webgpuStepDispatches;

/**
 * The whole step of one parameter as ONE WebGPU dispatch writing every output, recorded into tfjs's own compute
 * pass (so it is ordered with tfjs's kernels and batched with them, as tfjs's recordAndSubmit does), into new
 * tensors tfjs allocates. Undefined where it does not apply (not tfjs-webgpu 4.x as we know it, more buffers
 * than a shader stage may bind, tfjs's profiler timing its kernels): the caller runs one program per output.
 */
function runFusedOnWebGPU(trace: Trace, outputs: readonly number[], consts: readonly number[], inputs: readonly tf.Tensor[]): tf.Tensor[] | undefined {
  const b = tf.backend() as unknown as WebGPUInternals;
  const drives = ["makeTensorInfo", "uploadToGPU", "tensorToBinding", "makeUniforms", "ensureCommandEncoderReady", "endComputePassEncoder", "submitQueue"] as const;
  if (!b.device || !(b.commandQueueOwnedIds instanceof WeakSet) || drives.some((f) => typeof b[f] !== "function") || b.activeTimers != null) return undefined;
  if (inputs.length + outputs.length > b.device.limits.maxStorageBuffersPerShaderStage) return undefined;
  const n = inputs[0].size;
  const groups = Math.ceil(n / WORKGROUP);
  const x = Math.min(groups, b.device.limits.maxComputeWorkgroupsPerDimension);
  const y = Math.ceil(groups / x);
  const pipeline = webgpuStepPipeline(b.device, trace, outputs);
  const shape = [...inputs[0].shape];
  const outs = outputs.map(() => b.makeTensorInfo(shape, "float32"));
  const bound = [...outs, ...inputs];
  for (const t of bound) b.uploadToGPU(t.dataId);
  const uniforms = b.makeUniforms([{ type: "uint32", data: [n] }, { type: "uint32", data: [x * WORKGROUP] }, ...consts.map((c) => ({ type: "float32", data: [c] }))]);
  const bindGroup = b.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...bound.map((t, i) => ({ binding: i, resource: b.tensorToBinding(t) })), { binding: bound.length, resource: uniforms }],
  });
  // As recordAndSubmit: the buffers stay alive until the queue is submitted, the dispatch joins the open pass.
  for (const t of bound) b.commandQueueOwnedIds.add(t.dataId);
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder!.beginComputePass({});
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(x, y, 1);
  webgpuStepDispatches++;
  if (tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE") as number <= ++b.dispatchCountInPass) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  return outs.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}

/**
 * One step of a traced rule on the active GPU backend: new tensors for the nodes `outputs`, computed from
 * `inputs` (θ, g and the slots, all of one shape) with the step's `consts`. On WebGPU one dispatch writes them
 * all (runFusedOnWebGPU); otherwise, and on WebGL, one program per output. Undefined when the backend or the
 * shapes do not fit (the caller runs the rule op by op). Call inside tf.tidy.
 */
export function runFusedOnGpu(trace: Trace, outputs: readonly number[], consts: readonly number[], inputs: readonly tf.Tensor[]): tf.Tensor[] | undefined {
  const gpu = activeGpuBackend();
  const shape = inputs[0]?.shape;
  if (!gpu || !shape || shape.length === 0 || inputs.length !== trace.inputs) return undefined;
  if (inputs.some((t) => t.dtype !== "float32" || t.size !== inputs[0].size || t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))) return undefined;
  if (gpu === "webgpu") {
    const once = runFusedOnWebGPU(trace, outputs, consts, inputs);
    if (once) return once;
  }
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
