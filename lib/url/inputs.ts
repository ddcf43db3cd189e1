/**
 * A page's input table, as data: what each setting is called in the URL, what it accepts, its default, and
 * which one the browser test changes. The DOM side (lib/ui/inputs.ts) builds Observable Inputs from these
 * rows; everything that decides whether a value is acceptable, and how a refusal is worded, is here and runs
 * in Node.
 */
import { resolveOptions } from "../optimizers/validate.js";
import { betaRanges } from "../optimizers/adam.js";
import type { AnyOptimizerDef, Range } from "../optimizers/types.js";
import { formatNumber, MAX_RAW_LENGTH, parseBoolean, quote, type Parsed } from "./params.js";
import type { QueryProblem } from "./query.js";

interface Row<T> {
  /** The URL key, e.g. "lr" or "fit.epochs". */
  name: string;
  label: string;
  default: T;
  /** Marks the page's main input; the value is one the browser test sets (a valid value, not the default). */
  main?: T;
}

/** A slider with a number box (`range`) or a number box alone (`number`). */
export interface NumberRow extends Row<number> {
  input: "range" | "number";
  range: readonly [number, number];
  /** The grid values must lie on, counted from the minimum (as HTML's step does). Omit for any value. */
  step?: number;
  /** A log slider (rates, scales): any value in range. */
  scale?: "linear" | "log";
  /**
   * Extra rules, as a function that throws an Error whose message says what is wrong: for an option that goes
   * into an optimizer this is the optimizer's own validate (torch's wording), see `optimizerCheck`.
   */
  check?: (v: number) => void;
}

export interface ChoiceRow<T = unknown> extends Row<T> {
  input: "select" | "radio";
  options: readonly T[];
  /** Option → its URL text (default String). */
  key?: (option: T) => string;
  format?: (option: T) => string;
}

export interface ToggleRow extends Row<boolean> {
  input: "checkbox";
}

/** An optimizer's options as a form: one row per hyperparameter, keyed `<name>.<option>` (e.g. sgd.lr). */
export interface OptimizerRow {
  name: string;
  input: "optimizer";
  def: AnyOptimizerDef;
  /** Starting options over def.defaults. */
  default: Record<string, unknown>;
  main?: number;
  /** false: the keys are declared (validated, known) but another component builds the form (the landing race). */
  build?: boolean;
}

/** A chart's zoom and smoothing: keys `<name>.y` and `<name>.avg`. */
export interface ChartRow {
  name: string;
  input: "chart";
  default: { yMax: number; smoothing: number };
}

/** A setting that is not an Inputs element (a dragged point): the key is known, the page reads it with urlValue. */
export interface ValueRow {
  name: string;
  input: "value";
}

export type ValueInputRow = NumberRow | ChoiceRow<any> | ToggleRow;
export type InputRow = ValueInputRow | OptimizerRow | ChartRow | ValueRow;

const trim = (x: number) => String(+x.toPrecision(6));

/** "0.001 to 1.5 in steps of 0.001": what a number row accepts, for messages. */
export function accepted(row: NumberRow): string {
  const [min, max] = row.range;
  const whole = row.step !== undefined && Number.isInteger(row.step) && Number.isInteger(min);
  const bounds = `${trim(min)} to ${max >= 2 ** 31 - 1 ? "2³¹" : trim(max)}`;
  if (whole && row.step === 1) return `a whole number from ${bounds}`;
  return row.step !== undefined ? `${bounds} in steps of ${trim(row.step)}` : bounds;
}

/** Whether v lies on the row's step grid (base: the minimum), with a tolerance for binary fractions. */
function onGrid(row: NumberRow, v: number): boolean {
  if (row.step === undefined) return true;
  const k = (v - row.range[0]) / row.step;
  return Math.abs(k - Math.round(k)) <= 1e-7 * Math.max(1, Math.abs(k));
}

/**
 * Checks a number against a row: range, grid, then the row's own check. The reason names nothing (callers add
 * the parameter and the value).
 */
