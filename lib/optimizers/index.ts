/**
 * Descent's optimizers: torch.optim's rules written once against `Vec`, run by two engines.
 * Each definition also carries its defaults, input ranges and KaTeX (`adam.defaults`, `adam.tex`, …).
 */
export type { AnyOptimizerDef, MatVec, OptimizerDef, Range, Slots, Vec } from "./types.js";
export { FloatArena, FloatMat, FloatVec, NotFusable, Scalars, TensorVec } from "./engines.js";
export { check, resolveOptions } from "./validate.js";
export { oneDispatchSteps } from "./fused-gpu.js";
export {
  createFloatOptimizer,
  type FloatLayout,
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
export { nadam, nadamUpdate, muProduct, type NAdamOptions, type NAdamSlots } from "./nadam.js";
export { radam, radamRectification, radamRho, radamUpdate, type RAdamOptions, type RAdamSlots } from "./radam.js";
export { adamax, adamaxUpdate, type AdamaxOptions, type AdamaxSlots } from "./adamax.js";
export { rprop, rpropUpdate, etaRanges, type RpropOptions, type RpropSlots } from "./rprop.js";
export { asgd, asgdUpdate, type ASGDOptions, type ASGDSlots } from "./asgd.js";
export { adafactor, adafactorUpdate, FLOAT32_EPS, type AdafactorOptions, type AdafactorSlots } from "./adafactor.js";
export { lerp } from "./lerp.js";

import { adadelta } from "./adadelta.js";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { rmsprop } from "./rmsprop.js";
import { sgd } from "./sgd.js";
import { adafactor } from "./adafactor.js";
import { adamax } from "./adamax.js";
import { asgd } from "./asgd.js";
import { nadam } from "./nadam.js";
import { radam } from "./radam.js";
import { rprop } from "./rprop.js";

/** Every optimizer by machine name. */
export const optimizers = { sgd, adagrad, adadelta, rmsprop, adam, adamw, nadam, radam, adamax, rprop, asgd, adafactor } as const;
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

export { presets, preset, specialPresets, torchPresets, type Preset, type SpecialPreset } from "./presets.js";
export { symbols, texMacros, assigningLines, type SymbolInfo } from "./symbols.js";
