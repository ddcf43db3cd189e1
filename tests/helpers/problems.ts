/**
 * The four problems of shared/fixtures/torch-optim, built from a fixture's `problem` and `init`, in two forms:
 *  - `tfProblem`: tf.Variables plus a loss written with tfjs ops, for `tf.valueAndGrads`;
 *  - `floatProblem`: Float32Array parameters plus a hand-written loss and gradient in plain JS (quadratic and
 *    Rosenbrock only), for the FloatVec engine.
 * Step t is 1-based, as in the fixtures (softmax regression picks its batch from t).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";

export interface TensorJSON {
  shape: number[];
  data: number[];
}

export interface Fixture {
  name: string;
  problem: { kind: "quadratic" | "rosenbrock" | "softmax-regression" | "mlp-mse"; [data: string]: unknown };
  init: Record<string, TensorJSON>;
  optimizer: { name: string; options: Record<string, unknown> };
  steps: number;
  losses: number[];
  trajectory: { step: number; params: Record<string, TensorJSON> }[];
}

/** Every fixture in `<dir>/torch-optim`, sorted by file name. */
export function loadFixtures(folder: string): { file: string; fixture: Fixture }[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(folder, file), "utf8")) as Fixture }));
}

export interface TfProblem {
  /** Parameter names in the fixture's order (the order of `init`). */
  names: string[];
  params: tf.Variable[];
  /** The loss at step t of the given parameter values (pass `params`; valueAndGrads differentiates the args). */
  loss(t: number): (...params: tf.Tensor[]) => tf.Scalar;
  dispose(): void;
}

const matrix = (rows: number[][]) => tf.tensor2d(rows, undefined, "float32");

/** One float32 ulp up (for |x| ≥ 2⁻¹²⁶); 0 stays 0. */
export function ulpUp(x: number): number {
  return Math.fround(x * (1 + 2 ** -23));
}

/** The problem as tfjs tensors; `perturb` moves every initial parameter one ulp (for sensitivity twins). */
export function tfProblem(fixture: Fixture, { perturb = false } = {}): TfProblem {
  const names = Object.keys(fixture.init);
  const params = names.map((n) => {
    const data = perturb ? fixture.init[n].data.map(ulpUp) : fixture.init[n].data;
    return tf.variable(tf.tensor(data, fixture.init[n].shape, "float32"), true);
  });
  const p = fixture.problem;
  const constants: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(x: T): T => (constants.push(x), x);
  let loss: TfProblem["loss"];

  switch (p.kind) {
    case "quadratic": {
      // 0.5 xᵀAx + bᵀx, with (Ax)_i = Σ_j A_ij x_j
      const A = keep(matrix(p.A as number[][]));
      const b = keep(tf.tensor1d(p.b as number[], "float32"));
      loss = () => (x) => tf.add(tf.mul(0.5, tf.sum(tf.mul(x, tf.sum(tf.mul(A, x), 1)))), tf.sum(tf.mul(b, x))) as tf.Scalar;
      break;
    }
    case "rosenbrock": {
      // (1 − x₀)² + 100 (x₁ − x₀²)²
      loss = () => (x) => {
        const x0 = tf.slice(x, [0], [1]);
        const x1 = tf.slice(x, [1], [1]);
        return tf.sum(tf.add(tf.square(tf.sub(1, x0)), tf.mul(100, tf.square(tf.sub(x1, tf.square(x0)))))) as tf.Scalar;
      };
      break;
    }
    case "softmax-regression": {
      // mean cross-entropy of X_b·weightᵀ + bias; batch b = (t − 1) mod (n / batchSize), rows in order
      const X = p.X as number[][];
      const y = p.y as number[];
      const size = p.batchSize as number;
      const batches = X.length / size;
      const classes = fixture.init.bias.shape[0];
      const Xb = Array.from({ length: batches }, (_, b) => keep(matrix(X.slice(b * size, (b + 1) * size))));
      const Yb = Array.from({ length: batches }, (_, b) => keep(tf.cast(tf.oneHot(tf.tensor1d(y.slice(b * size, (b + 1) * size), "int32"), classes), "float32")));
      loss = (t) => (weight, bias) => {
        const b = (t - 1) % batches;
        const logits = tf.add(tf.matMul(Xb[b], weight, false, true), bias);
        return tf.neg(tf.mean(tf.sum(tf.mul(Yb[b], tf.logSoftmax(logits)), 1))) as tf.Scalar;
      };
      break;
    }
    case "mlp-mse": {
      // sum((relu(X w1ᵀ + b1) w2ᵀ + b2 − Y)²), full batch
      const X = keep(matrix(p.X as number[][]));
      const Y = keep(matrix(p.Y as number[][]));
      loss = () => (w1, b1, w2, b2) => {
        const h = tf.relu(tf.add(tf.matMul(X, w1, false, true), b1));
        const out = tf.add(tf.matMul(h, w2, false, true), b2);
        return tf.sum(tf.square(tf.sub(out, Y))) as tf.Scalar;
      };
      break;
    }
    default:
      throw new Error(`Unknown problem kind: ${String((p as { kind: unknown }).kind)}`);
  }
  return {
    names,
    params,
    loss,
    dispose() {
      for (const x of [...params, ...constants]) x.dispose();
    },
  };
}

