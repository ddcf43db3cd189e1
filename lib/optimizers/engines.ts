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

  // #region matrix-ops-tensor (Muon)
  get shape(): readonly number[] {
    return this.t.shape;
  }
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
  constructor(
    readonly data: Float32Array,
    readonly arena?: FloatArena,
  ) {}

  private alloc(n: number): Float32Array {
    return this.arena ? this.arena.take(n) : new Float32Array(n);
  }

  static fill(length: number, value: number): FloatVec {
    return new FloatVec(new Float32Array(length).fill(value));
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
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] + c[i];
    }
    return new FloatVec(out, this.arena);
  }

  sub(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] - s;
    } else {
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] - c[i];
    }
    return new FloatVec(out, this.arena);
  }

  mul(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
    } else {
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] * c[i];
    }
    return new FloatVec(out, this.arena);
  }

  div(b: FloatVec | number): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    if (typeof b === "number") {
      const s = Math.fround(b);
      for (let i = 0; i < n; i++) out[i] = a[i] / s;
    } else {
      const c = this.other(b);
      for (let i = 0; i < n; i++) out[i] = a[i] / c[i];
    }
    return new FloatVec(out, this.arena);
  }

  neg(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = -a[i];
    return new FloatVec(out, this.arena);
  }

  sqrt(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
    return new FloatVec(out, this.arena);
  }

  square(): FloatVec {
    const a = this.data;
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
    return new FloatVec(out, this.arena);
  }

  /** Element-wise max; NaN wins, as in tf.maximum and torch.maximum. */
  maximum(b: FloatVec): FloatVec {
    const a = this.data;
    const c = this.other(b);
    const n = a.length;
    const out = this.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.max(a[i], c[i]);
    return new FloatVec(out, this.arena);
  }
}

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
