/**
 * Descent's optimizers: torch.optim's rules written once against `Vec`, run by two engines.
 * Each definition also carries its defaults, input ranges and KaTeX (`adam.defaults`, `adam.tex`, …).
 */
export type { AnyOptimizerDef, MatVec, OptimizerDef, Range, Slots, Vec } from "./types.js";
export { FloatArena, FloatMat, FloatVec, Scalars, TensorVec } from "./engines.js";
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
export { adam, adamStep, adamUpdate, betaRanges, initAdam, validateAdam, type AdamOptions, type AdamSlots } from "./adam.js";
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

// Muon and L-BFGS are not per-element rules, so they are not in `optimizers`, whose consumers (the race, the
// training loop, the pages' pickers) run any entry with createOptimizer/createFloatOptimizer on any parameter:
// Muon needs whole matrices (createMuon over tf.Variables, createFloatMuon over FloatMatrix), L-BFGS a closure
// (createLBFGS over one flat Float32Array; variablesObjective for tf.Variables).
export {
  adjustedLr,
  bf16,
  createFloatMuon,
  createMuon,
  muon,
  muonUpdate,
  newtonSchulz,
  type AdjustLrFn,
  type FloatMatrix,
  type MatrixOptimizerDef,
  type MuonOptions,
  type MuonSlots,
} from "./muon.js";
export {
  createLBFGS,
  cubicInterpolate,
  lbfgs,
  lbfgsDirection,
  resolveLBFGSOptions,
  strongWolfe,
  variablesObjective,
  type LBFGS,
  type LBFGSClosure,
  type LBFGSOptions,
  type LBFGSState,
} from "./lbfgs.js";

import { lbfgs } from "./lbfgs.js";
import { muon } from "./muon.js";

/** The optimizers that need whole weight matrices (not in `optimizers`). */
export const matrixOptimizers = { muon } as const;
/** The optimizers that take a closure (not in `optimizers`). */
export const closureOptimizers = { lbfgs } as const;

export { presets, preset, specialPresets, type Preset, type SpecialPreset } from "./presets.js";
export { symbols, texMacros, assigningLines, type SymbolInfo } from "./symbols.js";