export interface FloatProblem {
  names: string[];
  params: Float32Array[];
  /** Loss at the current parameters; writes the gradients (rounded to float32) into `grads`. */
  lossAndGrad(t: number, grads: Float32Array[]): number;
}

/** Quadratic (double arithmetic, gradient stored as float32) and Rosenbrock (float32 throughout) in plain JS. */
export function floatProblem(fixture: Fixture): FloatProblem {
  const names = Object.keys(fixture.init);
  const params = names.map((n) => Float32Array.from(fixture.init[n].data));
  const p = fixture.problem;
  const x = params[0];
  switch (p.kind) {
    case "quadratic": {
      const A = p.A as number[][];
      const b = p.b as number[];
      const n = x.length;
      return {
        names,
        params,
        lossAndGrad(t, [g]) {
          // f = ½ xᵀAx + bᵀx,  ∇f = ½ (A + Aᵀ) x + b
          let f = 0;
          for (let i = 0; i < n; i++) {
            let Ax = 0;
            let ATx = 0;
            for (let j = 0; j < n; j++) {
              Ax += A[i][j] * x[j];
              ATx += A[j][i] * x[j];
            }
            f += 0.5 * x[i] * Ax + b[i] * x[i];
            g[i] = 0.5 * (Ax + ATx) + b[i];
          }
          return f;
        },
      };
    }
    case "rosenbrock":
      return {
        names,
        params,
        lossAndGrad(t, [g]) {
          // f = (1 − x₀)² + 100 (x₁ − x₀²)², in float32 and in the order torch's autograd evaluates ∇f:
          // the trajectories of the chaotic cases (centered RMSprop) depend on that last bit.
          const f = Math.fround;
          const [x0, x1] = x;
          const r = f(x1 - f(x0 * x0));
          const dr = f(100 * f(2 * r)); // ∂/∂r of 100 r²
          g[0] = f(-f(2 * f(1 - x0)) - f(dr * f(2 * x0)));
          g[1] = dr;
          return f(f(f(1 - x0) ** 2) + f(100 * f(r * r)));
        },
      };
    default:
      throw new Error(`No plain-JS gradient for ${p.kind}`);
  }
}

/** max |a − ref| and the bound 1e-5 · max(1, max |ref|) the fixtures' README sets. */
export function deviation(ours: ArrayLike<number>, ref: ArrayLike<number>): { err: number; bound: number; rel: number } {
  if (ours.length !== ref.length) throw new Error(`length ${ours.length} vs reference ${ref.length}`);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    err = d > err || Number.isNaN(d) ? d : err;
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { err, bound: 1e-5 * scale, rel: err / scale };
}

/**
 * One step of each run on its own problem: the loss where the gradient was taken, then every parameter after the
 * step, as float32 arrays (for runs that must agree bit for bit).
 */
export function stepEach(runs: readonly { problem: TfProblem; opt: { step(params: tf.Variable[], grads: tf.Tensor[]): void } }[], step: number): Float32Array[][] {
  return runs.map(({ problem, opt }) => {
    const { value, grads } = tf.valueAndGrads(problem.loss(step))(problem.params);
    const loss = value.dataSync() as Float32Array;
    opt.step(problem.params, grads);
    tf.dispose([value, ...grads]);
    return [loss, ...problem.params.map((p) => p.dataSync() as Float32Array)];
  });
}
