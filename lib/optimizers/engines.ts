/**
 * The two engines that run an update rule. Both implement `Vec` (types.ts), so each rule is written once.
 *
 * - `TensorVec` wraps a tf.Tensor and maps every op to tfjs's functional ops (tf.add, tf.mul, …). Chained ops
 *   (`tensor.add(…)`) are not registered in tfjs-core's Node bundle, so they are never used here.
 * - `FloatVec` wraps a Float32Array for the small-model fast path: plain loops, a new array per op, values
 *   rounded to float32 on store — the same arithmetic tfjs's cpu backend does, element by element. Given a
 *   `FloatArena`, its ops take their output arrays from the arena instead of allocating (createFloatOptimizer
 *   does this: a per-sample step of Adam makes ~14 temporaries per parameter, and allocating them cost more
 *   than the arithmetic).
 */
import * as tf from "@tensorflow/tfjs-core";
import type { MatVec, Vec } from "./types.js";

/**
 * Scalar tensors for the numbers a step uses (β₁, 1 − β₁, lr, …), each created once per step and shared by
 * every parameter, instead of one conversion per op per parameter. Create it inside the step's `tf.tidy`,
 * which disposes the scalars when the step ends.
 */
export class Scalars {
  private readonly cache = new Map<number, tf.Scalar>();
  get(x: number): tf.Scalar {
    let s = this.cache.get(x);
    if (s === undefined) this.cache.set(x, (s = tf.scalar(x, "float32")));
    return s;
  }
}

/** A tf.Tensor as a `Vec` (and, for Muon, a `MatVec`). Every op returns a new tensor; call inside `tf.tidy`. */
export class TensorVec implements Vec<TensorVec>, MatVec<TensorVec> {
  constructor(
    readonly t: tf.Tensor,
    private readonly scalars: Scalars,
  ) {}
  private of(b: TensorVec | number): tf.Tensor {
    return typeof b === "number" ? this.scalars.get(b) : b.t;
  }
  private wrap(t: tf.Tensor): TensorVec {
    return new TensorVec(t, this.scalars);
  }
  add(b: TensorVec | number): TensorVec {
    return this.wrap(tf.add(this.t, this.of(b)));
  }
  sub(b: TensorVec | number): TensorVec {
    return this.wrap(tf.sub(this.t, this.of(b)));
  }
  mul(b: TensorVec | number): TensorVec {
    return this.wrap(tf.mul(this.t, this.of(b)));
  }
  div(b: TensorVec | number): TensorVec {
    return this.wrap(tf.div(this.t, this.of(b)));
  }
  neg(): TensorVec {
    return this.wrap(tf.neg(this.t));
  }
  sqrt(): TensorVec {
    return this.wrap(tf.sqrt(this.t));
  }
  square(): TensorVec {
    return this.wrap(tf.square(this.t));
  }
  maximum(b: TensorVec): TensorVec {
    return this.wrap(tf.maximum(this.t, b.t));
  }

  // ---- issue-15 ops (NAdam … Adafactor): begin ----
  get shape(): readonly number[] {
    return this.t.shape;
  }
  abs(): TensorVec {
    return this.wrap(tf.abs(this.t));
  }
  sign(): TensorVec {
    // Not tf.sign: tfjs-backend-wasm's Sign returns 0 for small |x| (measured: sign(1.1e-7) = 0, sign(1e-6) = 1),
    // which held Rprop's weights with tiny gradients still on wasm (tests/unit/fused-wasm.test.ts). (x > 0) − (x < 0) is the sign everywhere, as FloatVec computes it.
    const positive = tf.cast(tf.greater(this.t, 0), "float32");
    const negative = tf.cast(tf.less(this.t, 0), "float32");
    return this.wrap(tf.sub(positive, negative));
  }
  clamp(min: number, max: number): TensorVec {
    return this.wrap(tf.clipByValue(this.t, min, max));
  }
  bySign(positive: TensorVec | number, zero: TensorVec | number, negative: TensorVec | number): TensorVec {
    const otherwise = tf.where(tf.less(this.t, 0), this.of(negative), this.of(zero));
    return this.wrap(tf.where(tf.greater(this.t, 0), this.of(positive), otherwise));
  }
  mean(axis?: number): TensorVec {
    return this.wrap(axis === undefined ? tf.mean(this.t) : tf.mean(this.t, axis, true));
  }
  // ---- issue-15 ops: end ----
  // #region matrix-ops-tensor (Muon)
  matMul(b: TensorVec, transposeB = false): TensorVec {
    // Explicit transpose + plain matMul: wasm's transposed matMul is a scalar slow path (notes/platform.md).
    return this.wrap(tf.matMul(this.t as tf.Tensor2D, (transposeB ? tf.transpose(b.t) : b.t) as tf.Tensor2D));
  }
  transpose(): TensorVec {
    return this.wrap(tf.transpose(this.t));
  }
  frobeniusNorm(): TensorVec {
    return this.wrap(tf.reshape(tf.sqrt(tf.sum(tf.square(this.t))), [1, 1]));
  }
  // #endregion matrix-ops-tensor
}

