/**
 * L-BFGS — torch.optim.LBFGS (the same code in torch 1.13 and 2.13): a quasi-Newton method. It keeps the last
 * `history_size` steps s = θ_{k+1} − θ_k and gradient changes y = g_{k+1} − g_k, and turns the gradient into a
 * direction d = −H g with the two-loop recursion, H being the inverse-Hessian estimate those pairs define. One
 * `step(closure)` runs up to `max_iter` such iterations and calls the closure (loss and gradient at the current
 * parameters) up to `max_eval` times: a fixed step t = lr, or torch's strong-Wolfe line search.
 *
 * Not a per-element rule: the directions are dot products over the whole parameter vector, so L-BFGS has its own
 * runner over one flat Float32Array (torch flattens its parameters the same way, `_gather_flat_grad`). Models
 * of tf.Variables use it through `variablesObjective`, which copies values between the flat vector and the
 * variables.
 *
 * Arithmetic: vectors are float32 like torch's tensors (every element rounded with Math.fround, and
 * `p.add_(d, alpha=t)` as one fused multiply-add, as torch's vectorised kernel does); a dot product is summed in
 * float32 in order (`dot`). Scalars that
 * torch keeps as Python floats (loss, t, the line-search bounds) are float64 here; those that are 0-d float32
 * tensors in torch (y·s, ρ, H_diag, α, β, gᵀd) are rounded to float32.
 *
 * State (inspectable, torch's names): old_dirs (the y's), old_stps (the s's), ro (ρ = 1/yᵀs), H_diag (γ = sᵀy/yᵀy),
 * d, t, n_iter, func_evals, prev_flat_grad, prev_loss.
 */
import * as tf from "@tensorflow/tfjs-core";
import { check, checkLr } from "./validate.js";
import type { Range } from "./types.js";

export interface LBFGSOptions {
  /** The step length t before the line search, after the first iteration (default 1). */
  lr: number;
  /** Iterations per `step` (default 20). */
  max_iter: number;
  /** Closure calls per `step`; torch's default None means ⌊1.25 · max_iter⌋. */
  max_eval: number;
  /** Stop when max |g| ≤ this (1e-7). */
  tolerance_grad: number;
  /** Stop when the loss, the step or gᵀd change less than this (1e-9). */
  tolerance_change: number;
  /** How many (s, y) pairs to keep (100). */
  history_size: number;
  /** "strong_wolfe" or "none" (torch's None: the fixed step t). */
  line_search_fn: "none" | "strong_wolfe";
}

export const defaults: Readonly<LBFGSOptions> = Object.freeze({
  lr: 1,
  max_iter: 20,
  max_eval: 25,
  tolerance_grad: 1e-7,
  tolerance_change: 1e-9,
  history_size: 100,
  line_search_fn: "none",
});

export const ranges: Readonly<Partial<Record<keyof LBFGSOptions, Range>>> = Object.freeze({
  lr: { min: 1e-3, max: 1, scale: "log" },
  max_iter: { min: 1, max: 100, scale: "linear", step: 1 },
  history_size: { min: 1, max: 100, scale: "linear", step: 1 },
  tolerance_grad: { min: 1e-12, max: 1e-3, scale: "log" },
  tolerance_change: { min: 1e-12, max: 1e-3, scale: "log" },
});

