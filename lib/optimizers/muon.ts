/**
 * Muon — torch.optim.Muon (torch ≥ 2.9; these semantics are torch 2.13's): SGD momentum whose update matrix is
 * orthogonalised by a quintic Newton–Schulz iteration before it is applied. For 2-D parameters only (hidden
 * layers' weight matrices); biases and embeddings belong to another optimizer, as torch's docs say.
 *
 * State: `B`, the momentum buffer (torch's `momentum_buffer`), zero at the start.
 *
 * What torch's CPU float32 path really does, and so what this does:
 *  - the momentum is `lerp` (B ← B + (1 − μ)(g − B), so B is an average of gradients, not a sum);
 *  - Newton–Schulz runs in **bfloat16**: torch converts the update with `.bfloat16()`, and every op after
 *    that rounds its float32 result to bfloat16 (8 significant bits). `bf16` below does that rounding with
 *    float32 ops only (Veltkamp's split with 2¹⁶ + 1, which rounds to nearest-even: tests/unit/muon.test.ts
 *    checks it against the bit rounding on 200,000 values, a third of them ties), so it runs unchanged on both
 *    engines. That needs IEEE float32 arithmetic (tfjs's cpu and wasm backends, and the Float32 engine); a GPU
 *    shader compiler may fuse or reorder the three ops, and then the rounding is only approximately bfloat16;
 *  - each iteration is two `torch.addmm`s: the matrix product is accumulated in float32, scaled, added to the
 *    scaled other term in float32, and rounded to bfloat16 once;
 *  - the matrix is transposed first when it has more rows than columns, so the Gram matrix X·Xᵀ is the small one.
 * torch's fused kernels (lerp and add with alpha use FMA) round once where we round twice: last-bit
 * differences in float32, which only matter where they move a value across a bfloat16 rounding boundary.
 */
import { FloatMat } from "./engines.js";
import { createOptimizer, type Optimizer } from "./optimizer.js";
import type { AnyOptimizerDef, MatVec, OptimizerDef, Range, Slots, Vec } from "./types.js";
import { check, resolveOptions } from "./validate.js";

export type AdjustLrFn = "original" | "match_rms_adamw";

export interface MuonOptions {
  /** γ, the learning rate (torch's default 1e-3). */
  lr: number;
  /** λ, decoupled weight decay: θ shrinks by (1 − γλ) each step (torch's default 0.1). */
  weight_decay: number;
  /** μ, the momentum (0.95). */
  momentum: number;
  /** Nesterov: orthogonalise g + μ(B − g) instead of B (default true). */
  nesterov: boolean;
  /** (a, b, c), the quintic's coefficients: X ← aX + (bA + cA²)X with A = XXᵀ. */
  ns_coefficients: readonly [number, number, number];
  /** ε, the floor of ‖X‖_F in the first normalisation. */
  eps: number;
  /** k, Newton–Schulz iterations (fewer than 100, as torch requires). */
  ns_steps: number;
  /**
   * How γ scales with the matrix's shape A × B: "original" (Keller Jordan's) √max(1, A/B), "match_rms_adamw"
   * (Moonshot's) 0.2·√max(A, B). torch's default is None, which means "original".
   */
  adjust_lr_fn: AdjustLrFn;
}

export const defaults: Readonly<MuonOptions> = Object.freeze({
  lr: 1e-3,
  weight_decay: 0.1,
  momentum: 0.95,
  nesterov: true,
  ns_coefficients: Object.freeze([3.4445, -4.775, 2.0315]) as unknown as readonly [number, number, number],
  eps: 1e-7,
  ns_steps: 5,
  adjust_lr_fn: "original",
});

export const ranges: Readonly<Partial<Record<keyof MuonOptions, Range>>> = Object.freeze({
  lr: { min: 1e-4, max: 1, scale: "log" },
  weight_decay: { min: 0, max: 1, scale: "linear", step: 0.001 },
  momentum: { min: 0, max: 0.999, scale: "linear", step: 0.001 },
  ns_steps: { min: 0, max: 10, scale: "linear", step: 1 },
});

