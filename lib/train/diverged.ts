/**
 * The one divergence rule every runner applies: the first step k at which a number the run depends on — the
 * loss before the update (every tensor and float loop), or a 2-D race's gradient or new point — is NaN or ±∞
 * ends the run with "diverged at step k (loss = …)". The loops check the loss before the optimizer takes that
 * step, so the parameters stay finite.
 */

/** What went non-finite: the loss (every training loop), or a race's gradient. */
export type DivergedQuantity = "loss" | "gradient";

/** "diverged at step k (loss = NaN)": the one wording, for thrown errors and for lanes that record it. */
export function divergedMessage(step: number, value: number, quantity: DivergedQuantity = "loss"): string {
  return `diverged at step ${step} (${quantity} = ${value})`;
}

/** Throws DivergedError at step `step` unless `value` is finite. */
export function checkFinite(step: number, value: number, quantity: DivergedQuantity = "loss"): void {
  if (!Number.isFinite(value)) throw new DivergedError(step, value, quantity);
}

/** Thrown when a run's loss stops being a finite number: the run stops instead of drawing NaN. */
export class DivergedError extends Error {
  readonly step: number;
  /** The non-finite value (the loss, unless `quantity` says otherwise). */
  readonly loss: number;
  readonly quantity: DivergedQuantity;
  constructor(step: number, loss: number, quantity: DivergedQuantity = "loss") {
    super(divergedMessage(step, loss, quantity));
    this.name = "DivergedError";
    this.step = step;
    this.loss = loss;
    this.quantity = quantity;
  }
}
