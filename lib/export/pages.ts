/**
 * Each page's PyTorch export, built from the page's settings in one place, so the page and the test that runs
 * the program in torch (tests/unit/pytorch-exports.test.ts) build the same program.
 */
import { linearData, splitRows } from "../data/synthetic.js";
import { normals, rng } from "../random.js";
import { TORCH_SURFACES, type PyTorchConfig, type PyTorchOptimizer } from "./pytorch.js";

/** The landing race: every runner that could start, from `start`, `steps` steps; prints where each ends. */
export function racePyTorch({ surface, start, steps, runners }: { surface: string; start: readonly number[]; steps: number; runners: PyTorchOptimizer[] }): PyTorchConfig {
  return { optimizers: runners, objective: { expr: TORCH_SURFACES[surface], start: [...start], steps, valueInFloat64: true } };
}

/** The optimizers page: one optimizer on a surface from its start; prints the point and f after the last step. */
export function surfaceRunPyTorch({ surface, start, steps, optimizer }: { surface: string; start: readonly number[]; steps: number; optimizer: PyTorchOptimizer }): PyTorchConfig {
  return { optimizer, objective: { expr: TORCH_SURFACES[surface], start: [...start], steps, valueInFloat64: true } };
}

/** gradient-descent's parabola f(x) = x²: prints the page's table (every 20 iterations). */
export function parabolaPyTorch({ lr, momentum, iterations, start }: { lr: number; momentum: number; iterations: number; start: number }): PyTorchConfig {
  return { optimizer: { name: "sgd", options: { lr, momentum } }, objective: { expr: "(x ** 2).sum()", start: [start], steps: iterations, every: 20 } };
}

/**
 * gradient-descent's line fit: the page's 100 generated points (lib's linearData from `seed`) and initial
 * weights (normals from seed + 1) written into the program; x = [w₁, w₂, b]. Prints the training loss (before
 * the step) and the validation loss (after it) every 50 epochs, as the page's chart, and w, b at the end.
 */
export function lineFitPyTorch({ lr, momentum, epochs, seed, changes }: { lr: number; momentum: number; epochs: number; seed: number; changes?: PyTorchOptimizer["changes"] }): PyTorchConfig {
  const data = linearData({ n: 100, weights: [0.77, -0.56], seed });
  const [train, val] = splitRows(data.n, [0.8, 0.1, 0.1]);
  const rows = (name: string, [a, b]: [number, number]) => [
    { name: `X_${name}`, shape: [b - a, 2], values: data.X.slice(a * 2, b * 2) },
    { name: `y_${name}`, shape: [b - a], values: data.y.slice(a, b) },
  ];
  return {
    optimizer: { name: "sgd", options: { lr, momentum }, ...(changes?.length && { changes }) },
    objective: {
      expr: "((X_train @ x[:2] + x[2] - y_train) ** 2).sum()",
      start: [...normals(3, rng(seed + 1))],
      steps: epochs,
      every: 50,
      monitors: [{ label: "validation loss after step", expr: "((X_validation @ x[:2] + x[2] - y_validation) ** 2).sum()" }],
      data: [
        ...rows("train", train).map((t, i) => (i === 0 ? { ...t, note: `the page's data (seed ${seed}): X in [0, 10)², y = X·[0.77, −0.56] + b; rows 0-79 train, 80-89 validate` } : t)),
        ...rows("validation", val),
      ],
    },
  };
}

/** digits: the table's optimizers, one step per image, from the page's initial weights; the digits CSV on the command line. */
export function digitsPyTorch({ runs, epochs, initSeed }: { runs: PyTorchOptimizer[]; epochs: number; initSeed: number }): PyTorchConfig {
  return { optimizers: runs, model: { kind: "linear", inputs: 64, outputs: 10, initSeed }, data: { name: "digits", epochs } };
}

/** adam's demo: the Understanding-Adam notebook's random-data regression, the page's data and weights from `seed`, loss every 50 steps. */
export function adamDemoPyTorch({ lr, betas, eps, steps, seed, sizes, changes }: { lr: number; betas: readonly number[]; eps: number; steps: number; seed: number; sizes: { n: number; dIn: number; hidden: number; dOut: number }; changes?: PyTorchOptimizer["changes"] }): PyTorchConfig {
  return {
    optimizer: { name: "adam", options: { lr, betas: [...betas], eps }, ...(changes?.length && { changes }) },
    model: { kind: "mlp", sizes: [sizes.dIn, sizes.hidden, sizes.dOut], init: "torch-default", initSeed: seed },
    data: { name: "random", samples: sizes.n, inputs: sizes.dIn, outputs: sizes.dOut, seed, steps, every: 50 },
    loss: "mse_sum",
  };
}

/** newton's sum of sines from the page's x₀. */
export function newtonSinesPyTorch({ start, safeguarded }: { start: readonly number[]; safeguarded: boolean }): PyTorchConfig {
  return {
    newton: {
      expr: "x.double().sin().float().sum()",
      note: "sin in float64, rounded to float32, as tfjs computes it: pure Newton's step cot(x) magnifies the\n" +
        "1-ulp differences of a float32 sin (from x near 0 it jumps to x ≈ 34) into 1e-2 differences mid-run.",
      start: [...start],
      safeguarded,
      maxIterations: 50,
    },
  };
}

/**
 * The digits page's default table and settings (src/digits.md: `table`, the epochs and seed inputs), for the
 * PyTorch fixture src/data/digits-pytorch.json; a test checks them against the page's source.
 */
export const DIGITS_PAGE_DEFAULTS = Object.freeze({
  runs: [
    { label: "Adam", name: "adam", options: { lr: 1e-3 } },
    { label: "SGD", name: "sgd", options: { lr: 1e-3 } },
    { label: "RMSprop", name: "rmsprop", options: { lr: 1e-3 } },
    { label: "Adagrad", name: "adagrad", options: { lr: 1e-2 } },
  ],
  epochs: 15,
  initSeed: 1,
});
