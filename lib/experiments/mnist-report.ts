/**
 * What the MNIST page says about its races' snapshots (lib/experiments/mnist-from-scratch.ts): the sentences
 * under the runs. Pure functions, so Node tests can read them.
 */
import type { MnistLane } from "./mnist-from-scratch.js";

type Race = { done: boolean; lanes: readonly Pick<MnistLane, "label" | "status" | "points" | "step">[] };

/** Mean loss of a lane's last `w` steps (NaN with fewer). */
export function lastLossMean(points: readonly { loss: number }[], w = 5): number {
  return points.length >= w ? points.slice(-w).reduce((a, d) => a + d.loss, 0) / w : NaN;
}

/** The first batch's loss against ln 10, the loss of uniform guesses. */
export function firstLossNote(loss: number): string {
  return (
    `The first batch's loss is ${loss.toFixed(2)}, ` +
    (loss > Math.log(10) + 0.05
      ? "above ln 10 ≈ 2.30, the loss of a network that gives every digit probability 1/10: the randomly initialised network's first guesses are not uniform but confident, and mostly wrong. "
      : "close to ln 10 ≈ 2.30, the loss of a network that gives every digit probability 1/10. ") +
    "From there plain SGD with this learning rate falls slowly — how slowly only shows next to something else."
  );
}

/** SGD against SGD with momentum, once both have finished. */
export function lastLossesNote(sgd: Race, momentum: Race): string {
  const finished = (r: Race) => r.done && r.lanes[0]?.status === "done";
  if (!finished(sgd) || !finished(momentum)) return "Comparing when both runs have finished…";
  return `Mean loss of the last 5 batches: SGD ${lastLossMean(sgd.lanes[0].points).toFixed(3)}, SGD with momentum ${lastLossMean(momentum.lanes[0].points).toFixed(3)}.`;
}

/** The six optimizers ranked by their last 5 batches' mean loss. */
export function sixNote(lanes: Race["lanes"]): string {
  const finals = lanes
    .filter((l) => l.status === "done" && l.points.length >= 5)
    .map((l) => ({ label: l.label, loss: lastLossMean(l.points) }))
    .sort((a, b) => a.loss - b.loss);
  return finals.length === 6 ? `Lowest mean loss over the last 5 batches: ${finals.map((f) => `${f.label} ${f.loss.toFixed(3)}`).join(", ")}.` : `${finals.length} of 6 runs finished…`;
}

/** The accumulation race's last losses and step counts, once its three runs have finished. */
export function accumulationNote(race: Race): string {
  if (!(race.done && race.lanes.length > 0 && race.lanes.every((l) => l.status === "done"))) return "Comparing when the three runs have finished…";
  return `Loss of the last step: ${race.lanes.map((l) => `${l.label}: ${l.points.at(-1)!.loss.toFixed(3)} after ${l.step} steps`).join("; ")}.`;
}

/** The line under the settings: the steps each run takes and the normalisation, or the download's progress. */
export function runPlanNote(o: { trainCount: number; epochs: number; batchSize: number; steps: number; normalization: { mean: number; std: number } }): string {
  return (
    `Each run: ${o.trainCount.toLocaleString("en-US")} images × ${o.epochs} epoch${o.epochs > 1 ? "s" : ""} in batches of ${o.batchSize} = ${o.steps.toLocaleString("en-US")} update steps. ` +
    `Pixels are normalised with the training set's mean ${o.normalization.mean.toFixed(4)} and standard deviation ${o.normalization.std.toFixed(4)}, computed from the data.`
  );
}

export function downloadNote(loaded: number, total: number): string {
  return `Downloading the full training set: ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB…`;
}

type EvalLane = { label: string; key: string; status: string; points: readonly { samplesSeen: number; testAcc: number }[] };

/**
 * Momentum against Nesterov, from their test accuracies at the same evaluations: at the notebook's settings the
 * two curves lie one on the other, and a reader should be told so rather than look for a hidden line.
 */
export function nesterovNote(lanes: readonly EvalLane[]): string | null {
  const m = lanes.find((l) => l.key === "momentum");
  const n = lanes.find((l) => l.key === "nesterov");
  if (!m || !n || m.points.length < 2 || n.points.length < 2) return null;
  const k = Math.min(m.points.length, n.points.length);
  let gap = 0;
  for (let i = 0; i < k; i++) gap = Math.max(gap, Math.abs(m.points[i].testAcc - n.points[i].testAcc));
  const points = (gap * 100).toFixed(2);
  return gap < 0.01
    ? `Where you see Nesterov you are also seeing momentum: the two test-accuracy curves lie on top of each other, never more than ${points} percentage points apart over these ${k} evaluations. Added up over a run, Nesterov's steps differ from momentum's by a single velocity's worth (why, below), so the two end where the other does unless their gradients part.`
    : `Momentum and Nesterov part visibly here: their test accuracies differ by up to ${points} percentage points over these ${k} evaluations.`;
}

/** The race's last evaluation, ranked by test accuracy, once every run has finished. */
export function rankingNote(race: { done: boolean; lanes: readonly EvalLane[] }): string | null {
  if (!race.done) return null;
  const finals = race.lanes.filter((l) => l.status === "done" && l.points.length).map((l) => ({ label: l.label, acc: l.points.at(-1)!.testAcc }));
  if (finals.length < 2) return null;
  finals.sort((a, b) => b.acc - a.acc);
  return `After the last step, by test accuracy: ${finals.map((f) => `${f.label} ${(f.acc * 100).toFixed(1)}%`).join(", ")}.`;
}

/** The line under the settings: steps per optimizer and when the race is scored. */
export function evaluationPlanNote(o: { train: number; test: number; epochs: number; batchSize: number; steps: number; every: number }): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return (
    `${n(o.train)} training images × ${o.epochs} epoch${o.epochs > 1 ? "s" : ""} in batches of ${o.batchSize} = ${n(o.steps)} steps per optimizer; ` +
    `evaluated on all ${n(o.train)} training and ${n(o.test)} test images at the start, every ${n(o.every)} samples and at the end ` +
    `(${Math.floor((o.train * o.epochs) / o.every) + 1 + ((o.train * o.epochs) % o.every ? 1 : 0)} points per curve).`
  );
}
