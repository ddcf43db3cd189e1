/**
 * Optimizer choices for an experiment spec: the one record `{key, label, def, options}` (OptimizerChoice), as a
 * classifier race takes it (with how it accumulates gradients), and choices from preset keys with options set
 * on all of them (the author template's "the optimizers to compare, at this learning rate").
 */
import { preset } from "../optimizers/presets.js";
import type { OptimizerChoice } from "../optimizers/choice.js";
import type { AccumulateMode } from "../train/accumulate.js";

/** One contestant of a classifier race (lib/train/race.ts, the MNIST pages): an optimizer choice and its accumulation. */
export interface ClassifierChoice extends OptimizerChoice {
  /** Micro-batches per step (default 1). */
  accumulation?: number;
  /** "correct" (default) or the optimizers-lab notebook's "broken" accumulation. */
  accumulate?: AccumulateMode;
}

export function presetChoices(keys: readonly string[], options: Record<string, unknown> = {}): OptimizerChoice[] {
  return keys.map((key) => {
    const p = preset(key);
    if (!p) throw new Error(`Unknown optimizer preset "${key}"`);
    return { key, label: p.label, def: p.def, options: { ...p.options, ...options } };
  });
}
