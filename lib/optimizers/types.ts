/**
 * The shape every optimizer in Descent shares.
 *
 * An optimizer is a pure per-parameter rule, `update(θ, g, state, t, options) → {θ, state}`, written once
 * against the small `Vec` interface below. Two engines run the same rule:
 *  - `TensorVec` (engines.ts) wraps a tf.Tensor with tfjs's functional ops (tf.add, tf.mul, …), so the rule runs
 *    on any tfjs backend (WebGPU, WebGL, wasm, cpu);
 *  - `FloatVec` (Float32Array-backed) satisfies it too, for the small-model fast path.
 * So there is exactly one copy of each update rule, and it reads like its equation.
 *
 * Where torch uses addcmul (`v.mul_(β).addcmul_(g, g, value=1 − β)`), the rules write (1 − β)·g·g as
 * `g.mul(1 - β).mul(g)`: the same order of float32 roundings as torch, which the chaotic fixtures
 * (centered RMSprop on Rosenbrock) need to match it over 100 steps.
 */

/** The arithmetic an update rule may use. Every op returns a new value; nothing mutates. */
export interface Vec<T> {
  add(b: T | number): T;
  sub(b: T | number): T;
  mul(b: T | number): T;
  div(b: T | number): T;
  neg(): T;
  sqrt(): T;
  square(): T;
  maximum(b: T): T;

  // ---- issue-15 ops (NAdam, RAdam, Adamax, Rprop, ASGD, Adafactor): begin ----
  // Binary ops above broadcast as numpy and torch do ([r, 1] with [1, c] gives [r, c]; a [] scalar goes with
  // anything). Only Adafactor's factored moments need that; every other rule combines same-shaped values.
  /** The shape of the value ([] for a scalar). */
  readonly shape: readonly number[];
  abs(): T;
  /** −1, 0 or 1 (0 for NaN, as torch.sign and tf.sign). */
  sign(): T;
  /** Each element limited to [min, max] (NaN stays NaN). */
  clamp(min: number, max: number): T;
  /** Element-wise by the sign of this value: `positive` where > 0, `negative` where < 0, `zero` elsewhere. */
  bySign(positive: T | number, zero: T | number, negative: T | number): T;
  /** The mean over `axis` (negative counts from the end), kept as a size-1 axis; with no axis, of every element, as a scalar. */
  mean(axis?: number): T;
  // ---- issue-15 ops: end ----
}

/** A hyperparameter's range and scale, for building inputs on pages. */
export interface Range {
  min: number;
  max: number;
  /** Log scale for rates and epsilons, linear for betas and momenta. */
  scale: "linear" | "log";
  step?: number;
}

/**
 * Per-parameter state: named buffers that carry the math's symbols (m, v, G, E[g²], …).
 * Slots in `K` always exist; slots in `Opt` exist only when an option asks for them (Adam's `vmax` with
 * amsgrad, SGD's momentum buffer `b` with momentum ≠ 0), so no memory goes to a buffer the rule never reads.
 * `init` decides which exist; `update` keeps the same set.
 */
export type Slots<K extends string, T, Opt extends string = never> = Record<K, T> & Partial<Record<Opt, T>>;

export interface OptimizerDef<O extends object, K extends string, Opt extends string = never> {
  /** Machine name: "sgd", "adam", … (torch.optim's class name, lower-cased). */
  readonly name: string;
  /** Display name: "Adam", "SGD", … */
  readonly title: string;
  /** torch.optim's defaults (SGD's lr has none in torch; ours is documented beside it). */
  readonly defaults: Readonly<O>;
  /** Ranges for the numeric options, for page inputs. */
  readonly ranges: Readonly<Partial<Record<keyof O, Range>>>;
  /** The update rule as display KaTeX, using the same symbols as the code. */
  readonly tex: string;
  /** Throws an Error naming the option and its value, as torch does ("Invalid learning rate: -1"). */
  validate(options: O): void;
  /** Fresh state for one parameter; `fill(c)` makes a buffer shaped like θ holding c. Nothing is lazy. */
  init<T extends Vec<T>>(θ: T, options: O, fill: (value: number) => T): Slots<K, T, Opt>;
  /**
   * A buffer that options `to` need and `from` did not, added by setOptions mid-run: the value to start it at so
   * that the next step does exactly what torch does when it creates that buffer lazily; undefined (or no `grow`)
   * if no start value does, and the change is rejected.
   */
  grow?(slot: string, from: O, to: O): number | undefined;
  /** One step for one parameter; `t` is the 1-based count of this step. Returns the new θ and state. */
  update<T extends Vec<T>>(θ: T, g: T, state: Slots<K, T, Opt>, t: number, options: O): { θ: T; state: Slots<K, T, Opt> };
}

/** Any optimizer definition, for code that runs whichever one it is given (the engines, the registry). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizerDef = OptimizerDef<any, string, string>;

// #region matrix-ops (Muon) — a separate block from the element-wise ops above, so merges stay textual
/**
 * A parameter seen as a whole matrix, for rules that are not element-wise (Muon's Newton–Schulz iteration).
 * Both engines implement it beside `Vec`: `TensorVec` with tfjs's matMul/transpose/norm, `FloatMat` (engines.ts)
 * with small dense loops. Results are float32 like every `Vec` op.
 */
export interface MatVec<T> extends Vec<T> {
  /** The parameter's shape; a matrix rule checks `shape.length === 2` itself, in torch's words. */
  readonly shape: readonly number[];
  /** this · b, or this · bᵀ with `transposeB`; each entry accumulated from float32 inputs and rounded once. */
  matMul(b: T, transposeB?: boolean): T;
  transpose(): T;
  /** ‖this‖_F as a 1 × 1 value; `div` and `maximum` broadcast a 1 × 1 operand over a matrix. */
  frobeniusNorm(): T;
}
// #endregion matrix-ops
