/**
 * A fair race between optimizers on an MLP classifier (the MNIST pages, the example page and the author
 * template): every lane starts from the same weights and sees the same batches (lib/train/race.ts does the
 * training). The spec is plain data: the dataset travels as its typed arrays, each choice's `def` by name.
 *
 * Lanes' points are one per optimizer step ({step, epoch, samplesSeen, loss}); evaluations, when asked for,
 * ride on `series.evals` ({step, samplesSeen, trainLoss, trainAcc, testLoss, testAcc}).
 */
import type { Lane as RaceLane, TrainingRaceOptions } from "../train/race.js";
import { trainingRace } from "../train/race.js";
import type { ClassifierChoice } from "./choices.js";
import { raceLane, raceProgress } from "./lanes.js";
import type { Experiment, Lane, Snapshot } from "./types.js";

export type ClassifierRaceSpec = Omit<TrainingRaceOptions, "signal" | "queue" | "priority" | "lanes"> & { choices: ClassifierChoice[] };
export type ClassifierPoint = { step: number; epoch: number; samplesSeen: number; loss: number };
export type ClassifierEval = { step: number; samplesSeen: number; trainLoss: number; trainAcc: number; testLoss: number; testAcc: number };
export type ClassifierLane = Lane<ClassifierPoint> & { evals: ClassifierEval[]; totalSteps: number; elapsedMs: number };
export type ClassifierRaceSnapshot = Snapshot<ClassifierPoint, { queued: boolean }> & { lanes: ClassifierLane[] };

function toLane(l: RaceLane): ClassifierLane {
  return { ...raceLane(l), evals: l.evals, changes: l.changes };
}

export const classifierRace: Experiment<ClassifierRaceSpec, ClassifierPoint, { queued: boolean }> = async function* ({ choices, ...setup }, { signal, control }) {
  for await (const s of trainingRace({ ...setup, lanes: choices, signal, control })) {
    yield { lanes: s.lanes.map(toLane), ...raceProgress(s), meta: { queued: s.queued } } satisfies ClassifierRaceSnapshot;
  }
};
