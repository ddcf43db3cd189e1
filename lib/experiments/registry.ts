/** Every experiment a page can run, by the name pages pass to `run(name, spec)`. */
import { lineFit, parabola } from "./gradient-descent.js";
import { raceContours, surfaceRace } from "./race.js";
import { classifierRace } from "./classifier-race.js";
import { surfaceRun } from "./surface-run.js";
import { adamPitfall, adamVsTfjs, decay, snr } from "./adam.js";
import { digitsCrossValidation, digitsRuns, digitsStale } from "./digits.js";
import { digitsSpectrum, gdStability, hessianSpeed, newtonDigits, newtonSines, secondDerivatives } from "./newton.js";
import { mnistRace } from "./mnist-from-scratch.js";
import { nesterovAdamRace } from "./mnist-nesterov-adam.js";
import { scheduleMnist, scheduleSurface } from "./schedules.js";
import { adamVariants, lbfgsDigits, muonSpectrum, optimizerMemory } from "./beyond-adam.js";
import type { Experiment } from "./types.js";

export const experiments: Readonly<Record<string, Experiment<any, any, any>>> = Object.freeze({
  race: surfaceRace,
  "race-contours": raceContours,
  parabola,
  "line-fit": lineFit,
  "classifier-race": classifierRace,
  "surface-run": surfaceRun,
  "adam-vs-tfjs": adamVsTfjs,
  "adam-pitfall": adamPitfall,
  "adam-decay": decay,
  "adam-snr": snr,
  "digits-runs": digitsRuns,
  "digits-cv": digitsCrossValidation,
  "digits-stale": digitsStale,
  "second-derivatives": secondDerivatives,
  "newton-sines": newtonSines,
  "newton-digits": newtonDigits,
  "hessian-speed": hessianSpeed,
  "digits-spectrum": digitsSpectrum,
  "gd-stability": gdStability,
  "mnist-race": mnistRace,
  "mnist-nesterov-adam": nesterovAdamRace,
  "schedule-mnist": scheduleMnist,
  "schedule-surface": scheduleSurface,
  "adam-variants": adamVariants,
  "optimizer-memory": optimizerMemory,
  "muon-spectrum": muonSpectrum,
  "lbfgs-digits": lbfgsDigits,
});
