/**
 * Small dense linear algebra in float64 for Newton's method: vectors are Float64Array, an n×n matrix is a
 * row-major Float64Array of length n². Sizes here are tens to a few hundred, so plain loops are enough.
 *
 * The symmetric eigensolver is the classic Householder tridiagonalisation + implicit QL iteration (EISPACK
 * tred2/tql2, as in JAMA's EigenvalueDecomposition), O(n³), backward stable.
 */

export type Vector = Float64Array;
/** Row-major n×n. */
export type Matrix = Float64Array;

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm2(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function normInf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** x + α·y as a new vector. */
export function axpy(x: ArrayLike<number>, alpha: number, y: ArrayLike<number>): Vector {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + alpha * y[i];
  return out;
}

export function scale(alpha: number, x: ArrayLike<number>): Vector {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i];
  return out;
}

export function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** A·x for row-major n×n A. */
export function matVec(A: ArrayLike<number>, x: ArrayLike<number>): Vector {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** (A + Aᵀ)/2 as float64. */
export function symmetrize(A: ArrayLike<number>, n: number): Matrix {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  return S;
}

/**
 * Cholesky factor L (lower, row-major) with A = LLᵀ, or null when A is not (numerically) positive definite.
 */
export function cholesky(A: ArrayLike<number>, n: number): Matrix | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= L[rj + k] * L[rj + k];
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    L[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      // Row i · row j over k < j, four partial sums (about 1.4× faster in V8 than one running sum).
      const ri = i * n;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        t0 += L[ri + k] * L[rj + k];
        t1 += L[ri + k + 1] * L[rj + k + 1];
        t2 += L[ri + k + 2] * L[rj + k + 2];
        t3 += L[ri + k + 3] * L[rj + k + 3];
      }
      for (; k < j; k++) t0 += L[ri + k] * L[rj + k];
      L[ri + j] = (A[ri + j] - (t0 + t1 + (t2 + t3))) * inv;
    }
  }
  return L;
}

