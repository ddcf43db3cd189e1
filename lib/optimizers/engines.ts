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
import type { Vec } from "./types.js";

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

/** A tf.Tensor as a `Vec`. Every op returns a new tensor; call inside `tf.tidy`. */
export class TensorVec implements Vec<TensorVec> {
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
