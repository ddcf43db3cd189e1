/**
 * The one divergence rule every training loop applies: a step whose loss is NaN or ±∞ ends the run with
 * "diverged at step k (loss = …)", before the optimizer takes that step (so the parameters stay finite).
 */
export function checkFinite(step: number, loss: number): void {
  if (!Number.isFinite(loss)) throw new DivergedError(step, loss);
}

/** Thrown when a run's loss stops being a finite number: the run stops instead of drawing NaN. */
export class DivergedError extends Error {
  readonly step: number;
  readonly loss: number;
  constructor(step: number, loss: number) {
    super(`diverged at step ${step} (loss = ${loss})`);
    this.name = "DivergedError";
    this.step = step;
    this.loss = loss;
  }
}
