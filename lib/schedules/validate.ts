/**
 * Argument checks shared by every schedule: unknown names, missing required arguments (torch's TypeError
 * wording), wrong types; then the schedule's own `validate`.
 */
import type { AnyScheduleDef } from "./types.js";

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/** A frozen deep copy, so a resolved schedule cannot change under its state (milestones, SequentialLR's specs). */
function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  const copy = (Array.isArray(value) ? value.map(frozenCopy) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)]))) as T;
  return Object.freeze(copy);
}

/** Merge `options` over the schedule's defaults and validate; returns a frozen copy. */
export function resolveScheduleOptions<O extends object>(def: AnyScheduleDef, options: Partial<O> | undefined): Readonly<O> {
  if (def == null) throw new Error("Unknown schedule");
  if (options != null && (typeof options !== "object" || Array.isArray(options))) {
    throw new Error(`Invalid options for ${def.title}: ${describe(options)}`);
  }
  const defaults = def.defaults as Record<string, unknown>;
  const known = [...def.required, ...Object.keys(defaults)];
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!known.includes(name)) throw new Error(`Unknown argument for ${def.title}: ${name} (known: ${known.join(", ")})`);
    if (value !== undefined) merged[name] = frozenCopy(value);
  }
  const missing = def.required.filter((n: string) => merged[n] === undefined);
  if (missing.length > 0) {
    const names = missing.map((n: string) => `'${n}'`).join(" and ");
    throw new Error(`${def.title}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${names}`);
  }
  for (const [name, value] of Object.entries(merged)) {
    const expected = defaults[name];
    if (expected === undefined || expected === null) continue; // required, or nullable: the schedule checks it
    if (typeof value !== typeof expected) throw new Error(`Invalid ${name} for ${def.title}: ${describe(value)} (expected a ${typeof expected})`);
  }
  def.validate(merged);
  return Object.freeze(merged) as Readonly<O>;
}
