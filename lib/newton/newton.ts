/**
 * Newton's method with the Hessian, safeguarded for functions that are not convex.
 *
 * Pure Newton:   x ← x − H⁻¹ g. It jumps to the stationary point of the local quadratic model — a
 *                minimum, a maximum or a saddle, whichever is closest — and may overshoot far from one.
 * Safeguarded:   x ← x + α p,  p = −B⁻¹ g,  B = Q max(|Λ|, δ) Qᵀ,  α from a backtracking (Armijo) search.
 *                Each eigenvalue λ of H becomes max(|λ|, δ) (absolute value: Greenstadt 1967, "saddle-free"
 *                Newton, Dauphin et al. 2014), so B is positive definite and p always points downhill; a
 *                direction of negative curvature is followed *down*, with a step sized by its curvature.
 *                The floor δ = c·√‖g‖ (a regulariser of the form Ueda & Yamashita 2010 use) keeps steps
 *                local where the curvature is nearly zero — e.g. sin x near x = 0, where −g/λ would
 *                jump several periods away — and vanishes with the gradient, so the final steps are plain
 *                Newton steps and convergence stays quadratic. When H − δI is positive definite (Cholesky
 *                succeeds) B = H exactly, and H p = −g is solved by Cholesky: same p, no eigensolve.
 * Armijo:        accept the first α ∈ {1, ρ, ρ², …} with f(x + αp) ≤ f(x) + c₁ α gᵀp + noise·|f(x)|; the
 *                noise term (0 for float64 objectives) stops float32 round-off from rejecting the last,
 *                tiny steps whose decrease f cannot resolve.
 * Step by step for pages: {@link newtonIterates} is a generator yielding every iterate (loss, ‖g‖, step,
 * evaluation counts); {@link newton} runs it to convergence and returns a typed {@link NewtonResult}.
 * Nocedal & Wright, Numerical Optimization, 2nd ed., §3.4 (Hessian modification), §3.1 (Armijo).
 */
import { allFinite, axpy, cholesky, choleskySolve, dot, norm2, normInf, solve, symmetricEigen, symmetrize, type Vector } from "./linalg.js";
import type { Objective } from "./objective.js";
import { divergedMessage } from "../train/diverged.js";

export interface EvalCounts {
  /** Function values (including those inside value-and-gradient calls). */
  f: number;
  /** Gradients. */
  grad: number;
  /** Full Hessians. */
  hessian: number;
  /** Hessian-vector products. */
  hvp: number;
}

/** How the search direction of a step was chosen. */
export type DirectionKind =
  | "newton" // H positive definite: p = −H⁻¹g
  | "pure" // pure Newton: p = −H⁻¹g whatever H's signature, α = 1
  | "modified" // eigenvalues replaced by max(|λ|, δ)
  | "cg" // Newton-CG, CG converged or truncated
  | "negative-curvature" // Newton-CG stopped at a direction of non-positive curvature
  | "steepest"; // −g (Newton-CG: negative curvature on the first CG step)

export interface Iterate {
  /** 0 for the starting point, then 1, 2, … */
  iteration: number;
  x: Vector;
  loss: number;
  gradient: Vector;
  gradNorm: number;
  /** The step length α taken to reach this point (0 at the start). */
  stepSize: number;
  direction?: DirectionKind;
  /** Smallest Hessian eigenvalue at the previous point, when it was computed (exact Newton's eig path). */
  minEigenvalue?: number;
  /** Newton-CG: inner CG iterations for this step. */
  cgIterations?: number;
  /** Cumulative counts so far. */
  evals: EvalCounts;
}

export type Status =
  | "converged" // ‖g‖∞ ≤ gradTol
  | "max-iterations"
  | "non-finite" // f or ∇f is NaN/±∞ at the start, or a direction was
  | "line-search-failed"; // no α ≤ 1 in maxBacktracks halvings decreased f enough (often: float32 precision reached)

export interface Result {
  status: Status;
  converged: boolean;
  message: string;
  x: Vector;
  loss: number;
  gradNorm: number;
  iterations: number;
  evals: EvalCounts;
  /** Loss at every iterate, starting point first. */
  losses: number[];
}

