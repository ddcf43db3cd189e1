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
