/**
 * The eight optimizers the site teaches, as torch.optim configurations, and where each course notebook's
 * hand-written class fits: those classes are these rules with particular options.
 */
import { adadelta } from "./adadelta.js";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { lbfgs } from "./lbfgs.js";
import { muon } from "./muon.js";
import { rmsprop } from "./rmsprop.js";
import { sgd } from "./sgd.js";
import { adafactor } from "./adafactor.js";
import { adamax } from "./adamax.js";
import { asgd } from "./asgd.js";
import { nadam } from "./nadam.js";
import { radam } from "./radam.js";
import { rprop } from "./rprop.js";
import type { OptimizerChoice } from "./choice.js";

/** A named configuration; `options` go on top of the definition's defaults. */
export interface Preset extends OptimizerChoice {
  /**
   * Which course-notebook classes are this configuration, and anything they do differently; for the optimizers
   * no notebook writes out (torchPresets), the torch configuration itself.
   */
  seeds: string;
}

export const presets: readonly Preset[] = [
  { key: "sgd", label: "SGD", def: sgd, options: { lr: 1e-3 }, seeds: "the optimizers-from-scratch lab's SGD and the gradient-descent tutorial's Simple_SGD: θ ← θ − lr·g." },
  {
    key: "momentum",
    label: "SGD with momentum",
    def: sgd,
    options: { lr: 1e-3, momentum: 0.9 },
    seeds:
      "the lab's SGDMomentum (v ← μv + g from v = 0, so v₁ = g) and the tutorial's Simple_Momentum (v₁ = g, then v ← μv + g): both are torch's momentum with dampening 0.",
  },
  {
    key: "nesterov",
    label: "Nesterov momentum",
    def: sgd,
    options: { lr: 1e-3, momentum: 0.9, nesterov: true },
    seeds: "the gradient-descent tutorial's Simple_Nesterov: steps along g + μv, torch's nesterov=True.",
  },
  {
    key: "adagrad",
    label: "Adagrad",
    def: adagrad,
    options: { lr: 1e-2 },
    seeds: "the optimizers-from-scratch lab's Adagrad: G ← G + g², θ ← θ − lr·g/(√G + ε), with initial_accumulator_value = init_acc_sqr_grad and ε = 1e-10.",
  },
  { key: "adadelta", label: "Adadelta", def: adadelta, options: { lr: 1.0, rho: 0.9, eps: 1e-6 }, seeds: "the lab's Adadelta(lr=1.0, rho=0.9, eps=1e-6): torch's defaults." },
  { key: "rmsprop", label: "RMSprop", def: rmsprop, options: { lr: 1e-2, alpha: 0.99, eps: 1e-8 }, seeds: "the lab's RMSprop(lr=1e-2, alpha=0.99, eps=1e-8): torch's defaults, uncentered, no momentum." },
  {
    key: "adam",
    label: "Adam",
    def: adam,
    options: { lr: 1e-3 },
    seeds: "the lab's Adam (once its exercise bug is fixed) and the gradient-descent tutorial's Simple_ADAM: torch's defaults, no weight decay.",
  },
  {
    key: "adamw",
    label: "AdamW",
    def: adamw,
    options: { lr: 1e-3, weight_decay: 1e-2 },
    seeds: "no notebook writes it out; the Understanding-Adam notebook claims torch's Adam is AdamW — it is not: Adam adds λθ to the gradient, AdamW shrinks θ directly.",
  },
];

/**
 * The six optimizers added from torch 2.13 (issue 15), at torch's defaults. Kept out of `presets`, which the
 * landing race and the optimizers page show as "the eight", until those pages offer them.
 */
export const torchPresets: readonly Preset[] = [
  {
    key: "nadam",
    label: "NAdam",
    def: nadam,
    options: { lr: 2e-3 },
    seeds: "torch.optim.NAdam at torch's defaults: lr 2e-3, betas (0.9, 0.999), momentum_decay 4e-3; decoupled_weight_decay=True makes it NAdamW.",
  },
  {
    key: "radam",
    label: "RAdam",
    def: radam,
    options: { lr: 1e-3 },
    seeds: "torch.optim.RAdam at torch's defaults: lr 1e-3, betas (0.9, 0.999); un-rectified momentum steps for the first five steps, Adam's rectified step after.",
  },
  { key: "adamax", label: "Adamax", def: adamax, options: { lr: 2e-3 }, seeds: "torch.optim.Adamax at torch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8." },
  {
    key: "rprop",
    label: "Rprop",
    def: rprop,
    options: { lr: 1e-2 },
    seeds: "torch.optim.Rprop at torch's defaults: first step size 1e-2, etas (0.5, 1.2), step sizes kept in [1e-6, 50]; meant for full-batch gradients.",
  },
  {
    key: "asgd",
    label: "ASGD",
    def: asgd,
    options: { lr: 1e-2, t0: 100 },
    seeds: "torch.optim.ASGD with lr 1e-2, lambd 1e-4, alpha 0.75 and t0 = 100 (torch's default t0 = 1e6 would never start averaging on this site).",
  },
  {
    key: "adafactor",
    label: "Adafactor",
    def: adafactor,
    options: { lr: 1e-2 },
    seeds: "torch.optim.Adafactor at torch's defaults (torch ≥ 2.5): lr 1e-2 caps the relative step, beta2_decay −0.8, eps (None, 1e-3), d 1.",
  },
];

export function preset(key: string): Preset | undefined {
  return presets.find((p) => p.key === key) ?? torchPresets.find((p) => p.key === key);
}

// #region special-presets — Muon and L-BFGS, kept apart from `presets` (the race and the pickers run those on vectors)
/** A preset for an optimizer that is not a per-element rule: "matrix" (Muon) or "closure" (L-BFGS). */
export interface SpecialPreset {
  key: string;
  label: string;
  kind: "matrix" | "closure";
  def: typeof muon | typeof lbfgs;
  options: Record<string, unknown>;
  /** Where a course notebook has it, or what to know before using it. */
  seeds: string;
}

export const specialPresets: readonly SpecialPreset[] = [
  {
    key: "muon",
    label: "Muon",
    kind: "matrix",
    def: muon,
    options: { lr: 0.02 },
    seeds: "no notebook class. torch.optim.Muon (torch ≥ 2.9) at lr 0.02, the fixtures' setting; weight matrices only — biases go to another optimizer.",
  },
  {
    key: "lbfgs",
    label: "L-BFGS",
    kind: "closure",
    def: lbfgs,
    options: { lr: 1, max_iter: 20, history_size: 100, line_search_fn: "strong_wolfe" },
    seeds: "no notebook class. torch.optim.LBFGS with the strong-Wolfe line search (torch's default is no line search: a fixed step lr).",
  },
];
// #endregion special-presets
