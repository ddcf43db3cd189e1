/**
 * The PyTorch program equivalent to a page's configuration, so a reader can rerun it outside the browser.
 * Our optimizers use torch.optim's names and semantics, so the options carry over one to one.
 */

/** torch.optim class names for our optimizer names. */
export const TORCH_OPTIMIZERS: Record<string, string> = {
  sgd: "SGD",
  adagrad: "Adagrad",
  adadelta: "Adadelta",
  rmsprop: "RMSprop",
  adam: "Adam",
  adamw: "AdamW",
};

export type ModelSpec =
  | { kind: "mlp"; sizes: number[]; init: "kaiming-normal" | "torch-default" }
  | { kind: "linear"; inputs: number; outputs: number };

/** One optimizer of a program; `label` names it in a multi-optimizer program's output. */
export interface PyTorchOptimizer {
  name: string;
  options: Record<string, unknown>;
  label?: string;
}

export interface PyTorchConfig {
  /** The optimizer to run… */
  optimizer?: PyTorchOptimizer;
  /**
   * …or several, run one after the other on the same problem, each from the same start (the seed is reset
   * before each, so an MLP gets the same initial weights and the same batches): a race.
   */
  optimizers?: PyTorchOptimizer[];
  seed: number;
  /** A model trained on a data set… */
  model?: ModelSpec;
  /**
   * `perClass`: train on a balanced subset, the first `perClass` images of each digit (MNIST only; not the
   * page's own subset, the same size and balance); `augment`: rotate ±5° and shift ±2 px like the notebooks;
   * `test`: print the test-set accuracy after each epoch (MNIST only). `shuffle` (default true): false visits
   * the rows in file order. "random": `samples` rows of N(0, 1) inputs (`inputs` wide) and targets (`outputs`).
   */
  data?: {
    name: "mnist" | "digits" | "random";
    batchSize: number;
    epochs: number;
    perClass?: number;
    augment?: boolean;
    test?: boolean;
    shuffle?: boolean;
    samples?: number;
    inputs?: number;
    outputs?: number;
  };
  loss?: "cross_entropy" | "mse_sum" | "mse_mean";
  /** …or a function of a parameter vector, minimised directly (a 2-D surface, a parabola)… */
  objective?: { expr: string; start: number[]; steps: number };
  /** …or minimised by Newton's method (no torch.optim class: the program writes the iteration out). */
  newton?: NewtonSpec;
}

/** Newton's method on f(x) = `expr`: pure (x ← x − H⁻¹g) or safeguarded like lib/newton's newtonIterates. */
export interface NewtonSpec {
  expr: string;
  start: number[];
  safeguarded: boolean;
  maxIterations: number;
  /** Stop when ‖∇f‖∞ ≤ gradTol (default 1e-5, lib/newton's). */
  gradTol?: number;
  /** c in the eigenvalue floor δ = max(1e-12, c·√‖∇f‖₂) (default 1). */
  minCurvature?: number;
}

/** A Python literal for a JS option value: booleans, numbers, tuples (betas). */
export function pyLiteral(v: unknown): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`Cannot write ${v} as a Python literal`);
    return String(v);
  }
  if (Array.isArray(v)) return `(${v.map(pyLiteral).join(", ")}${v.length === 1 ? "," : ""})`;
  if (typeof v === "string") return JSON.stringify(v);
  throw new Error(`Cannot write ${typeof v} as a Python literal`);
}

function optimizerLine(name: string, options: Record<string, unknown>, params: string): string {
  const cls = TORCH_OPTIMIZERS[name];
  if (!cls) throw new Error(`No torch.optim class for optimizer "${name}"`);
  const args = Object.entries(options).map(([k, v]) => `${k}=${pyLiteral(v)}`);
  return `optimizer = torch.optim.${cls}(${[params, ...args].join(", ")})`;
}

function modelLines(m: ModelSpec): string[] {
  if (m.kind === "linear") return [`model = nn.Linear(${m.inputs}, ${m.outputs})`];
  const layers: string[] = [];
  m.sizes.slice(1).forEach((out, i) => {
    layers.push(`nn.Linear(${m.sizes[i]}, ${out})`);
    if (i < m.sizes.length - 2) layers.push("nn.ReLU()");
  });
  const lines = [`model = nn.Sequential(nn.Flatten(), ${layers.join(", ")})`];
  if (m.init === "kaiming-normal") {
    lines.push(
      "for p in model.parameters():",
      "    if p.dim() > 1:",
      '        nn.init.kaiming_normal_(p, nonlinearity="relu")',
      "    else:",
      "        nn.init.zeros_(p)",
    );
  }
  return lines;
}

const DATA: Record<string, string[]> = {
  digits: [
    "from sklearn.datasets import load_digits",
    "X, y = load_digits(return_X_y=True)",
    "data = torch.utils.data.TensorDataset(torch.tensor(X[:898], dtype=torch.float32), torch.tensor(y[:898]))",
  ],
};

