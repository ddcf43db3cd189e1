/**
 * Newton-CG (line-search truncated Newton): solve H p = −g only approximately, by conjugate gradients that
 * touch H solely through Hessian-vector products — never forming the n×n matrix.
 *
 * Inner CG stops when ‖Hp + g‖ ≤ η‖g‖ with η = min(0.5, √‖g‖) (superlinear convergence near a minimum),
 * or when it meets a direction d with dᵀHd ≤ 0: H is not positive definite there, the quadratic model has
 * no minimum, and CG returns the step built so far (or −g if that happens at once). The step then goes
 * through the same Armijo line search as exact Newton.
 * Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.1.
 */
import { axpy, dot, norm2, type Vector } from "./linalg.js";
import { descentIterates, runToEnd, type DirectionKind, type Iterate, type NewtonOptions, type Result } from "./newton.js";
import type { Objective } from "./objective.js";

export interface NewtonCGOptions extends NewtonOptions {
  /** Most inner CG iterations per Newton step (default: the dimension n). */
  maxCGIterations?: number;
}

/**
 * Approximately solve H p = −g by CG, with H given as v ↦ Hv. Returns the step, why it stopped, and the
 * number of CG iterations (= HVPs).
 */
export function truncatedCG(hvp: (v: Vector) => Vector, g: Vector, maxIterations = g.length): { p: Vector; kind: DirectionKind; iterations: number } {
  const gNorm = norm2(g);
  const tolerance = Math.min(0.5, Math.sqrt(gNorm)) * gNorm;
  let z: Vector = new Float64Array(g.length);
  let r: Vector = Float64Array.from(g); // residual Hz + g
  let d: Vector = axpy(new Float64Array(g.length), -1, r);
  let rr = dot(r, r);
  for (let j = 0; j < maxIterations; j++) {
    const Hd = hvp(d);
    const curvature = dot(d, Hd);
    if (curvature <= 0) {
      return j === 0 ? { p: axpy(new Float64Array(g.length), -1, g), kind: "steepest", iterations: j + 1 } : { p: z, kind: "negative-curvature", iterations: j + 1 };
    }
    const alpha = rr / curvature;
    z = axpy(z, alpha, d);
    r = axpy(r, alpha, Hd);
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= tolerance) return { p: z, kind: "cg", iterations: j + 1 };
    d = axpy(axpy(new Float64Array(g.length), -1, r), rrNew / rr, d);
    rr = rrNew;
  }
  return { p: z, kind: "cg", iterations: maxIterations };
}

/** Newton-CG, one iterate at a time. */
export function newtonCGIterates(objective: Objective, x0: ArrayLike<number>, options: NewtonCGOptions = {}): Generator<Iterate, Result, void> {
  return descentIterates(objective, x0, options, (counted, at) => {
    const { p, kind, iterations } = truncatedCG((v) => counted.hvp(at.x, v), at.gradient, options.maxCGIterations ?? objective.dim);
    return { p, kind, cgIterations: iterations };
  });
}

/** Newton-CG run to convergence (or failure, reported in `status`). */
export function newtonCG(objective: Objective, x0: ArrayLike<number>, options: NewtonCGOptions = {}): Result {
  return runToEnd(newtonCGIterates(objective, x0, options));
}