export const tex = String.raw`\begin{aligned}
\sym{s}{s_k} &= \theta_{k+1} - \theta_k, \quad \sym{y}{y_k} = g_{k+1} - g_k \\
\sym{ro}{\rho_k} &= 1 / y_k^\top s_k \quad (\text{kept when } y_k^\top s_k > 10^{-10}) \\
q &\leftarrow -g_k; \quad \text{for } i = k-1 \ldots k-m: \\
&\qquad \alpha_i \leftarrow \rho_i\, s_i^\top q,\ \ q \leftarrow q - \alpha_i\, y_i \\
\sym{d}{d_k} &\leftarrow \gamma\, q,\ \ \gamma = \frac{s_{k-1}^\top y_{k-1}}{y_{k-1}^\top y_{k-1}}; \\
&\quad \text{for } i = k-m \ldots k-1: \\
&\qquad \beta_i \leftarrow \rho_i\, y_i^\top d_k,\ \ d_k \leftarrow d_k + (\alpha_i - \beta_i)\, s_i \\
\theta_{k+1} &\leftarrow \theta_k + t_k\, d_k \\
t_k &= \begin{cases} \min(1, 1/\lVert g_1 \rVert_1)\,\mathrm{lr} & k = 1 \\ \mathrm{lr} & \text{otherwise} \end{cases} \\
&\quad \text{(with a strong-Wolfe line search, its first trial)}
\end{aligned}`;

/** The loss and gradient at the runner's current parameters (the closure reads the same Float32Array). */
export type LBFGSClosure = () => { loss: number; grad: ArrayLike<number> };

/** torch's state for L-BFGS (it stores it on the first parameter). */
export interface LBFGSState {
  func_evals: number;
  n_iter: number;
  d: Float32Array | null;
  t: number | null;
  /** Whether torch holds t as a float32 tensor (the first step) or a Python float. */
  tIsTensor: boolean;
  old_dirs: Float32Array[];
  old_stps: Float32Array[];
  ro: number[];
  H_diag: number;
  prev_flat_grad: Float32Array | null;
  prev_loss: number | null;
}

const f32 = Math.fround;

/**
 * A float32 dot product summed in order, each product rounded before it is added: what torch's CPU dot gives
 * on short vectors (the Rosenbrock fixture matches it bit for bit; float64 summation, or a fused multiply-add,
 * leaves it by step 4). Long vectors are summed by BLAS in blocks, in an order we do not reproduce.
 */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = f32(s + f32(a[i] * b[i]));
  return s;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** p ← p + α·v in place, fused (α·v is exact in float64, so one float32 rounding, as FMA gives). */
function addScaled(p: Float32Array, α: number, v: ArrayLike<number>): void {
  const a = f32(α);
  for (let i = 0; i < p.length; i++) p[i] = a * v[i] + p[i];
}

function scaled(v: ArrayLike<number>, α: number): Float32Array {
  const a = f32(α);
  return Float32Array.from(v, (x) => a * x);
}

/**
 * A scalar as lbfgs.py holds it: a Python float (float64), or a 0-d float32 tensor (`f32`). The difference
 * decides results: gᵀd values are tensors, so is the first step t = min(1, 1/‖g‖₁)·lr, and any arithmetic with
 * a tensor is float32 (the Python number rounded to float32 first) — the cubic interpolation cancels
 * catastrophically, and float64 there moved the Rosenbrock run off torch's at step 2.
 */
export interface Scalar {
  v: number;
  f32: boolean;
}
const py = (v: number): Scalar => ({ v, f32: false });
const tensor = (v: number): Scalar => ({ v: f32(v), f32: true });
const of = (a: Scalar | number): Scalar => (typeof a === "number" ? py(a) : a);