const LOSS: Record<string, string> = {
  cross_entropy: "loss_fn = nn.CrossEntropyLoss()",
  mse_sum: 'loss_fn = nn.MSELoss(reduction="sum")',
  mse_mean: "loss_fn = nn.MSELoss()",
};

const indent = (lines: string[], by = "    "): string[] => lines.map((l) => (l ? by + l : l));

function mnistLines(d: NonNullable<PyTorchConfig["data"]>): string[] {
  const steps = [
    ...(d.augment ? ["transforms.RandomRotation(5)", "transforms.RandomCrop(28, padding=2)"] : []),
    "transforms.ToTensor()",
    "transforms.Normalize((0.1307,), (0.3081,))",
  ];
  const lines = [
    "from torchvision import datasets, transforms",
    `data = datasets.MNIST('.', train=True, download=True, transform=transforms.Compose([${steps.join(", ")}]))`,
  ];
  if (d.perClass !== undefined) {
    if (!(Number.isInteger(d.perClass) && d.perClass > 0)) throw new Error(`perClass must be a positive integer, got ${d.perClass}`);
    lines.push(
      `# a balanced subset: the first ${d.perClass} images of each digit`,
      `data = torch.utils.data.Subset(data, torch.cat([torch.nonzero(data.targets == c).flatten()[:${d.perClass}] for c in range(10)]).tolist())`,
    );
  }
  if (d.test) {
    lines.push(
      "test_data = datasets.MNIST('.', train=False, download=True,",
      "                           transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))",
    );
  }
  return lines;
}

function dataLines(d: NonNullable<PyTorchConfig["data"]>): string[] {
  if (d.name === "mnist") return mnistLines(d);
  if (d.name === "random") {
    const sizes = [d.samples, d.inputs, d.outputs];
    if (!sizes.every((v) => Number.isInteger(v) && v! > 0)) throw new Error("random data needs positive integer samples, inputs and outputs");
    return [
      `X = torch.randn(${d.samples}, ${d.inputs})`,
      `Y = torch.randn(${d.samples}, ${d.outputs})`,
      "data = torch.utils.data.TensorDataset(X, Y)",
    ];
  }
  if (d.perClass !== undefined || d.augment || d.test) throw new Error("perClass, augment and test are for MNIST only");
  return DATA[d.name];
}

function optimizerList(c: PyTorchConfig): PyTorchOptimizer[] {
  if (c.optimizers) {
    if (c.optimizers.length === 0) throw new Error("pytorchCode needs at least one optimizer");
    return c.optimizers;
  }
  if (!c.optimizer) throw new Error("pytorchCode needs an optimizer or a list of optimizers");
  return [c.optimizer];
}