/** Solve LLᵀx = b given the Cholesky factor L. */
export function choleskySolve(L: Matrix, b: ArrayLike<number>): Vector {
  const n = b.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/**
 * Solve A x = b for a general square A by Gaussian elimination with partial pivoting. Throws on an
 * exactly singular pivot; returns non-finite values if A is numerically singular (callers check).
 */
export function solve(A: ArrayLike<number>, b: ArrayLike<number>): Vector {
  const n = b.length;
  const M = Float64Array.from(A as ArrayLike<number>);
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    if (M[p * n + c] === 0) throw new Error(`solve: singular matrix (column ${c})`);
    if (p !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k], M[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    const pivot = M[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Vector;
  /** Eigenvectors as the columns of a row-major n×n matrix (vectors[i·n + k] = component i of vector k); null when not asked for. */
  vectors: Matrix | null;
}

/**
 * Eigen-decomposition A = Q Λ Qᵀ of a symmetric matrix (only symmetric input is meaningful; symmetrise
 * first if round-off may have broken it). `vectors: false` skips accumulating Q (about 3× faster).
 */
export function symmetricEigen(A: ArrayLike<number>, n: number, { vectors = true }: { vectors?: boolean } = {}): SymmetricEigen {
  if (A.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${A.length}`);
  if (!allFinite(A)) throw new Error("symmetricEigen: matrix has non-finite entries");
  if (n === 0) return { values: new Float64Array(0), vectors: vectors ? new Float64Array(0) : null };
  // W is the transpose of JAMA's working matrix V, so that every hot loop walks a row; A = Aᵀ, so W starts as A.
  // On return row k of W is the k-th eigenvector.
  const W: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => A[i * n + j]));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(W, d, e, n, vectors);
  tql2(W, d, e, n, vectors);
  let Q: Matrix | null = null;
  if (vectors) {
    Q = new Float64Array(n * n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) Q[i * n + k] = W[k][i];
  }
  return { values: d, vectors: Q };
}

/** Eigenvalues only, ascending. */
export function symmetricEigenvalues(A: ArrayLike<number>, n: number): Vector {
  return symmetricEigen(A, n, { vectors: false }).values;
}

/** Householder reduction to tridiagonal form (d: diagonal, e: subdiagonal in e[1..n-1]). */
function tred2(W: Float64Array[], d: Float64Array, e: Float64Array, n: number, accumulate: boolean): void {
  for (let j = 0; j < n; j++) d[j] = W[j][n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = W[j][i - 1];
        W[j][i] = 0;
        W[i][j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i][j] = f;
        g = e[j] + W[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += W[j][k] * d[k];
          e[k] += W[j][k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) W[j][k] -= f * e[k] + g * d[k];
        d[j] = W[j][i - 1];
        W[j][i] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    // The tridiagonal's diagonal sits on V's diagonal (the accumulation below would move it into d).
    for (let j = 0; j < n; j++) d[j] = W[j][j];
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    W[i][n - 1] = W[i][i];
    W[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[i + 1][k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += W[i + 1][k] * W[j][k];
        for (let k = 0; k <= i; k++) W[j][k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) W[i + 1][k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = W[j][n - 1];
    W[j][n - 1] = 0;
  }
  W[n - 1][n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iteration on the tridiagonal (d, e); eigenvalues sorted ascending, vectors alongside. */
function tql2(W: Float64Array[], d: Float64Array, e: Float64Array, n: number, accumulate: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) throw new Error("symmetricEigen: QL iteration did not converge");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (accumulate) {
            const wi = W[i];
            const wi1 = W[i + 1];
            for (let k = 0; k < n; k++) {
              h = wi1[k];
              wi1[k] = s * wi[k] + c * h;
              wi[k] = c * wi[k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Sort ascending, moving the eigenvectors (columns) along.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (accumulate) [W[i], W[k]] = [W[k], W[i]];
    }
  }
}

/** What a page needs to draw a Hessian's spectrum and the gradient-descent stability limit. */
export interface Spectrum {
  /** Eigenvalues, ascending. */
  eigenvalues: Vector;
  lambdaMin: number;
  lambdaMax: number;
  /** λ_max / λ_min when the matrix is positive definite, else Infinity. */
  condition: number;
  /** Gradient descent on the local quadratic is stable for η < 2/λ_max (Infinity if λ_max ≤ 0). */
  maxStableLearningRate: number;
}

/** Eigenvalues of a symmetric n×n matrix (symmetrised first) and the numbers drawn from them. */
export function spectrum(H: ArrayLike<number>, n: number): Spectrum {
  const eigenvalues = symmetricEigenvalues(symmetrize(H, n), n);
  const lambdaMin = eigenvalues[0];
  const lambdaMax = eigenvalues[n - 1];
  return {
    eigenvalues,
    lambdaMin,
    lambdaMax,
    condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity,
    maxStableLearningRate: lambdaMax > 0 ? 2 / lambdaMax : Infinity,
  };
}

/**
 * The eigenvalue of largest magnitude of a symmetric operator given only as v ↦ Av (e.g. Hessian-vector
 * products), by power iteration with Rayleigh quotients — λ_max for a positive semidefinite Hessian, in
 * O(iterations) products instead of an O(n³) eigensolve. Stops when the quotient changes by less than
 * tol relative, or after maxIterations. The start vector is fixed (1 + sin i / 2), so runs are repeatable.
 */
export function powerIteration(matVec: (v: Vector) => Vector, n: number, { maxIterations = 200, tol = 1e-7 }: { maxIterations?: number; tol?: number } = {}): { value: number; vector: Vector; iterations: number } {
  let v: Vector = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(i + 1));
  v = scale(1 / norm2(v), v);
  let value = 0;
  for (let k = 1; k <= maxIterations; k++) {
    const w = matVec(v);
    const next = dot(v, w);
    const size = norm2(w);
    if (size === 0) return { value: 0, vector: v, iterations: k };
    v = scale(1 / size, w);
    if (k > 1 && Math.abs(next - value) <= tol * Math.abs(next)) return { value: next, vector: v, iterations: k };
    value = next;
  }
  return { value, vector: v, iterations: maxIterations };
}