export interface LineSearchOptions {
  /** Sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Backtracking factor ρ (default 0.5). */
  rho?: number;
  /** Most halvings before giving up (default 40). */
  maxBacktracks?: number;
  /** Relative accuracy of f (default: the objective's `noise`, else 0). */
  noise?: number;
}

export interface NewtonOptions extends LineSearchOptions {
  /** Stop when ‖∇f‖∞ ≤ gradTol (default 1e-5: float32 gradients are accurate to ~1e-7 of their scale). */
  gradTol?: number;
  /** Most Newton steps (default 100). */
  maxIterations?: number;
  /** c in the eigenvalue floor δ = c·√‖∇f‖₂ (default 1; never below 1e-12). */
  minCurvature?: number;
}

export const newtonDefaults: Readonly<Required<NewtonOptions>> = Object.freeze({
  gradTol: 1e-5,
  maxIterations: 100,
  minCurvature: 1,
  c1: 1e-4,
  rho: 0.5,
  maxBacktracks: 40,
  noise: 0,
});

export const zeroCounts = (): EvalCounts => ({ f: 0, grad: 0, hessian: 0, hvp: 0 });

/** Evaluation-counting wrapper around an objective. */
export class Counted {
  readonly evals = zeroCounts();
  constructor(readonly objective: Objective) {}
  value(x: Vector): number {
    this.evals.f++;
    return this.objective.value(x);
  }
  valueAndGradient(x: Vector): { value: number; gradient: Vector } {
    this.evals.f++;
    this.evals.grad++;
    return this.objective.valueAndGradient(x);
  }
  hessian(x: Vector): Vector {
    if (!this.objective.hessian) throw new Error("This objective has no Hessian (exact Newton needs one).");
    this.evals.hessian++;
    return this.objective.hessian(x);
  }
  hvp(x: Vector, v: Vector): Vector {
    if (!this.objective.hvp) throw new Error("This objective has no Hessian-vector product (Newton-CG needs one).");
    this.evals.hvp++;
    return this.objective.hvp(x, v);
  }
  snapshot(): EvalCounts {
    return { ...this.evals };
  }
}

/**
 * Backtracking line search: the first α = ρᵏ (k = 0, 1, …) with f(x + αp) ≤ f(x) + c₁ α gᵀp and f finite.
 * Returns null when p is not a descent direction or no α is accepted.
 */
export function armijo(
  f: (x: Vector) => number,
  x: Vector,
  fx: number,
  g: Vector,
  p: Vector,
  { c1 = newtonDefaults.c1, rho = newtonDefaults.rho, maxBacktracks = newtonDefaults.maxBacktracks, noise = 0 }: LineSearchOptions = {},
): { alpha: number; x: Vector; value: number } | null {
  const slope = dot(g, p);
  if (!(slope < 0)) return null;
  const slack = noise * Math.abs(fx);
  let alpha = 1;
  for (let k = 0; k <= maxBacktracks; k++) {
    const xNew = axpy(x, alpha, p);
    const value = f(xNew);
    if (Number.isFinite(value) && value <= fx + c1 * alpha * slope + slack) return { alpha, x: xNew, value };
    alpha *= rho;
  }
  return null;
}

/**
 * The safeguarded Newton direction p = −B⁻¹g, B = Q max(|Λ|, δ) Qᵀ for symmetric H, δ = max(1e-12,
 * minCurvature·√‖g‖). When every eigenvalue exceeds δ, B = H and the Cholesky factor of H gives p.
 */
export function modifiedNewtonDirection(H: Vector, g: Vector, minCurvature = newtonDefaults.minCurvature): { p: Vector; kind: DirectionKind; minEigenvalue?: number } {
  const n = g.length;
  const S = symmetrize(H, n);
  const delta = Math.max(1e-12, minCurvature * Math.sqrt(norm2(g)));
  const shifted = Float64Array.from(S);
  for (let i = 0; i < n; i++) shifted[i * n + i] -= delta;
  if (cholesky(shifted, n)) {
    // λ_min(H) > δ: B = H.
    const p = choleskySolve(cholesky(S, n)!, g);
    for (let i = 0; i < n; i++) p[i] = -p[i];
    return { p, kind: "newton" };
  }
  const { values, vectors } = symmetricEigen(S, n);
  const Q = vectors!;
  // p = −Q diag(1/max(|λ|, δ)) Qᵀ g
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let qg = 0;
    for (let i = 0; i < n; i++) qg += Q[i * n + k] * g[i];
    const c = -qg / Math.max(Math.abs(values[k]), delta);
    for (let i = 0; i < n; i++) p[i] += c * Q[i * n + k];
  }
  return { p, kind: "modified", minEigenvalue: values[0] };
}