/** `OPTIMIZERS = [(label, class, options), …]`, for a program that runs several. */
function optimizerTable(list: PyTorchOptimizer[]): string[] {
  return [
    "OPTIMIZERS = [",
    ...list.map((o, i) => {
      const cls = TORCH_OPTIMIZERS[o.name];
      if (!cls) throw new Error(`No torch.optim class for optimizer "${o.name}"`);
      const options = Object.entries(o.options).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`);
      return `    (${JSON.stringify(o.label ?? `${o.name} ${i + 1}`)}, torch.optim.${cls}, {${options.join(", ")}}),`;
    }),
    "]",
  ];
}

function newtonLines(n: NewtonSpec): string[] {
  const lines = [
    "torch.set_default_dtype(torch.float64)",
    "",
    "",
    "def f(x):",
    `    return ${n.expr}`,
    "",
    "",
    `x = torch.tensor(${pyLiteral(n.start).replace(/^\(/, "[").replace(/,?\)$/, "]")})`,
    `for iteration in range(1, ${n.maxIterations + 1}):`,
    "    g = torch.func.grad(f)(x)",
    `    if g.abs().max() <= ${pyLiteral(n.gradTol ?? 1e-5)}:`,
    "        break",
    "    H = torch.func.hessian(f)(x)",
    "    H = (H + H.T) / 2",
  ];
  if (!n.safeguarded) {
    lines.push("    x = x - torch.linalg.solve(H, g)  # pure Newton: the full step to the quadratic model's stationary point");
  } else {
    lines.push(
      "    # safeguarded: B = Q max(|Λ|, δ) Qᵀ, so -B⁻¹g always points downhill; then Armijo backtracking",
      "    eigenvalues, Q = torch.linalg.eigh(H)",
      `    delta = max(1e-12, ${pyLiteral(n.minCurvature ?? 1)} * g.norm().sqrt().item())`,
      "    p = -Q @ ((Q.T @ g) / eigenvalues.abs().clamp(min=delta))",
      "    fx, slope, alpha = f(x), g @ p, 1.0",
      "    for _ in range(40):",
      "        if f(x + alpha * p) <= fx + 1e-4 * alpha * slope:",
      "            break",
      "        alpha *= 0.5",
      "    x = x + alpha * p",
    );
  }
  lines.push('    print(f"iteration {iteration}: f = {f(x).item():.6f}")', "print(x.tolist(), f(x).item())");
  return lines;
}

export function pytorchCode(c: PyTorchConfig): string {
  if (c.newton) return ["import torch", "", `torch.manual_seed(${c.seed})`, ...newtonLines(c.newton)].join("\n") + "\n";
  const list = optimizerList(c);
  const race = c.optimizers !== undefined;
  const lines = ["import torch", "from torch import nn", ""];
  if (!race) lines.push(`torch.manual_seed(${c.seed})`);
  if (c.objective) {
    const o = c.objective;
    const start = `x = torch.tensor(${pyLiteral(o.start).replace(/^\(/, "[").replace(/,?\)$/, "]")}, requires_grad=True)`;
    if (!race) {
      lines.push(
        start,
        optimizerLine(list[0].name, list[0].options, "[x]"),
        `for step in range(${o.steps}):`,
        "    optimizer.zero_grad()",
        `    loss = ${o.expr}`,
        "    loss.backward()",
        "    optimizer.step()",
        "print(x.tolist(), loss.item())",
      );
      return lines.join("\n") + "\n";
    }
    lines.push(
      ...optimizerTable(list),
      "for label, optimizer_class, options in OPTIMIZERS:",
      `    torch.manual_seed(${c.seed})`,
      `    ${start}`,
      "    optimizer = optimizer_class([x], **options)",
      `    for step in range(${o.steps}):`,
      "        optimizer.zero_grad()",
      `        loss = ${o.expr}`,
      "        if not torch.isfinite(loss):",
      '            print(f"{label}: diverged at step {step}")',
      "            break",
      "        loss.backward()",
      "        optimizer.step()",
      "    else:",
      `        loss = ${o.expr}`,
      '        print(f"{label}: x = {x.tolist()}, f = {loss.item():.6g}")',
    );
    return lines.join("\n") + "\n";
  }
  if (!c.model || !c.data || !c.loss) throw new Error("pytorchCode needs either an objective or a model, data and loss");
  const d = c.data;
  const train = [
    `loader = torch.utils.data.DataLoader(data, batch_size=${d.batchSize}, shuffle=${pyLiteral(d.shuffle ?? true)})`,
    `for epoch in range(${d.epochs}):`,
    "    for x, y in loader:",
    "        optimizer.zero_grad()",
    "        loss = loss_fn(model(x), y)",
    "        loss.backward()",
    "        optimizer.step()",
    ...(d.test
      ? [
          "    with torch.no_grad():",
          "        correct = sum((model(x).argmax(1) == y).sum().item() for x, y in torch.utils.data.DataLoader(test_data, batch_size=1000))",
          `    print(f"${race ? "{label} " : ""}epoch {epoch + 1}: loss {loss.item():.4f}, test accuracy {correct / len(test_data):.4f}")`,
        ]
      : [`    print(f"${race ? "{label} " : ""}epoch {epoch + 1}: loss {loss.item():.4f}")`]),
  ];
  if (!race) {
    lines.push(
      ...modelLines(c.model),
      optimizerLine(list[0].name, list[0].options, "model.parameters()"),
      LOSS[c.loss],
      ...dataLines(d),
      ...train,
    );
    return lines.join("\n") + "\n";
  }
  lines.push(
    LOSS[c.loss],
    ...dataLines(d),
    ...optimizerTable(list),
    "# every optimizer starts from the same weights and sees the same batches: the seed is reset before each",
    "for label, optimizer_class, options in OPTIMIZERS:",
    `    torch.manual_seed(${c.seed})`,
    ...indent(modelLines(c.model)),
    "    optimizer = optimizer_class(model.parameters(), **options)",
    ...indent(train),
  );
  return lines.join("\n") + "\n";
}

/**
 * The 2-D surfaces of lib/surfaces.ts as PyTorch expressions in a parameter vector x, written with the same
 * operations as the tf `f` (y³ as y²·y, y⁴ as (y²)² from one y²), so torch's float32 autograd gives the same
 * gradient bit for bit (measured at 3,000 points per surface; `x[1] ** 3` and `x[1] ** 4` differ in the last bit).
 */
export const TORCH_SURFACES: Record<string, string> = {
  rosenbrock: "(1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2",
  "ill-conditioned": "0.5 * x[0] ** 2 + 10 * x[1] ** 2",
  beale: "(1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2 + (2.625 - x[0] + x[0] * (x[1] ** 2 * x[1])) ** 2",
  saddle: "x[0] ** 2 - (y2 := x[1] ** 2) + 0.25 * y2 ** 2",
};
