/**
 * Reading page settings from a URL safely. A shared link may carry anything: every value is parsed against
 * what the input accepts, and anything else is rejected with a reason (the page shows it and keeps its
 * default). Nothing from a URL is ever inserted as HTML.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Longest raw value we look at; longer ones are rejected unread. */
export const MAX_RAW_LENGTH = 100;

/** Shown in notices: the raw value, shortened and with control characters escaped. */
export function quote(raw: string): string {
  const short = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(short);
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A finite decimal number (no hex, no Infinity, no whitespace) within [min, max]. */
export function parseNumber(raw: string, { min = -Infinity, max = Infinity, integer = false }: NumberRule = {}): Parsed<number> {
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, reason: "too long" };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return { ok: false, reason: "not a number" };
  const value = Number(raw);
  if (!Number.isFinite(value)) return { ok: false, reason: "not a finite number" };
  if (integer && !Number.isInteger(value)) return { ok: false, reason: "not a whole number" };
  if (value < min || value > max) return { ok: false, reason: `outside ${min}…${max}` };
  return { ok: true, value };
}

export function parseBoolean(raw: string): Parsed<boolean> {
  if (raw === "true" || raw === "1") return { ok: true, value: true };
  if (raw === "false" || raw === "0") return { ok: true, value: false };
  return { ok: false, reason: "not true or false" };
}

/** One of a fixed set of keys (a select's options). */
export function parseKey<K extends string>(raw: string, keys: readonly K[]): Parsed<K> {
  if (raw.length <= MAX_RAW_LENGTH && (keys as readonly string[]).includes(raw)) return { ok: true, value: raw as K };
  return { ok: false, reason: `not one of ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}` };
}

/** Free text, bounded in length. */
export function parseText(raw: string, maxLength = MAX_RAW_LENGTH): Parsed<string> {
  return raw.length <= maxLength ? { ok: true, value: raw } : { ok: false, reason: "too long" };
}

/** The shortest decimal that reads back as the same float64: what goes into a URL. */
export function formatNumber(x: number): string {
  return String(x);
}