/** a ∘ b as torch computes it: float64 for two Python numbers, else float32. */
function op(a: Scalar | number, b: Scalar | number, f: (x: number, y: number) => number): Scalar {
  const [A, B] = [of(a), of(b)];
  return A.f32 || B.f32 ? tensor(f(f32(A.v), f32(B.v))) : py(f(A.v, B.v));
}
const add = (a: Scalar | number, b: Scalar | number) => op(a, b, (x, y) => x + y);
const sub = (a: Scalar | number, b: Scalar | number) => op(a, b, (x, y) => x - y);
const mul = (a: Scalar | number, b: Scalar | number) => op(a, b, (x, y) => x * y);
/** Python number / tensor is `tensor.reciprocal() * number` in torch (Tensor.__rtruediv__). */
function div(a: Scalar | number, b: Scalar | number): Scalar {
  const [A, B] = [of(a), of(b)];
  return !A.f32 && B.f32 ? tensor(f32(1 / B.v) * f32(A.v)) : op(A, B, (x, y) => x / y);
}
/** a < b, compared in float32 when either is a tensor (torch casts the Python number). */
function lt(a: Scalar | number, b: Scalar | number): boolean {
  const [A, B] = [of(a), of(b)];
  return A.f32 || B.f32 ? f32(A.v) < f32(B.v) : A.v < B.v;
}
const le = (a: Scalar | number, b: Scalar | number) => !lt(b, a);
const abs = (a: Scalar): Scalar => ({ v: Math.abs(a.v), f32: a.f32 });
/** Python's max/min of two: the first unless the second is strictly beyond it (keeps its type). */
const max2 = (a: Scalar, b: Scalar) => (lt(a, b) ? b : a);
const min2 = (a: Scalar, b: Scalar) => (lt(b, a) ? b : a);
const maxOf = (xs: Scalar[]) => xs.reduce(max2);
const minOf = (xs: Scalar[]) => xs.reduce(min2);

/**
 * torch's `_cubic_interpolate`: the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to
 * `bounds` (default: between x1 and x2); their midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: Scalar | number,
  f1: Scalar | number,
  g1: Scalar | number,
  x2: Scalar | number,
  f2: Scalar | number,
  g2: Scalar | number,
  bounds?: [Scalar | number, Scalar | number],
): Scalar {
  const [lo, hi] = (bounds ?? (le(x1, x2) ? [x1, x2] : [x2, x1])).map(of);
  // d1 = g1 + g2 − 3(f1 − f2)/(x1 − x2);  d2 = √(d1² − g1 g2)
  const d1 = sub(add(g1, g2), div(mul(3, sub(f1, f2)), sub(x1, x2)));
  const d2Square = sub(mul(d1, d1), mul(g1, g2));
  if (le(0, d2Square)) {
    const d2 = d2Square.f32 ? tensor(Math.sqrt(d2Square.v)) : py(Math.sqrt(d2Square.v));
    const minPos = le(x1, x2)
      ? sub(x2, mul(sub(x2, x1), div(sub(add(g2, d2), d1), add(sub(g2, g1), mul(2, d2)))))
      : sub(x1, mul(sub(x1, x2), div(sub(add(g1, d2), d1), add(sub(g1, g2), mul(2, d2)))));
    return min2(max2(minPos, lo), hi);
  }
  return div(add(lo, hi), 2);
}

type Evaluate = (t: number) => { loss: number; grad: Float32Array };

/**
 * torch's `_strong_wolfe` (from torch7's lswolfe.lua): bracket a step satisfying the strong Wolfe conditions
 * f(t) ≤ f + c₁ t gᵀd and |g(t)ᵀd| ≤ −c₂ gᵀd, then zoom in by cubic interpolation. Returns the loss, gradient
 * and step at the best point found and the number of evaluations. `gtd` and every g(t)ᵀd are float32 tensors.
 */
