/** Every experiment a page can run, by the name pages pass to `run(name, spec)`. */
import { lineFit, parabola } from "./gradient-descent.js";
import { surfaceRace } from "./race.js";
import { classifierRace } from "./classifier-race.js";
import { surfaceRun } from "./surface-run.js";
import { adamVariants, lbfgsDigits, muonSpectrum, optimizerMemory } from "./beyond-adam.js";
import type { Experiment } from "./types.js";

export const experiments: Readonly<Record<string, Experiment<any, any, any>>> = Object.freeze({
  race: surfaceRace,
  parabola,
  "line-fit": lineFit,
  "classifier-race": classifierRace,
  "surface-run": surfaceRun,
  "adam-variants": adamVariants,
  "optimizer-memory": optimizerMemory,
  "muon-spectrum": muonSpectrum,
  "lbfgs-digits": lbfgsDigits,
});