/** One unsafeguarded Newton step x − H⁻¹g (H solved as a general matrix: it may be indefinite). */
// #region pure-newton
export function pureNewtonStep(objective: Objective, x: Vector): Vector {
  if (!objective.hessian) throw new Error("pureNewtonStep needs an objective with a Hessian.");
  const { gradient } = objective.valueAndGradient(x);
  const step = solve(symmetrize(objective.hessian(x), x.length), gradient);
  return axpy(x, -1, step);
}
// #endregion pure-newton

/**
 * Pure Newton, one iterate at a time: x ← x − H⁻¹g with α = 1, no line search, no eigenvalue fix. It
 * converges to whichever stationary point the local quadratic model points at — minimum, maximum or saddle.
 * Stops when ‖g‖∞ ≤ gradTol, after maxIterations, or when a step is not finite (singular H).
 */
export function* pureNewtonIterates(objective: Objective, x0: ArrayLike<number>, options: Pick<NewtonOptions, "gradTol" | "maxIterations"> = {}): Generator<Iterate, Result, void> {
  const { gradTol, maxIterations } = { ...newtonDefaults, ...options };
  const counted = new Counted(objective);
  const x = Float64Array.from(x0);
  const start = counted.valueAndGradient(x);
  let at: Iterate = { iteration: 0, x, loss: start.value, gradient: start.gradient, gradNorm: norm2(start.gradient), stepSize: 0, evals: counted.snapshot() };
  const losses = [at.loss];
  yield at;
  for (;;) {
    if (!Number.isFinite(at.loss) || !allFinite(at.gradient)) return finish("non-finite", nonFinite(at.iteration, at.loss, at.gradient), at, losses, counted.snapshot());
    if (normInf(at.gradient) <= gradTol) return finish("converged", `‖∇f‖∞ ≤ ${gradTol} after ${at.iteration} iterations`, at, losses, counted.snapshot());
    if (at.iteration >= maxIterations) return finish("max-iterations", `stopped after ${maxIterations} iterations`, at, losses, counted.snapshot());
    let step: Vector;
    try {
      step = solve(symmetrize(counted.hessian(at.x), at.x.length), at.gradient);
    } catch {
      step = new Float64Array(at.x.length).fill(NaN); // an exactly singular pivot
    }
    if (!allFinite(step)) return finish("non-finite", `the Hessian is singular at iteration ${at.iteration}`, at, losses, counted.snapshot());
    const xNew = axpy(at.x, -1, step);
    const next = counted.valueAndGradient(xNew);
    at = {
      iteration: at.iteration + 1,
      x: xNew,
      loss: next.value,
      gradient: next.gradient,
      gradNorm: norm2(next.gradient),
      stepSize: 1,
      direction: "pure",
      evals: counted.snapshot(),
    };
    losses.push(at.loss);
    yield at;
  }
}

export type StationaryKind = "minimum" | "maximum" | "saddle" | "degenerate";

/**
 * What kind of stationary point a Hessian's eigenvalues describe: all > tol a (strict local) minimum, all
 * < −tol a maximum, both signs a saddle, otherwise (some |λ| ≤ tol, the rest one sign) degenerate — the
 * second-order test cannot tell.
 */
export function stationaryPointKind(eigenvalues: ArrayLike<number>, tol = 1e-8): StationaryKind {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    if (eigenvalues[i] > tol) pos++;
    else if (eigenvalues[i] < -tol) neg++;
  }
  if (pos > 0 && neg > 0) return "saddle";
  if (pos === eigenvalues.length) return "minimum";
  if (neg === eigenvalues.length) return "maximum";
  return "degenerate";
}