export function checkNumber(row: NumberRow, v: number): Parsed<number> {
  if (!Number.isFinite(v)) return { ok: false, reason: `not a finite number; accepted: ${accepted(row)}` };
  if (row.check) {
    try {
      row.check(v);
    } catch (e) {
      return { ok: false, reason: `${(e as Error).message}; accepted: ${accepted(row)}` };
    }
  }
  const [min, max] = row.range;
  if (v < min || v > max) return { ok: false, reason: `outside the accepted range, ${accepted(row)}` };
  if (!onGrid(row, v)) {
    const whole = row.step === 1 && Number.isInteger(min);
    return { ok: false, reason: `${whole ? "not a whole number" : `not a multiple of the step ${trim(row.step!)} from ${trim(min)}`}; accepted: ${accepted(row)}` };
  }
  return { ok: true, value: v };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number row's value from text (a URL value or a typed box): plain decimals only, then checkNumber. */
export function parseNumberText(row: NumberRow, text: string): Parsed<number> {
  if (text.length > MAX_RAW_LENGTH) return { ok: false, reason: `too long (${text.length} characters); accepted: ${accepted(row)}` };
  if (text.trim() === "") return { ok: false, reason: `empty; accepted: ${accepted(row)}` };
  if (!DECIMAL.test(text)) return { ok: false, reason: `not a number; accepted: ${accepted(row)}` };
  return checkNumber(row, Number(text));
}

/** The option a URL text names; keys are compared as strings, so "__proto__" is just an unknown key. */
export function parseChoice<T>(row: ChoiceRow<T>, text: string): Parsed<T> {
  const key = row.key ?? String;
  const keys = row.options.map((o) => key(o));
  const i = text.length <= MAX_RAW_LENGTH ? keys.indexOf(text) : -1;
  if (i >= 0) return { ok: true, value: row.options[i] };
  return { ok: false, reason: `not one of ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}` };
}

/** Any value row's value from its URL text. */
export function parseRowText(row: ValueInputRow, text: string): Parsed<unknown> {
  if (row.input === "checkbox") return parseBoolean(text);
  if (isNumberRow(row)) return parseNumberText(row, text);
  return parseChoice(row as ChoiceRow, text);
}

export function isNumberRow(row: InputRow): row is NumberRow {
  return row.input === "range" || row.input === "number";
}

/** What goes into the URL for a value of `row`. */
export function encodeRowValue(row: ValueInputRow, value: unknown): string {
  if (row.input === "checkbox") return String(value);
  if (row.input === "select" || row.input === "radio") return (row.key ?? String)(value);
  return formatNumber(value as number);
}

/** A value as the number box shows it: exactly (no rounding format), so what is shown is what runs. */
export function showNumber(v: number): string {
  return String(+v.toPrecision(12));
}

/**
 * The inline message under a box whose typed text cannot run, or null when it can. Names the parameter, the
 * text as typed and what is accepted, and says that the chart still shows the last valid run.
 */
export function typedMessage(row: NumberRow, text: string, last: number): string | null {
  const parsed = parseNumberText(row, text);
  if (parsed.ok) return null;
  return `${row.label} (${row.name}): ${quote(text)} cannot run: ${parsed.reason}. Still showing the run for ${showNumber(last)}.`;
}

/** One line of the page's notice. */
export function describeProblem(p: QueryProblem): string {
  // Page keys are short (the longest is 44 characters); anything much longer is a hostile name: shorten it.
  return `${p.name.length > 60 ? quote(p.name) : p.name}=${quote(p.raw)} (${p.reason})`;
}

/** The notice text, or "" when nothing was ignored. Each problem once, in the order found. */
export function noticeText(problems: readonly QueryProblem[]): string {
  const lines = [...new Set(problems.map(describeProblem))];
  return lines.length ? `Some settings in this link were ignored: ${lines.join("; ")}.` : "";
}

/**
 * A row's check that runs the optimizer's own validation on `options` with `option` set to the value; given
 * several optimizers (one rate feeding each), every one of them must accept it.
 */
export function optimizerCheck(
  def: AnyOptimizerDef | readonly AnyOptimizerDef[],
  options: Record<string, unknown> | (() => Record<string, unknown>),
  option: string,
): (v: number) => void {
  if (Array.isArray(def)) {
    const checks = def.map((d) => optimizerCheck(d, options, option));
    return (v) => checks.forEach((c) => c(v));
  }
  const one = def as AnyOptimizerDef;
  return (v) => {
    // A form passes its current options, so a check sees the other fields as they are now (nesterov off, say).
    const now = typeof options === "function" ? options() : options;
    if (option === "beta1" || option === "beta2") {
      const betas = [...((now.betas ?? one.defaults.betas) as number[])];
      betas[option === "beta1" ? 0 : 1] = v;
      resolveOptions(one, { ...now, betas });
    } else resolveOptions(one, { ...now, [option]: v });
  };
}

function rangeRow(name: string, label: string, range: Range, value: number, check: (v: number) => void): NumberRow {
  return range.scale === "log"
    ? { name, label, input: "range", range: [range.min, range.max], scale: "log", default: Math.max(value, range.min), check }
    : { name, label, input: "range", range: [range.min, range.max], step: range.step, default: value, check };
}

/**
 * The rows of an optimizer's form, from its defaults and ranges: booleans become toggles, `betas` two sliders
 * (beta1, beta2), every numeric option with a range a slider checked by the optimizer's own validate.
 * `maximize` is left out: every page minimises.
 */
export function optimizerRows(
  def: AnyOptimizerDef,
  initial: Record<string, unknown> = {},
  prefix?: string,
  current?: () => Record<string, unknown>,
): ValueInputRow[] {
  const values: Record<string, unknown> = { ...def.defaults, ...initial };
  const now = current ?? (() => values);
  const key = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const rows: ValueInputRow[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (name === "maximize") continue;
    if (typeof value === "boolean") rows.push({ name: key(name), label: name, input: "checkbox", default: value });
    else if (name === "betas") {
      const [b1, b2] = value as [number, number];
      rows.push(rangeRow(key("beta1"), "β₁ (betas[0])", betaRanges[0], b1, optimizerCheck(def, now, "beta1")));
      rows.push(rangeRow(key("beta2"), "β₂ (betas[1])", betaRanges[1], b2, optimizerCheck(def, now, "beta2")));
    } else {
      const range = (def.ranges as Record<string, Range | undefined>)[name];
      if (range) rows.push(rangeRow(key(name), name, range, value as number, optimizerCheck(def, now, name)));
    }
  }
  return rows;
}

/** The rows of a chart's zoom and moving-average controls. */
export function chartRows(name: string, initial: { yMax: number; smoothing: number }): NumberRow[] {
  return [
    { name: `${name}.y`, label: "y max (zoom)", input: "range", range: [0.25, 50], scale: "log", default: initial.yMax },
    { name: `${name}.avg`, label: "moving average (steps)", input: "range", range: [1, 50], step: 1, default: initial.smoothing },
  ];
}

/** Every URL key a table row reads, each with the value row that parses it (null for a ValueRow). */
export function rowKeys(row: InputRow): { name: string; row: ValueInputRow | null }[] {
  if (row.input === "optimizer") return optimizerRows(row.def, row.default, row.name).map((r) => ({ name: r.name, row: r }));
  if (row.input === "chart") return chartRows(row.name, row.default).map((r) => ({ name: r.name, row: r }));
  if (row.input === "value") return [{ name: row.name, row: null }];
  return [{ name: row.name, row }];
}

/** Throws on a table that would bind one URL key twice or mark two main inputs: a page bug, not a reader's. */
export function checkTable(rows: readonly InputRow[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const { name } of rowKeys(row)) {
      if (seen.has(name)) throw new Error(`input table: the URL key ${name} is bound twice`);
      seen.add(name);
    }
  }
  const mains = rows.filter((r) => "main" in r && r.main !== undefined).map((r) => r.name);
  if (mains.length > 1) throw new Error(`input table: more than one main input (${mains.join(", ")})`);
}
