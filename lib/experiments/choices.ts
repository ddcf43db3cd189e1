/**
 * Optimizer choices for an experiment spec from preset keys, with options set on all of them (the author
 * template's "the optimizers to compare, at this learning rate").
 */
import { preset } from "../optimizers/presets.js";
import type { OptimizerChoice } from "../optimizers/choice.js";

export function presetChoices(keys: readonly string[], options: Record<string, unknown> = {}): OptimizerChoice[] {
  return keys.map((key) => {
    const p = preset(key);
    if (!p) throw new Error(`Unknown optimizer preset "${key}"`);
    return { key, label: p.label, def: p.def, options: { ...p.options, ...options } };
  });
}
