/** Every experiment a page can run, by the name pages pass to `run(name, spec)`. */
import { lineFit, parabola } from "./gradient-descent.js";
import { surfaceRace } from "./race.js";
import { classifierRace } from "./classifier-race.js";
import { surfaceRun } from "./surface-run.js";
import { scheduleMnist, scheduleSurface } from "./schedules.js";
import type { Experiment } from "./types.js";

export const experiments: Readonly<Record<string, Experiment<any, any, any>>> = Object.freeze({
  race: surfaceRace,
  parabola,
  "line-fit": lineFit,
  "classifier-race": classifierRace,
  "surface-run": surfaceRun,
  "schedule-mnist": scheduleMnist,
  "schedule-surface": scheduleSurface,
});