export const tex = String.raw`\begin{aligned}
\sym{B}{B_t} &\leftarrow \mu\, B_{t-1} + (1-\mu)\, g_t \\
\sym{Umuon}{U_t} &\leftarrow \begin{cases} g_t + \mu\,(B_t - g_t) & \text{nesterov} \\ B_t & \text{otherwise} \end{cases} \\
\sym{X}{X_0} &\leftarrow U_t / \max(\lVert U_t \rVert_F, \varepsilon) \\
\sym{X}{X_{j}} &\leftarrow a\, X_{j-1} + \big(b\, A + c\, A^2\big)\, X_{j-1} \\
&\quad A = X_{j-1} X_{j-1}^\top, \quad j = 1 \ldots k \\
\sym{O}{O_t} &\leftarrow X_k \quad \text{(in bfloat16;} \\
&\quad U_t^\top \text{ first if it has more rows than columns)} \\
\sym{theta}{\theta_t} &\leftarrow (1 - \gamma\lambda)\, \theta_{t-1} - \gamma'\, O_t \\
\gamma' &= \begin{cases} \gamma \sqrt{\max(1, \text{rows}/\text{cols})} & \text{original} \\ 0.2\,\gamma \sqrt{\max(\text{rows}, \text{cols})} & \text{match\_rms\_adamw} \end{cases}
\end{aligned}`;

export type MuonSlots<T> = Slots<"B", T>;

// #region update
/** torch.lerp(a, b, w) = a + w(b − a), stepped from the nearer end as torch does, with w in float32. */
function lerp<T extends Vec<T>>(a: T, b: T, w: number): T {
  const wf = Math.fround(w);
  return Math.abs(wf) < 0.5 ? a.add(b.sub(a).mul(wf)) : b.sub(b.sub(a).mul(1 - wf));
}

/** Round every entry to bfloat16 (nearest, ties to even), in float32 ops: Veltkamp's split keeps the top 8 bits. */
export function bf16<T extends Vec<T>>(x: T): T {
  const γ = x.mul(65537);
  return γ.add(x.sub(γ));
}

/**
 * torch's `_zeropower_via_newtonschulz`: the quintic iteration that pushes every singular value of U towards
 * [0.7, 1.2] or so (not exactly 1: the coefficients trade convergence for slope at zero). Returns O in U's shape.
 */
export function newtonSchulz<T extends MatVec<T>>(U: T, o: Pick<MuonOptions, "ns_coefficients" | "ns_steps" | "eps">): T {
  const [a, b, c] = o.ns_coefficients;
  const tall = U.shape[0] > U.shape[1];
  let X = bf16(tall ? U.transpose() : U);
  const norm = bf16(X.frobeniusNorm());
  const ε = norm.mul(0).add(o.eps); // ε as a 1 × 1 value, for the clamp
  X = bf16(X.div(norm.maximum(ε))); // X / ‖X‖.clamp(min=ε)
  for (let j = 0; j < o.ns_steps; j++) {
    const A = bf16(X.matMul(X, true)); // A = X Xᵀ
    const BA = bf16(A.mul(b).add(A.matMul(A).mul(c))); // addmm(A, A, A, beta=b, alpha=c)
    X = bf16(X.mul(a).add(BA.matMul(X))); // addmm(X, BA, X, beta=a)
  }
  return tall ? X.transpose() : X;
}

/** torch's `_adjust_lr`: γ scaled by the parameter's shape A × B. */
export function adjustedLr(lr: number, fn: AdjustLrFn, [A, B]: readonly number[]): number {
  return lr * (fn === "match_rms_adamw" ? 0.2 * Math.sqrt(Math.max(A, B)) : Math.sqrt(Math.max(1, A / B)));
}

/** One Muon step for one weight matrix. */
export function muonUpdate<T extends MatVec<T>>(θ: T, g: T, { B }: MuonSlots<T>, t: number, o: MuonOptions): { θ: T; state: MuonSlots<T> } {
  checkMatrix(θ.shape);
  const { lr: γ, momentum: μ, weight_decay: λ } = o;
  B = lerp(B, g, 1 - μ); // momentum_buffer.lerp_(grad, 1 − μ)
  const U = o.nesterov ? lerp(g, B, μ) : B;
  const O = newtonSchulz(U, o);
  θ = θ.mul(1 - γ * λ).sub(O.mul(adjustedLr(γ, o.adjust_lr_fn, θ.shape)));
  return { θ, state: { B } };
}
// #endregion update

