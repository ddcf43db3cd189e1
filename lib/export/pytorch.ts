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

export interface PyTorchConfig {
  optimizer: { name: string; options: Record<string, unknown> };
  seed: number;
  /** A model trained on a data set… */
  model?: ModelSpec;
  data?: { name: "mnist" | "digits"; batchSize: number; epochs: number };
  loss?: "cross_entropy" | "mse_sum" | "mse_mean";
  /** …or a function of a parameter vector, minimised directly (a 2-D surface, a parabola). */
  objective?: { expr: string; start: number[]; steps: number };
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
  mnist: [
    "from torchvision import datasets, transforms",
    "data = datasets.MNIST('.', train=True, download=True,",
    "                      transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))",
  ],
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

export function pytorchCode(c: PyTorchConfig): string {
  const lines = ["import torch", "from torch import nn", "", `torch.manual_seed(${c.seed})`];
  if (c.objective) {
    const o = c.objective;
    lines.push(
      `x = torch.tensor(${pyLiteral(o.start).replace(/^\(/, "[").replace(/,?\)$/, "]")}, requires_grad=True)`,
      optimizerLine(c.optimizer.name, c.optimizer.options, "[x]"),
      `for step in range(${o.steps}):`,
      "    optimizer.zero_grad()",
      `    loss = ${o.expr}`,
      "    loss.backward()",
      "    optimizer.step()",
      "print(x.tolist(), loss.item())",
    );
    return lines.join("\n") + "\n";
  }
  if (!c.model || !c.data || !c.loss) throw new Error("pytorchCode needs either an objective or a model, data and loss");
  lines.push(
    ...modelLines(c.model),
    optimizerLine(c.optimizer.name, c.optimizer.options, "model.parameters()"),
    LOSS[c.loss],
    ...DATA[c.data.name],
    `loader = torch.utils.data.DataLoader(data, batch_size=${c.data.batchSize}, shuffle=True)`,
    `for epoch in range(${c.data.epochs}):`,
    "    for x, y in loader:",
    "        optimizer.zero_grad()",
    "        loss = loss_fn(model(x), y)",
    "        loss.backward()",
    "        optimizer.step()",
    '    print(f"epoch {epoch + 1}: loss {loss.item():.4f}")',
  );
  return lines.join("\n") + "\n";
}

/** The 2-D surfaces of lib/surfaces.ts as PyTorch expressions in a parameter vector x. */
export const TORCH_SURFACES: Record<string, string> = {
  rosenbrock: "(1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2",
  "ill-conditioned": "0.5 * x[0] ** 2 + 10 * x[1] ** 2",
  beale: "(1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2 + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2",
  saddle: "x[0] ** 2 - x[1] ** 2 + 0.25 * x[1] ** 4",
};