export function strongWolfe(
  evaluate: Evaluate,
  t: Scalar,
  d: Float32Array,
  f: number,
  g: Float32Array,
  gtd: number,
  { c1 = 1e-4, c2 = 0.9, tolerance_change = 1e-9, max_ls = 25 } = {},
): { loss: number; grad: Float32Array; t: Scalar; evals: number } {
  const gtd0 = tensor(gtd);
  const dNorm = tensor(maxAbs(d));
  const sufficient = (fNew: number, τ: Scalar) => lt(add(f, mul(mul(c1, τ), gtd0)), fNew); // f(t) > f + c₁ t gᵀd
  const curvature = mul(-c2, gtd0); // |g(t)ᵀd| ≤ −c₂ gᵀd
  let { loss: fNew, grad: gNew } = evaluate(t.v);
  let evals = 1;
  let gtdNew = tensor(dot(gNew, d));
  let [tPrev, fPrev, gPrev, gtdPrev]: [Scalar, number, Float32Array, Scalar] = [py(0), f, g, gtd0];
  let done = false;
  let lsIter = 0;
  let bracket: Scalar[] = [];
  let bracketF: number[] = [];
  let bracketG: Float32Array[] = [];
  let bracketGtd: Scalar[] = [];
  while (lsIter < max_ls) {
    if (sufficient(fNew, t) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (le(abs(gtdNew), curvature)) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (le(0, gtdNew)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // extrapolate: the cubic's minimiser, between t + 0.01 (t − t_prev) and 10 t
    const minStep = add(t, mul(0.01, sub(t, tPrev)));
    const maxStep = mul(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    ({ loss: fNew, grad: gNew } = evaluate(t.v));
    evals++;
    gtdNew = tensor(dot(gNew, d));
    lsIter++;
  }
  if (lsIter === max_ls) [bracket, bracketF, bracketG] = [[py(0), t], [f, fNew], [g, gNew]];

  // zoom: shrink the bracket around a point satisfying the conditions
  let insufProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < max_ls) {
    if (lt(mul(abs(sub(bracket[1], bracket[0])), dNorm), tolerance_change)) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // too close to an end of the bracket (twice, or at it): move to 10 % of its length inside
    const [bMax, bMin] = [maxOf(bracket), minOf(bracket)];
    const eps = mul(0.1, sub(bMax, bMin));
    if (lt(min2(sub(bMax, t), sub(t, bMin)), eps)) {
      if (insufProgress || le(bMax, t) || le(t, bMin)) {
        t = lt(abs(sub(t, bMax)), abs(sub(t, bMin))) ? sub(bMax, eps) : add(bMin, eps);
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;

    ({ loss: fNew, grad: gNew } = evaluate(t.v));
    evals++;
    gtdNew = tensor(dot(gNew, d));
    lsIter++;

    if (sufficient(fNew, t) || fNew >= bracketF[low]) {
      // not sufficiently lower: t becomes the high end
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (le(abs(gtdNew), curvature)) done = true;
      else if (le(0, mul(gtdNew, sub(bracket[high], bracket[low])))) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { loss: bracketF[low], grad: bracketG[low], t: bracket[low], evals };
}

// #region update
/**
 * One L-BFGS direction (torch's step body after the first iteration): keep the newest pair (s, y) when
 * yᵀs > 1e-10 (dropping the oldest past `history_size`) and update γ = yᵀs / yᵀy, then d = −H g by the two-loop
 * recursion, starting from H₀ = γI. `dPrev` and `t` are the last direction and step; updates `st`'s history.
 */
export function lbfgsDirection(g: Float32Array, st: LBFGSState, dPrev: Float32Array, t: number, history_size: number): Float32Array {
  const y = Float32Array.from(g, (gi, i) => gi - st.prev_flat_grad![i]);
  const s = scaled(dPrev, t);
  const ys = dot(y, s);
  if (ys > f32(1e-10)) {
    if (st.old_dirs.length === history_size) {
      st.old_dirs.shift();
      st.old_stps.shift();
      st.ro.shift();
    }
    const ρ = f32(1 / ys);
    st.old_dirs.push(y);
    st.old_stps.push(s);
    st.ro.push(ρ);
    st.H_diag = f32(ys / dot(y, y));
  }
  const m = st.old_dirs.length;
  const α: number[] = new Array(m);
  const q = scaled(g, -1);
  for (let i = m - 1; i >= 0; i--) {
    α[i] = f32(dot(st.old_stps[i], q) * st.ro[i]);
    addScaled(q, -α[i], st.old_dirs[i]);
  }
  const d = scaled(q, st.H_diag);
  for (let i = 0; i < m; i++) {
    const β = f32(dot(st.old_dirs[i], d) * st.ro[i]);
    addScaled(d, f32(α[i] - β), st.old_stps[i]);
  }
  return d;
}
// #endregion update

export interface LBFGS {
  readonly options: Readonly<LBFGSOptions>;
  /** The parameters, updated in place by `step`. */
  readonly x: Float32Array;
  readonly state: Readonly<LBFGSState>;
  /** How many times the closure ran in the last `step`. */
  readonly evaluations: number;
  /** One torch `optimizer.step(closure)`; returns the loss of its first evaluation. */
  step(closure: LBFGSClosure): number;
  /** Forget the history; the next step starts like the first. */
  reset(): void;
}

const title = "L-BFGS";

/** Merge over the defaults and validate (torch's None for max_eval: ⌊1.25 · max_iter⌋). */
export function resolveLBFGSOptions(options: Partial<LBFGSOptions> = {}): Readonly<LBFGSOptions> {
  for (const name of Object.keys(options)) check(name in defaults, `Unknown option for ${title}: ${name} (known: ${Object.keys(defaults).join(", ")})`);
  const max_iter = options.max_iter ?? defaults.max_iter;
  const o: LBFGSOptions = { ...defaults, max_eval: Math.floor((max_iter * 5) / 4), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  checkLr(o.lr);
  for (const k of ["max_iter", "max_eval", "history_size"] as const) check(Number.isInteger(o[k]) && o[k] >= 1, `Invalid ${k}: ${o[k]} (${k}; a positive integer)`);
  for (const k of ["tolerance_grad", "tolerance_change"] as const) check(o[k] >= 0, `Invalid ${k}: ${o[k]} (${k})`);
  check(o.line_search_fn === "none" || o.line_search_fn === "strong_wolfe", `only 'strong_wolfe' is supported (line_search_fn: ${JSON.stringify(o.line_search_fn)})`);
  return Object.freeze(o);
}

function freshState(): LBFGSState {
  return { func_evals: 0, n_iter: 0, d: null, t: null, tIsTensor: false, old_dirs: [], old_stps: [], ro: [], H_diag: 1, prev_flat_grad: null, prev_loss: null };
}

/** An L-BFGS runner over the flat parameter vector `x` (updated in place), torch's LBFGS(params, …). */
export function createLBFGS(x: Float32Array, options?: Partial<LBFGSOptions>): LBFGS {
  const o = resolveLBFGSOptions(options);
  let state = freshState();
  let evaluations = 0;

  const evaluate = (closure: LBFGSClosure) => {
    const { loss, grad } = closure();
    if (grad.length !== x.length) throw new Error(`L-BFGS: the closure returned ${grad.length} gradient values for ${x.length} parameters`);
    return { loss: Number(loss), grad: Float32Array.from(grad) };
  };

  return {
    options: o,
    x,
    get state() {
      return state;
    },
    get evaluations() {
      return evaluations;
    },
    reset() {
      state = freshState();
    },

    step(closure) {
      const s = state;
      const tolGrad = f32(o.tolerance_grad);
      const tolChange = f32(o.tolerance_change);
      const first = evaluate(closure);
      let loss = first.loss;
      let g: Float32Array = first.grad;
      const origLoss = loss;
      let currentEvals = 1;
      s.func_evals++;
      evaluations = 1;
      let optCond = maxAbs(g) <= tolGrad;
      if (optCond) return origLoss;

      let d = s.d;
      let t: Scalar = s.t === null ? py(NaN) : { v: s.t, f32: s.tIsTensor };
      let nIter = 0;
      while (nIter < o.max_iter) {
        nIter++;
        s.n_iter++;

        if (s.n_iter === 1) {
          d = scaled(g, -1);
          s.old_dirs = [];
          s.old_stps = [];
          s.ro = [];
          s.H_diag = 1;
        } else d = lbfgsDirection(g, s, d!, t.v, o.history_size);
        s.prev_flat_grad = g.slice();
        s.prev_loss = loss;

        // step length: min(1, 1/‖g‖₁)·lr on the very first iteration, lr afterwards
        if (s.n_iter === 1) {
          let l1 = 0;
          for (const gi of g) l1 += Math.abs(gi);
          const inv = tensor(1 / f32(l1)); // 1./tensor: a float32 tensor
          t = lt(inv, 1) ? mul(inv, o.lr) : mul(1, o.lr);
        } else t = py(o.lr);

        const gtd = dot(g, d!);
        if (gtd > -tolChange) break;

        let lsEvals = 0;
        if (o.line_search_fn === "strong_wolfe") {
          const x0 = x.slice();
          const dir = d!;
          const ls = strongWolfe(
            (τ) => {
              addScaled(x, τ, dir);
              const r = evaluate(closure);
              x.set(x0);
              return r;
            },
            t,
            dir,
            loss,
            g,
            gtd,
          );
          ({ loss, grad: g, t } = ls);
          lsEvals = ls.evals;
          addScaled(x, t.v, dir);
          optCond = maxAbs(g) <= tolGrad;
        } else {
          addScaled(x, t.v, d!);
          // torch skips the evaluation after the last iteration (the next step starts with one)
          if (nIter !== o.max_iter) {
            ({ loss, grad: g } = evaluate(closure));
            optCond = maxAbs(g) <= tolGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        s.func_evals += lsEvals;
        evaluations = currentEvals;

        if (nIter === o.max_iter) break;
        if (currentEvals >= o.max_eval) break;
        if (optCond) break;
        if (maxAbs(scaled(d!, t.v)) <= tolChange) break;
        if (Math.abs(loss - s.prev_loss) < o.tolerance_change) break;
      }
      s.d = d;
      [s.t, s.tIsTensor] = [t.v, t.f32];
      return origLoss;
    },
  };
}

/**
 * L-BFGS's description, like the per-element optimizers' definitions (name, defaults, ranges, KaTeX), with its
 * own runner instead of `init`/`update`.
 */
export const lbfgs = Object.freeze({
  name: "lbfgs",
  title,
  defaults,
  ranges,
  tex,
  /** Merge over the defaults and check, with torch's meaning of a missing max_eval. */
  resolve: resolveLBFGSOptions,
  create: createLBFGS,
});

/**
 * Lets L-BFGS train tf.Variables: `x` holds their values end to end (torch's flattening order); `closure`
 * writes x into the variables, evaluates `loss` and returns the loss and the flat gradient; `write()` copies x
 * into the variables after a step (the last move of a step is not evaluated). Nothing is left allocated but the
 * variables' new values. It reads values with `dataSync`, which works on cpu, wasm and WebGL but not on WebGPU in
 * headless Chromium (notes/platform.md); an asynchronous closure would be needed there.
 */
export function variablesObjective(vars: tf.Variable[], loss: (...params: tf.Tensor[]) => tf.Scalar): { x: Float32Array; closure: LBFGSClosure; write(): void } {
  const sizes = vars.map((v) => v.size);
  const x = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const v of vars) {
    x.set(v.dataSync() as Float32Array, at);
    at += v.size;
  }
  const write = () => {
    let k = 0;
    vars.forEach((v, i) => {
      tf.tidy(() => v.assign(tf.tensor(x.subarray(k, k + sizes[i]), v.shape, "float32")));
      k += sizes[i];
    });
  };
  const closure: LBFGSClosure = () => {
    write();
    const { value, grads } = tf.valueAndGrads(loss)(vars);
    const grad = new Float32Array(x.length);
    let k = 0;
    grads.forEach((g, i) => {
      grad.set(g.dataSync() as Float32Array, k);
      k += sizes[i];
    });
    const l = value.dataSync()[0];
    tf.dispose([value, ...grads]);
    return { loss: l, grad };
  };
  return { x, closure, write };
}