/**
 * Scratch Float32Arrays for FloatVec ops, recycled between steps. `take(n)` hands out an array of length n that
 * no one else holds until the next `reset()`; after `reset()` every array may be handed out again, so results
 * that must outlive the step have to be copied out first. Arrays are not cleared: every op writes all of its
 * output.
 */
export class FloatArena {
  private readonly pools = new Map<number, { arrays: Float32Array[]; used: number }>();
  take(n: number): Float32Array {
    let pool = this.pools.get(n);
    if (pool === undefined) this.pools.set(n, (pool = { arrays: [], used: 0 }));
    if (pool.used === pool.arrays.length) pool.arrays.push(new Float32Array(n));
    return pool.arrays[pool.used++];
  }
  /** Whether `a` is one of this arena's arrays. */
  owns(a: Float32Array): boolean {
    const pool = this.pools.get(a.length);
    return pool !== undefined && pool.arrays.includes(a);
  }
  /** Make every array available again (their contents stay until overwritten). */
  reset(): void {
    for (const pool of this.pools.values()) pool.used = 0;
  }
}

/**
 * A Float32Array as a `Vec`. Ops never mutate; each returns a new FloatVec. A number operand is rounded to
 * float32 first (`Math.fround`), as tfjs does when it turns a number into a scalar tensor, so both engines
 * compute the same float32 values. With an `arena`, results (and their results) live in the arena's arrays.
 */
export class FloatVec implements Vec<FloatVec> {
  /** The shape the data is read in (row-major); a Float32Array alone is a vector. */
  readonly shape: readonly number[];
  constructor(
    readonly data: Float32Array,
    readonly arena?: FloatArena,
    shape?: readonly number[],
  ) {
    this.shape = shape ?? [data.length];
    if (shape && size(shape) !== data.length) throw new Error(`FloatVec: ${data.length} values for shape [${shape}]`);
  }

  private alloc(n: number): Float32Array {
    return this.arena ? this.arena.take(n) : new Float32Array(n);
  }

  static fill(length: number, value: number, shape?: readonly number[]): FloatVec {
    return new FloatVec(new Float32Array(length).fill(value), undefined, shape);
  }

  get length(): number {
    return this.data.length;
  }

  private other(b: FloatVec): Float32Array {
    if (b.data.length !== this.data.length) throw new Error(`FloatVec length mismatch: ${this.data.length} vs ${b.data.length}`);
    return b.data;
  }