function finish(status: Status, message: string, last: Iterate, losses: number[], evals: EvalCounts): Result {
  return {
    status,
    converged: status === "converged",
    message,
    x: last.x,
    loss: last.loss,
    gradNorm: last.gradNorm,
    iterations: last.iteration,
    evals,
    losses,
  };
}

/** lib/train's divergence rule, worded the same: "diverged at step k (loss = NaN)", or the gradient's first
 * non-finite entry when the loss is still finite. */
function nonFinite(k: number, loss: number, gradient: Vector): string {
  return Number.isFinite(loss) ? divergedMessage(k, gradient.find((v) => !Number.isFinite(v)) ?? NaN, "gradient") : divergedMessage(k, loss);
}

/**
 * A line-search method as a generator: `direction` picks p at each iterate. Shared by exact Newton and
 * Newton-CG. Yields the start and every accepted iterate; returns the result.
 */
export function* descentIterates(
  objective: Objective,
  x0: ArrayLike<number>,
  options: NewtonOptions,
  direction: (counted: Counted, at: Iterate) => { p: Vector; kind: DirectionKind; minEigenvalue?: number; cgIterations?: number },
): Generator<Iterate, Result, void> {
  const o = { ...newtonDefaults, noise: objective.noise ?? 0, ...options };
  const counted = new Counted(objective);
  const x = Float64Array.from(x0);
  const start = counted.valueAndGradient(x);
  let at: Iterate = {
    iteration: 0,
    x,
    loss: start.value,
    gradient: start.gradient,
    gradNorm: norm2(start.gradient),
    stepSize: 0,
    evals: counted.snapshot(),
  };
  const losses = [at.loss];
  yield at;
  if (!Number.isFinite(at.loss) || !allFinite(at.gradient)) {
    return finish("non-finite", nonFinite(0, at.loss, at.gradient), at, losses, counted.snapshot());
  }
  for (;;) {
    if (normInf(at.gradient) <= o.gradTol) {
      return finish("converged", `‖∇f‖∞ ≤ ${o.gradTol} after ${at.iteration} iterations`, at, losses, counted.snapshot());
    }
    if (at.iteration >= o.maxIterations) {
      return finish("max-iterations", `stopped after ${o.maxIterations} iterations`, at, losses, counted.snapshot());
    }
    const d = direction(counted, at);
    if (!allFinite(d.p)) return finish("non-finite", "the search direction is not finite", at, losses, counted.snapshot());
    const step = armijo((z) => counted.value(z), at.x, at.loss, at.gradient, d.p, o);
    if (step == null) {
      return finish("line-search-failed", `no sufficient decrease along the ${d.kind} direction at iteration ${at.iteration}`, at, losses, counted.snapshot());
    }
    const next = counted.valueAndGradient(step.x);
    if (!Number.isFinite(next.value) || !allFinite(next.gradient)) {
      return finish("non-finite", nonFinite(at.iteration + 1, next.value, next.gradient), at, losses, counted.snapshot());
    }
    at = {
      iteration: at.iteration + 1,
      x: step.x,
      loss: next.value,
      gradient: next.gradient,
      gradNorm: norm2(next.gradient),
      stepSize: step.alpha,
      direction: d.kind,
      minEigenvalue: d.minEigenvalue,
      cgIterations: d.cgIterations,
      evals: counted.snapshot(),
    };
    losses.push(at.loss);
    yield at;
  }
}

/** Run a generator of iterates to the end and return its result. */
export function runToEnd(iterates: Generator<Iterate, Result, void>): Result {
  for (;;) {
    const r = iterates.next();
    if (r.done) return r.value;
  }
}

/** Safeguarded exact Newton, one iterate at a time (see the module comment). */
export function newtonIterates(objective: Objective, x0: ArrayLike<number>, options: NewtonOptions = {}): Generator<Iterate, Result, void> {
  const minCurvature = options.minCurvature ?? newtonDefaults.minCurvature;
  return descentIterates(objective, x0, options, (counted, at) => modifiedNewtonDirection(counted.hessian(at.x), at.gradient, minCurvature));
}

/** Safeguarded exact Newton run to convergence (or failure, reported in `status`). */
export function newton(objective: Objective, x0: ArrayLike<number>, options: NewtonOptions = {}): Result {
  return runToEnd(newtonIterates(objective, x0, options));
}
