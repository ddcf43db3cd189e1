/**
 * Descent's optimizers: torch.optim's rules written once against `Vec`, run by two engines.
 * Each definition also carries its defaults, input ranges and KaTeX (`adam.defaults`, `adam.tex`, …).
 */
export type { AnyOptimizerDef, OptimizerDef, Range, Slots, Vec } from "./types.js";
export { FloatArena, FloatVec, Scalars, TensorVec } from "./engines.js";
export { check, resolveOptions } from "./validate.js";
export {
  createFloatOptimizer,
  createOptimizer,
  type FloatOptimizer,
  type Optimizer,
  type OptimizerBase,
  type OptimizerJSON,
  type ParamState,
  type SerializedTensor,
} from "./optimizer.js";
export { sgd, sgdUpdate, type SGDOptions, type SGDSlots } from "./sgd.js";
export { adagrad, adagradUpdate, type AdagradOptions, type AdagradSlots } from "./adagrad.js";
export { adadelta, adadeltaUpdate, type AdadeltaOptions, type AdadeltaSlots } from "./adadelta.js";
export { rmsprop, rmspropUpdate, type RMSpropOptions, type RMSpropSlots } from "./rmsprop.js";
export { adam, algorithmTex as adamAlgorithmTex, adamStep, adamUpdate, betaRanges, initAdam, validateAdam, type AdamOptions, type AdamSlots } from "./adam.js";
export { adamw, adamwUpdate, type AdamWOptions } from "./adamw.js";

import { adadelta } from "./adadelta.js";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { rmsprop } from "./rmsprop.js";
import { sgd } from "./sgd.js";

/** Every optimizer by machine name. */
export const optimizers = { sgd, adagrad, adadelta, rmsprop, adam, adamw } as const;
export type OptimizerName = keyof typeof optimizers;
export { presets, preset, type Preset } from "./presets.js";
export { symbols, texMacros, assigningLines, type SymbolInfo } from "./symbols.js";