  add(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] + s;
    } else {
      if (!this.sameShape(b)) return this.broadcast(b, (x, y) => x + y);
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] + c[i];
    }
    return new FloatVec(out, this.arena, this.shape);
  }

  sub(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] - s;
    } else {
      if (!this.sameShape(b)) return this.broadcast(b, (x, y) => x - y);
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] - c[i];
    }
    return new FloatVec(out, this.arena, this.shape);
  }

  mul(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
    } else {
      if (!this.sameShape(b)) return this.broadcast(b, (x, y) => x * y);
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] * c[i];
    }
    return new FloatVec(out, this.arena, this.shape);
  }

  div(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] / s;
    } else {
      if (!this.sameShape(b)) return this.broadcast(b, (x, y) => x / y);
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] / c[i];
    }
    return new FloatVec(out, this.arena, this.shape);
  }

  neg(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = -a[i];
    return new FloatVec(out, this.arena, this.shape);
  }

  sqrt(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
    return new FloatVec(out, this.arena, this.shape);
  }

  square(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
    return new FloatVec(out, this.arena, this.shape);
  }

  /** Element-wise max; NaN wins, as in tf.maximum and torch.maximum. */
  maximum(b: FloatVec): FloatVec {
    if (!this.sameShape(b)) return this.broadcast(b, Math.max);
    const a = this.data;
    const c = this.other(b);
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.max(a[i], c[i]);
    return new FloatVec(out, this.arena, this.shape);
  }

  // ---- issue-15 ops (NAdam … Adafactor): begin ----
  private unary(f: (x: number) => number): FloatVec {
    const a = this.data;
    const out = this.alloc(a.length);
    for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
    return new FloatVec(out, this.arena, this.shape);
  }

  private sameShape(b: FloatVec): boolean {
    const s = this.shape;
    const t = b.shape;
    if (s === t) return true;
    if (s.length !== t.length) return false;
    for (let i = 0; i < s.length; i++) if (s[i] !== t[i]) return false;
    return true;
  }

  /** `f` element by element over the numpy broadcast of the two shapes, rounded to float32 on store. */
  private broadcast(b: FloatVec, f: (x: number, y: number) => number): FloatVec {
    const shape = broadcastShape(this.shape, b.shape);
    const n = size(shape);
    const out = this.alloc(n);
    const sa = strides(this.shape, shape);
    const sb = strides(b.shape, shape);
    const a = this.data;
    const c = b.data;
    const index = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let ia = 0;
      let ib = 0;
      for (let d = 0; d < shape.length; d++) {
        ia += index[d] * sa[d];
        ib += index[d] * sb[d];
      }
      out[i] = f(a[ia], c[ib]);
      for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
    }
    return new FloatVec(out, this.arena, shape);
  }

  abs(): FloatVec {
    return this.unary(Math.abs);
  }

  sign(): FloatVec {
    return this.unary((x) => (x > 0 ? 1 : x < 0 ? -1 : 0));
  }

  clamp(min: number, max: number): FloatVec {
    const lo = Math.fround(min);
    const hi = Math.fround(max);
    return this.unary((x) => (x < lo ? lo : x > hi ? hi : x));
  }

  bySign(positive: FloatVec | number, zero: FloatVec | number, negative: FloatVec | number): FloatVec {
    const pick = (v: FloatVec | number): ((i: number) => number) => {
      if (typeof v === "number") {
        const s = Math.fround(v);
        return () => s;
      }
      if (!this.sameShape(v)) throw new Error(`FloatVec.bySign: shape [${v.shape}] does not match [${this.shape}]`);
      return (i) => v.data[i];
    };
    const [p, z, m] = [pick(positive), pick(zero), pick(negative)];
    const a = this.data;
    const out = this.alloc(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] > 0 ? p(i) : a[i] < 0 ? m(i) : z(i);
    return new FloatVec(out, this.arena, this.shape);
  }

  /**
   * As tfjs's cpu Mean: every element divided by the count (float32), then summed in double in index order and
   * stored as float32.
   */
  mean(axis?: number): FloatVec {
    const a = this.data;
    if (axis === undefined) {
      const k = Math.fround(a.length);
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.fround(a[i] / k);
      const out = this.alloc(1);
      out[0] = sum;
      return new FloatVec(out, this.arena, []);
    }
    const rank = this.shape.length;
    const d = axis < 0 ? rank + axis : axis;
    if (!(d >= 0 && d < rank)) throw new Error(`FloatVec.mean: axis ${axis} of a rank-${rank} value`);
    const len = this.shape[d];
    const inner = size(this.shape.slice(d + 1));
    const outer = size(this.shape.slice(0, d));
    const k = Math.fround(len);
    const out = this.alloc(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let j = 0; j < len; j++) sum += Math.fround(a[(o * len + j) * inner + i] / k);
        out[o * inner + i] = sum;
      }
    }
    return new FloatVec(out, this.arena, this.shape.map((n, i) => (i === d ? 1 : n)));
  }
  // ---- issue-15 ops: end ----
}

// ---- issue-15 ops (NAdam … Adafactor): shapes for FloatVec's broadcasting: begin ----
function size(shape: readonly number[]): number {
  let n = 1;
  for (const k of shape) n *= k;
  return n;
}

