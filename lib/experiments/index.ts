export type { Experiment, Lane as ExperimentLane, LaneStatus as ExperimentLaneStatus, OptimizerChoice, Point, RunContext, Snapshot } from "./types.js";
export { encode, decode, definitions } from "./wire.js";
export { serve, diffSnapshot, type Port, type WireLane, type WireSnapshot, type HostOptions } from "./host.js";
export { connect, mergeSnapshot, finalSnapshot, type Connection, type ConnectOptions } from "./client.js";
export { experiments } from "./registry.js";
export { surfaceRace, raceContours, raceSnapshot, raceNotes, type RaceSpec, type RacePoint, type RaceSnapshot as SurfaceRaceSnapshot } from "./race.js";
export { failedLane, laneRows, reportEvery, applyChanges, acceptedChanges, between } from "./lanes.js";
export { parabola, lineFit, lineFitInit, type ParabolaSpec, type ParabolaPoint, type LineFitSpec, type LineFitPoint, type LineFitMeta, type LineFitSnapshot } from "./gradient-descent.js";
export { classifierRace, type ClassifierRaceSpec, type ClassifierPoint, type ClassifierEval, type ClassifierLane, type ClassifierRaceSnapshot } from "./classifier-race.js";
export { surfaceRun, type SurfaceRunSpec, type SurfaceRunSnapshot } from "./surface-run.js";
export {
  adamVsTfjs, adamPitfall, decay as adamDecay, snr as adamSnr, decayRows, lossTableRows, agreement, adamVsTfjsStatus, pitfallStatus, snrSpread, OURS_LABEL, THEIRS_LABEL, PITFALL_LABEL,
  type RandomDataSpec, type PitfallSpec, type StatusLine, type LossPoint, type StepSizes, type AdamVsTfjsMeta, type AdamVsTfjsSnapshot, type DecaySpec, type DecayPoint, type DecayLane, type DecaySnapshot, type SnrSpec,
} from "./adam.js";
export {
  digitsRuns as digitsRunsExperiment, digitsCrossValidation, digitsStale, digitsRows, crossValidationRows, staleRows,
  NOTEBOOK_OPTIMIZERS, scalingRuns, lossScalingRuns, standardisingRuns, epochRows, digitsStatus, scalingFigures,
  type DigitsRunChoice, type DigitsRunsSpec, type EpochPoint, type DigitsLane, type DigitsRunsSnapshot, type CrossValidationSpec, type CrossValidationLane, type CrossValidationSnapshot, type StaleSpec, type StaleLane, type StaleSnapshot,
} from "./digits.js";
export {
  secondDerivatives, newtonSines, newtonDigits, hessianSpeed, digitsSpectrum, gdStability, DIGITS_METHODS, HESSIAN_METHODS,
  type DigitsTrain, type PartialsMeta, type SinesSpec, type NewtonPoint, type NewtonRunSummary, type SinesMeta, type SinesSnapshot,
  type DigitsRaceSpec, type DigitsRacePoint, type DigitsRaceRow, type DigitsRaceSnapshot, type HessianSpeedSpec, type HessianSpeedPoint,
  type HessianSpeedSnapshot, type SpectrumMeta, type StabilitySpec, type StabilityPoint, type StabilityMeta, type StabilitySnapshot,
} from "./newton.js";
export * from "./newton-report.js";
export { mnistRace, loadSource, mnistInputs, mnistLabels, mnistPageSetup, mnistExportRows, mnistRaceSpec, mnistPytorchRun, accumulationChoices, type MnistPageSettings, type DatasetSource, type MnistRaceSpec, type MnistLane, type MnistRaceSnapshot } from "./mnist-from-scratch.js";
export { shareRun, type SharedRun } from "./share.js";
export * from "./mnist-report.js";
export { nesterovAdamRace, nesterovAdamChoices, nesterovAdamSpec, nesterovAdamInputs, nesterovAdamSettings, nesterovAdamSetup, nesterovAdamExport, type MnistMeta, type NesterovAdamSettings, type NesterovAdamSpec, type NesterovAdamLane, type NesterovAdamSnapshot, type EvalPoint } from "./mnist-nesterov-adam.js";
export { scheduleMnist, scheduleSurface, bindSchedule, warmupLanes, oneCycleLanes, recipeLanes, changeLanes, mnistNetwork, type ScheduledChoice, type OptionChange, type SchedulePoint, type ScheduleSnapshot, type ScheduleMnistSpec, type ScheduleSurfaceSpec } from "./schedules.js";
export { adamVariants, optimizerMemory, muonSpectrum, spectrumNote, lbfgsDigits, singularValues, type AdamVariantsSpec, type AdamVariantsSnapshot, type OptimizerMemorySpec, type MemoryRow, type MuonSpectrumSpec, type SpectrumRow, type LBFGSDigitsSpec, type SecondOrderPoint } from "./beyond-adam.js";
export { presetChoices, type ClassifierChoice } from "./choices.js";
