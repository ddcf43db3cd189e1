/**
 * Option checks shared by every optimizer and both engines. Messages follow torch.optim's wording
 * ("Invalid learning rate: -1") and end with the option's name, so a page can point at the right input.
 */
import type { AnyOptimizerDef } from "./types.js";

/** Throws `Error(message)` unless `ok`. Write conditions positively (`lr >= 0`) so that NaN fails them. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** `Invalid learning rate: -1 (lr)` when `!(value >= 0)` (NaN included), as torch words it. */
export function nonNegative(value: number, what: string, name: string): void {
  check(value >= 0, `Invalid ${what}: ${value} (${name})`);
}

export const checkLr = (lr: number) => nonNegative(lr, "learning rate", "lr");
export const checkEps = (eps: number) => nonNegative(eps, "epsilon value", "eps");
export const checkWeightDecay = (wd: number) => nonNegative(wd, "weight_decay value", "weight_decay");
export const checkMomentum = (momentum: number) => nonNegative(momentum, "momentum value", "momentum");

/** Adam's betas: each in [0, 1). */
export function checkBetas(betas: readonly [number, number]): void {
  betas.forEach((β, i) => check(β >= 0 && β < 1, `Invalid beta parameter at index ${i}: ${β} (betas[${i}])`));
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * Merge `options` over `def.defaults` and validate: unknown names, wrong types, NaN anywhere, then the
 * optimizer's own checks (`def.validate`). Returns a frozen copy. Both engines call this.
 */
export function resolveOptions<O extends object>(def: AnyOptimizerDef, options: Partial<O> | undefined): Readonly<O> {
  if (options != null && (typeof options !== "object" || Array.isArray(options))) {
    throw new Error(`Invalid options for ${def.title}: ${describe(options)}`);
  }
  const defaults = def.defaults as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!(name in defaults)) {
      throw new Error(`Unknown option for ${def.title}: ${name} (known: ${Object.keys(defaults).join(", ")})`);
    }
    if (value !== undefined) merged[name] = value;
  }
  for (const [name, value] of Object.entries(merged)) {
    const expected = defaults[name];
    if (Array.isArray(expected)) {
      // An entry whose default is null (Adafactor's ε₁, torch's None) may stay null.
      const ok = Array.isArray(value) && value.length === expected.length && value.every((x, i) => typeof x === "number" || (x === null && expected[i] === null));
      check(ok, `Invalid ${name}: ${describe(value)} (expected ${expected.length} numbers)`);
      (value as number[]).forEach((x, i) => check(!Number.isNaN(x), `Invalid ${name}[${i}]: NaN (${name})`));
      merged[name] = Object.freeze([...(value as number[])]);
    } else {
      check(typeof value === typeof expected, `Invalid ${name}: ${describe(value)} (expected a ${typeof expected})`);
      check(!Number.isNaN(value), `Invalid ${name}: NaN (${name})`);
    }
  }
  def.validate(merged);
  return Object.freeze(merged) as Readonly<O>;
}