/** numpy's broadcast of two shapes; throws when they do not broadcast. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`FloatVec: shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Row-major strides of `shape` read as `target` (0 along broadcast axes). */
function strides(shape: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const t = target.length - shape.length + i;
    out[t] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return out;
}
// ---- issue-15 ops: end ----

/**
 * A recording `Vec`: running a rule on TraceVecs writes down its ops instead of computing them, so the float
 * engine can run the whole rule as ONE loop over the elements (`compileTrace`) instead of one loop and one
 * temporary array per op. Each op is compiled with the float32 rounding FloatVec applies (`Math.fround` on
 * every result, number operands rounded first), so the fused loop computes bit for bit what FloatVec does.
 * Numbers are recorded by position, not value (`1 − β₁ᵗ` changes every step, the loop does not): two traces
 * with equal `ops` run the same compiled loop with their own `consts`.
 */
export class Trace {
  /** Four numbers per op: the op code, its first operand (a node), the second's kind (0 none, 1 node, 2 number) and index. */
  readonly ops: number[] = [];
  readonly consts: number[] = [];
  private next: number;
  /** `inputs` leaves, numbered 0 … inputs − 1 (the engine's θ, g and the state slots, in that order). */
  constructor(readonly inputs: number) {
    this.next = inputs;
  }
  leaf(i: number): TraceVec {
    if (!(i >= 0 && i < this.inputs)) throw new Error(`Trace: no input ${i}`);
    return new TraceVec(this, i);
  }
  emit(op: number, a: TraceVec, b?: TraceVec | number): TraceVec {
    if (b === undefined) this.ops.push(op, a.id, 0, 0);
    else if (typeof b === "number") this.ops.push(op, a.id, 2, this.consts.push(Math.fround(b)) - 1);
    else {
      if (b.trace !== this || a.trace !== this) throw new Error("TraceVec: operands from two traces");
      this.ops.push(op, a.id, 1, b.id);
    }
    return new TraceVec(this, this.next++);
  }
  /** Whether two traces record the same loop (their numbers may differ). */
  sameOps(other: Trace): boolean {
    const a = this.ops;
    const b = other.ops;
    if (a.length !== b.length || this.inputs !== other.inputs) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
}

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, NEG = 4, SQRT = 5, SQUARE = 6, MAX = 7;
// ---- issue-15 ops (NAdam … Adafactor): op codes: begin ----
const ABS = 100, SIGN = 101, AT_LEAST = 102, AT_MOST = 103;
/** The op codes a Trace records, for the compilers of other targets (the GPU shaders, fused-gpu.ts). */
export const TRACE_OP = { ADD, SUB, MUL, DIV, NEG, SQRT, SQUARE, MAX, ABS, SIGN, AT_LEAST, AT_MOST } as const;

/**
 * Thrown by a TraceVec op that a single element-wise loop cannot compute (a mean across elements, reading the
 * shape, a three-way select): the float engine then runs that rule on FloatVecs instead.
 */
export class NotFusable extends Error {
  constructor(op: string) {
    super(`TraceVec: ${op} is not element-wise`);
  }
}
// ---- issue-15 ops: end ----

export class TraceVec implements Vec<TraceVec> {
  constructor(
    readonly trace: Trace,
    readonly id: number,
  ) {}
  add(b: TraceVec | number): TraceVec {
    return this.trace.emit(ADD, this, b);
  }
  sub(b: TraceVec | number): TraceVec {
    return this.trace.emit(SUB, this, b);
  }
  mul(b: TraceVec | number): TraceVec {
    return this.trace.emit(MUL, this, b);
  }
  div(b: TraceVec | number): TraceVec {
    return this.trace.emit(DIV, this, b);
  }
  neg(): TraceVec {
    return this.trace.emit(NEG, this);
  }
  sqrt(): TraceVec {
    return this.trace.emit(SQRT, this);
  }
  square(): TraceVec {
    return this.trace.emit(SQUARE, this);
  }
  maximum(b: TraceVec): TraceVec {
    return this.trace.emit(MAX, this, b);
  }

