/**
 * The shape every optimizer in Descent shares.
 *
 * An optimizer is a pure per-parameter rule, `update(θ, g, state, t, options) → {θ, state}`, written once
 * against the small `Vec` interface below. Two engines run the same rule:
 *  - tf.Tensor satisfies `Vec`, so the rule runs on any tfjs backend (WebGPU, WebGL, wasm, cpu);
 *  - `FloatVec` (Float32Array-backed) satisfies it too, for the small-model fast path.
 * So there is exactly one copy of each update rule, and it reads like its equation.
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
}

/** A hyperparameter's range and scale, for building inputs on pages. */
export interface Range {
  min: number;
  max: number;
  /** Log scale for rates and epsilons, linear for betas and momenta. */
  scale: "linear" | "log";
  step?: number;
}

/** Per-parameter state: named buffers that carry the math's symbols (m, v, G, E[g²], …). */
export type Slots<K extends string, T> = Record<K, T>;

export interface OptimizerDef<O extends object, K extends string> {
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
  init<T extends Vec<T>>(θ: T, options: O, fill: (value: number) => T): Slots<K, T>;
  /** One step for one parameter; `t` is the 1-based count of this step. Returns the new θ and state. */
  update<T extends Vec<T>>(θ: T, g: T, state: Slots<K, T>, t: number, options: O): { θ: T; state: Slots<K, T> };
}