/** Throws torch's error for anything but a matrix. */
export function checkMatrix(shape: readonly number[]): void {
  check(shape.length === 2, `Muon only supports 2D parameters whereas we found a parameter with size: [${shape.join(", ")}] (Muon takes weight matrices only; give biases to another optimizer)`);
}

/** Muon's definition: like the element-wise rules, but `init` and `update` need the whole matrix (`MatVec`). */
export interface MatrixOptimizerDef<O extends object, K extends string> extends Omit<OptimizerDef<O, K>, "init" | "update"> {
  init<T extends MatVec<T>>(θ: T, options: O, fill: (value: number) => T): Slots<K, T>;
  update<T extends MatVec<T>>(θ: T, g: T, state: Slots<K, T>, t: number, options: O): { θ: T; state: Slots<K, T> };
}

export const muon: MatrixOptimizerDef<MuonOptions, "B"> = {
  name: "muon",
  title: "Muon",
  defaults,
  ranges,
  tex,
  validate(o) {
    check(o.lr >= 0, `Learning rate should be >= 0 but is: ${o.lr} (lr)`);
    check(o.momentum >= 0, `momentum should be >= 0 but is: ${o.momentum} (momentum)`);
    check(o.weight_decay >= 0, `weight decay should be >= 0 but is: ${o.weight_decay} (weight_decay)`);
    check(o.adjust_lr_fn === "original" || o.adjust_lr_fn === "match_rms_adamw", `Adjust learning rate function ${o.adjust_lr_fn} is not supported (adjust_lr_fn)`);
    check(Number.isInteger(o.ns_steps) && o.ns_steps >= 0 && o.ns_steps < 100, `Number of steps must be less than 100 for computational efficiency (ns_steps: ${o.ns_steps})`);
    check(o.eps >= 0, `Invalid epsilon value: ${o.eps} (eps)`);
  },
  init(θ, o, fill) {
    checkMatrix(θ.shape);
    return { B: fill(0) };
  },
  update: muonUpdate,
};

/**
 * Muon over tf.Variables: the same runner as every other optimizer (`createOptimizer`), since `TensorVec` is a
 * `MatVec`. Give it only the weight matrices; the first step throws for anything else.
 */
export function createMuon(options?: Partial<MuonOptions>): Optimizer<MuonOptions, "B"> {
  return createOptimizer(muon as unknown as OptimizerDef<MuonOptions, "B">, options);
}

/** A weight matrix for the Float32 engine: row-major values, updated in place. */
export interface FloatMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Muon over Float32Arrays (the fused element-wise path of `createFloatOptimizer` cannot express a matMul):
 * `step` updates each matrix in place; `state[i]` holds its step count and momentum buffer B.
 */
export function createFloatMuon(options?: Partial<MuonOptions>) {
  const resolved = resolveOptions<MuonOptions>(muon as unknown as AnyOptimizerDef, options);
  let state: { step: number; B: Float32Array }[] = [];
  return {
    def: muon,
    options: resolved,
    get state(): ReadonlyArray<{ step: number; B: Float32Array }> {
      return state.map((s) => ({ step: s.step, B: s.B.slice() }));
    },
    step(params: FloatMatrix[], grads: Float32Array[]): void {
      if (params.length !== grads.length) throw new Error(`step: ${params.length} parameters but ${grads.length} gradients`);
      if (state.length === 0) {
        state = params.map((p) => ({ step: 0, B: muon.init(FloatMat.of(p.data, p.rows, p.cols), resolved, (c) => FloatMat.of(new Float32Array(p.data.length).fill(c), p.rows, p.cols)).B.data }));
      }
      if (state.length !== params.length) throw new Error(`step: ${params.length} parameters, but the optimizer's state is for ${state.length}; call reset() first`);
      params.forEach((p, i) => {
        const s = state[i];
        const r = muon.update(FloatMat.of(p.data, p.rows, p.cols), FloatMat.of(grads[i], p.rows, p.cols), { B: FloatMat.of(s.B, p.rows, p.cols) }, s.step + 1, resolved);
        p.data.set(r.θ.data);
        s.B = r.state.B.data.slice();
        s.step++;
      });
    },
    reset(): void {
      state = [];
    },
  };
}