  // ---- issue-15 ops (NAdam … Adafactor): begin ----
  get shape(): readonly number[] {
    throw new NotFusable("shape");
  }
  abs(): TraceVec {
    return this.trace.emit(ABS, this);
  }
  sign(): TraceVec {
    return this.trace.emit(SIGN, this);
  }
  /** Recorded as two ops, the lower bound then the upper. */
  clamp(min: number, max: number): TraceVec {
    return this.trace.emit(AT_MOST, this.trace.emit(AT_LEAST, this, min), max);
  }
  bySign(): TraceVec {
    throw new NotFusable("bySign");
  }
  mean(): TraceVec {
    throw new NotFusable("mean");
  }
  // ---- issue-15 ops: end ----
}

/** A fused loop: reads inputs[k][i], writes outputs[j][i] after every read of element i, for i < n. */
export type FusedKernel = (inputs: Float32Array[], outputs: Float32Array[], consts: number[], n: number) => void;

/** The JavaScript of one recorded op; the rounding matches FloatVec's store into a Float32Array. */
function opSource(ops: number[], k: number): string {
  const [op, a, kind, b] = [ops[k], ops[k + 1], ops[k + 2], ops[k + 3]];
  const x = `v${a}`;
  const y = kind === 2 ? `c[${b}]` : `v${b}`;
  switch (op) {
    case ADD: return `Math.fround(${x} + ${y})`;
    case SUB: return `Math.fround(${x} - ${y})`;
    case MUL: return `Math.fround(${x} * ${y})`;
    case DIV: return `Math.fround(${x} / ${y})`;
    case NEG: return `-${x}`;
    case SQRT: return `Math.fround(Math.sqrt(${x}))`;
    case SQUARE: return `Math.fround(${x} * ${x})`;
    case MAX: return `Math.max(${x}, ${y})`;
    // ---- issue-15 ops (NAdam … Adafactor): sources: begin ----
    case ABS: return `Math.abs(${x})`;
    case SIGN: return `(${x} > 0 ? 1 : ${x} < 0 ? -1 : 0)`;
    // NaN fails both comparisons and stays NaN, as in FloatVec.clamp
    case AT_LEAST: return `(${x} < ${y} ? ${y} : ${x})`;
    case AT_MOST: return `(${x} > ${y} ? ${y} : ${x})`;
    // ---- issue-15 ops: sources: end ----
    default: throw new Error(`Trace: unknown op ${op}`);
  }
}

/**
 * Compiles a trace into one loop whose outputs are the nodes `outputs` (ids from the trace, leaves allowed).
 * Every op is element-wise, so an output may be one of the input arrays (in-place update): element i is read
 * before it is written. Throws where code generation is not allowed (a Content-Security-Policy without
 * 'unsafe-eval'); callers fall back to FloatVec.
 */
export function compileTrace(trace: Trace, outputs: readonly number[]): FusedKernel {
  const lines: string[] = [];
  for (let k = 0, id = trace.inputs; k < trace.ops.length; k += 4, id++) lines.push(`  const v${id} = ${opSource(trace.ops, k)};`);
  const body = [
    ...Array.from({ length: trace.inputs }, (_, k) => `const in${k} = inputs[${k}];`),
    ...outputs.map((_, j) => `const out${j} = outputs[${j}];`),
    "for (let i = 0; i < n; i++) {",
    ...Array.from({ length: trace.inputs }, (_, k) => `  const v${k} = in${k}[i];`),
    ...lines,
    ...outputs.map((id, j) => `  out${j}[i] = v${id};`),
    "}",
  ].join("\n");
  return new Function("inputs", "outputs", "c", "n", body) as FusedKernel;
}

// #region matrix-ops-float (Muon)
/**
 * A row-major float32 matrix as a `MatVec`, for the Float32 engine: element-wise ops are FloatVec's (same
 * float32 rounding), a 1 × 1 operand broadcasts, and matMul is a small dense triple loop whose sums are formed
 * in float64 and rounded once — torch's CPU kernels accumulate in float32, so the two can differ in the last bit
 * of an entry, which matters only on a bfloat16 rounding boundary (measured: Muon's θ after step 1 within 1.5e-8
 * of torch 2.13's on both fixtures, the float32 last bits of torch's fused add; every bfloat16 entry of O agreed).
 */
export class FloatMat implements MatVec<FloatMat> {
  constructor(
    readonly v: FloatVec,
    readonly rows: number,
    readonly cols: number,
  ) {
    if (v.length !== rows * cols) throw new Error(`FloatMat: ${v.length} values for ${rows} × ${cols}`);
  }
  static of(data: Float32Array, rows: number, cols: number): FloatMat {
    return new FloatMat(new FloatVec(data), rows, cols);
  }
  get data(): Float32Array {
    return this.v.data;
  }
  get shape(): readonly number[] {
    return [this.rows, this.cols];
  }
  private like(v: FloatVec): FloatMat {
    return new FloatMat(v, this.rows, this.cols);
  }
  // The element-wise ops of Vec, on the matrix's values (Muon uses none of them; the rules of Vec may).
  abs(): FloatMat {
    return this.like(this.v.abs());
  }
  sign(): FloatMat {
    return this.like(this.v.sign());
  }
  clamp(min: number, max: number): FloatMat {
    return this.like(this.v.clamp(min, max));
  }
  bySign(positive: FloatMat | number, zero: FloatMat | number, negative: FloatMat | number): FloatMat {
    return this.like(this.v.bySign(this.arg(positive), this.arg(zero), this.arg(negative)));
  }
  /** The mean of all values (1 × 1), of each column (axis 0: 1 × cols) or of each row (axis 1: rows × 1). */
  mean(axis?: number): FloatMat {
    const m = new FloatVec(this.v.data, undefined, [this.rows, this.cols]).mean(axis);
    return axis === undefined ? new FloatMat(new FloatVec(m.data), 1, 1) : axis === 0 ? new FloatMat(new FloatVec(m.data), 1, this.cols) : new FloatMat(new FloatVec(m.data), this.rows, 1);
  }
  /** The operand for an element-wise op: a number, a 1 × 1 matrix (as its number) or a same-shaped matrix. */
  private arg(b: FloatMat | number): FloatVec | number {
    if (typeof b === "number") return b;
    if (b.rows === 1 && b.cols === 1 && this.v.length !== 1) return b.v.data[0];
    if (b.rows !== this.rows || b.cols !== this.cols) throw new Error(`FloatMat: ${this.rows} × ${this.cols} vs ${b.rows} × ${b.cols}`);
    return b.v;
  }
  add(b: FloatMat | number): FloatMat {
    return this.like(this.v.add(this.arg(b)));
  }
  sub(b: FloatMat | number): FloatMat {
    return this.like(this.v.sub(this.arg(b)));
  }
  mul(b: FloatMat | number): FloatMat {
    return this.like(this.v.mul(this.arg(b)));
  }
  div(b: FloatMat | number): FloatMat {
    return this.like(this.v.div(this.arg(b)));
  }
  neg(): FloatMat {
    return this.like(this.v.neg());
  }
  sqrt(): FloatMat {
    return this.like(this.v.sqrt());
  }
  square(): FloatMat {
    return this.like(this.v.square());
  }
  maximum(b: FloatMat): FloatMat {
    const c = this.arg(b);
    return this.like(this.v.maximum(typeof c === "number" ? FloatVec.fill(this.v.length, c) : c));
  }
  matMul(b: FloatMat, transposeB = false): FloatMat {
    const [n, k] = [this.rows, this.cols];
    const m = transposeB ? b.rows : b.cols;
    if ((transposeB ? b.cols : b.rows) !== k) throw new Error(`matMul: ${n} × ${k} times ${transposeB ? `(${b.rows} × ${b.cols})ᵀ` : `${b.rows} × ${b.cols}`}`);
    const A = this.v.data;
    const B = b.v.data;
    const out = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += A[i * k + l] * (transposeB ? B[j * k + l] : B[l * m + j]);
        out[i * m + j] = s;
      }
    }
    return new FloatMat(new FloatVec(out), n, m);
  }
  transpose(): FloatMat {
    const [n, m] = [this.rows, this.cols];
    const A = this.v.data;
    const out = new Float32Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = A[i * m + j];
    return new FloatMat(new FloatVec(out), m, n);
  }
  frobeniusNorm(): FloatMat {
    let s = 0;
    for (const x of this.v.data) s += x * x;
    return new FloatMat(new FloatVec(Float32Array.of(Math.sqrt(Math.fround(s)))), 1, 1);
  }
}
// #endregion matrix-ops-float
