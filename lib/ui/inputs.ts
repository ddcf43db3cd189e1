/**
 * A page's inputs from one table (lib/url/inputs.ts describes the rows): the Observable Inputs, each bound to
 * its URL key, the main input marked for the browser test, and a notice listing whatever the link carried that
 * the page did not use. A value typed into a number box that cannot run is refused under the box, with the
 * parameter, the text and what is accepted; the refused event never reaches the page, so nothing reruns.
 *
 *   const p = inputs([{name: "lr", input: "range", label: "learning rate", default: 0.05, range: [0.001, 1.5], step: 0.001, main: 0.1}, …]);
 *   const lr = view(p.lr);
 */
import * as Inputs from "@observablehq/inputs";
import type { InputElement } from "@observablehq/inputs";
import { linkProblems } from "../engine/url-guard.js";
import type { AnyOptimizerDef } from "../optimizers/types.js";
import {
  chartRows,
  checkTable,
  encodeRowValue,
  isNumberRow,
  noticeText,
  optimizerRows,
  parseRowText,
  rowKeys,
  typedMessage,
  type InputRow,
  type NumberRow,
  type ValueInputRow,
} from "../url/inputs.js";
import { readQuery, unknownKeys, type QueryProblem } from "../url/query.js";

/** Value problems found while binding (bad numbers, unknown options), in the order found. */
const problems: QueryProblem[] = [];
const known = new Set<string>();
const notices = new Set<HTMLElement>();
let tables = 0;
/** The link as opened, after url-guard removed what tfjs must not see. */
const opened = readQuery(typeof location === "undefined" ? "" : location.search);

/** Every bound input by URL key: what the browser tests read (window.descent.inputs). */
export const bound = new Map<string, { row: ValueInputRow; element: InputElement }>();

function noticeProblems(): QueryProblem[] {
  // Unknown keys only once a table has declared the page's keys; before that every key would look unknown.
  const unknown = tables > 0 ? unknownKeys(opened, (n) => known.has(n)) : [];
  return [...linkProblems, ...opened.problems, ...problems, ...unknown];
}

/** The notice's text now ("" when the link was used as it is). */
export function linkNotice(): string {
  return noticeText(noticeProblems());
}

function refresh(): void {
  const text = linkNotice();
  for (const el of notices) {
    el.hidden = text === "";
    el.textContent = text;
  }
}

/** A live notice listing ignored link values, as text, never HTML; hidden when there are none. */
export function urlNotice(): HTMLElement {
  const p = document.createElement("p");
  p.className = "descent-status error";
  p.setAttribute("role", "status");
  notices.add(p);
  refresh();
  return p;
}

function write(name: string, text: string | null): void {
  const url = new URL(location.href);
  if (text === null) url.searchParams.delete(name);
  else url.searchParams.set(name, text);
  history.replaceState(history.state, "", url);
}

/** The URL's value for `name` now: an input rebuilt by a rerun cell picks up what the reader set since. */
function current(name: string): string | undefined {
  return readQuery(location.search).values.get(name);
}

function note(problem: QueryProblem): void {
  problems.push(problem);
  refresh();
}

const exact = (v: number) => String(+v.toPrecision(12));

/** The Inputs element for a value row. Number boxes show the value exactly: what is shown is what runs. */
function build(row: ValueInputRow): InputElement {
  const { label } = row;
  switch (row.input) {
    case "range":
      return row.scale === "log"
        ? Inputs.range(row.range, { label, value: row.default, transform: Math.log, format: exact })
        : Inputs.range(row.range, { label, value: row.default, step: row.step, format: exact });
    case "number":
      return Inputs.number(row.range, { label, value: row.default, step: row.step, format: exact });
    case "select":
      return Inputs.select(row.options, { label, value: row.default, format: row.format });
    case "radio":
      return Inputs.radio(row.options, { label, value: row.default, format: row.format });
    case "checkbox":
      return Inputs.toggle({ label, value: row.default });
  }
}

/**
 * Refuses typed text that cannot run (under the box, with the parameter, the text and the accepted range) and
 * stops its event before Inputs or the page hear it, so the last valid run stays; a valid number must then be
 * the element's value exactly, or it is refused too. A log slider's drag is rounded to 3 significant digits,
 * so the box, the URL and the run carry the same short number.
 */
function guardTyping(row: NumberRow, el: InputElement<number>): void {
  const message = document.createElement("div");
  message.className = "descent-input-message";
  message.setAttribute("role", "alert");
  message.hidden = true;
  el.append(message);
  const show = (text: string | null) => {
    message.hidden = text === null;
    message.textContent = text ?? "";
  };
  let typed: number | null = null;
  el.addEventListener(
    "input",
    (e) => {
      const t = e.target as HTMLInputElement;
      typed = null;
      if ((t as Element) === el || t.type !== "number") return;
      const refusal = typedMessage(row, t.value, el.value);
      if (refusal) {
        e.stopImmediatePropagation();
        show(refusal);
      } else typed = Number(t.value);
    },
    { capture: true },
  );
  el.addEventListener("input", (e) => {
    if (typed !== null && el.value !== typed) {
      e.stopImmediatePropagation();
      show(`${row.label} (${row.name}): ${typed} could not be applied exactly. Still showing the run for ${el.value}.`);
      return;
    }
    if (row.scale === "log" && (e.target as HTMLInputElement).type === "range") {
      const short = +el.value.toPrecision(3);
      if (short !== el.value) el.value = short;
    }
    show(null);
  });
}

/**
 * Binds an Inputs element to ?<row.name>=…: a valid value in the URL is set, anything else is listed in the
 * notice (the element keeps its default); changes are written back (the key is dropped at the default).
 */
export function bindInput<T extends InputElement>(row: ValueInputRow, el: T): T {
  known.add(row.name);
  el.dataset.urlParam = row.name;
  bound.set(row.name, { row, element: el });
  const defaultText = encodeRowValue(row, el.value);
  const raw = current(row.name);
  if (raw !== undefined) {
    const parsed = parseRowText(row, raw);
    if (!parsed.ok) note({ name: row.name, raw, reason: parsed.reason });
    else {
      const initial = el.value;
      el.value = parsed.value;
      if (el.value !== parsed.value) {
        el.value = initial;
        note({ name: row.name, raw, reason: "cannot be set exactly on this input" });
      }
    }
  }
  if (isNumberRow(row)) guardTyping(row, el as InputElement<number>);
  el.addEventListener("input", () => {
    const text = encodeRowValue(row, el.value);
    write(row.name, text === defaultText ? null : text);
  });
  return el;
}

/** Checks the URL values of keys that another component binds later (so a bad one is reported at once). */
function declare(rows: readonly ValueInputRow[]): void {
  for (const row of rows) {
    const raw = current(row.name);
    if (raw === undefined) continue;
    const parsed = parseRowText(row, raw);
    if (!parsed.ok) problems.push({ name: row.name, raw, reason: parsed.reason });
  }
}

/** The form for an optimizer's options; its value is the options object the library takes (betas as a pair). */
export function optimizerForm(def: AnyOptimizerDef, initial: Record<string, unknown> = {}, { url }: { url?: string } = {}): HTMLElement & { value: Record<string, unknown> } {
  let view: (HTMLElement & { value: Record<string, unknown> }) | undefined;
  const fields: Record<string, InputElement> = {};
  const current = () => ({ ...def.defaults, ...initial, ...(view?.value ?? {}) });
  for (const row of optimizerRows(def, initial, url, current)) {
    const el = build(row);
    fields[url ? row.name.slice(url.length + 1) : row.name] = url ? bindInput(row, el) : el;
  }
  const form = Inputs.form(fields);
  view = document.createElement("div") as unknown as HTMLElement & { value: Record<string, unknown> };
  view.append(form);
  Object.defineProperty(view, "value", {
    get: () => {
      const { beta1, beta2, ...rest } = form.value as Record<string, unknown>;
      return beta1 === undefined ? rest : { ...rest, betas: [beta1, beta2] };
    },
  });
  return view!;
}

/** A chart's y maximum and moving-average window; value {yMax, smoothing}; keys <url>.y and <url>.avg. */
export function chartControls({ yMax = 5, smoothing = 1, url }: { yMax?: number; smoothing?: number; url?: string } = {}): InputElement<{ yMax: number; smoothing: number }> {
  const [y, avg] = chartRows(url ?? "chart", { yMax, smoothing }).map((row) => (url ? bindInput(row, build(row)) : build(row)));
  return Inputs.form(
    { yMax: y, smoothing: avg },
    {
      template: (inputs) => {
        const div = document.createElement("div");
        div.className = "descent-chart-controls";
        div.append(...Object.values(inputs));
        return div;
      },
    },
  );
}

function markMain(el: HTMLElement, row: InputRow): void {
  if (!("main" in row) || row.main === undefined) return;
  // A select's <option> values are indices, so the test value is the option's index there.
  const test = row.input === "select" || row.input === "radio" ? row.options.indexOf(row.main) : row.main;
  el.dataset.mainInput = String(test);
  // The key the status line under the main chart names (run.js); an optimizer form's main value is its lr.
  el.dataset.mainName = row.input === "optimizer" ? `${row.name}.lr` : row.name;
}

/**
 * The page's input table: one element per row, by name (an optimizer row gives its form, a chart row its
 * controls; value rows only declare a key that the page reads with urlValue). Display each with view(…).
 */
export function inputs(rows: readonly InputRow[]): Record<string, InputElement<any>> {
  checkTable(rows);
  tables++;
  const out: Record<string, InputElement<any>> = Object.create(null);
  for (const row of rows) {
    for (const { name } of rowKeys(row)) known.add(name);
    if (row.input === "value") continue;
    if (row.input === "optimizer") {
      if (row.build === false) {
        declare(optimizerRows(row.def, row.default, row.name));
        continue;
      }
      out[row.name] = optimizerForm(row.def, row.default, { url: row.name }) as unknown as InputElement;
    } else if (row.input === "chart") out[row.name] = chartControls({ ...row.default, url: row.name });
    else out[row.name] = bindInput(row, build(row));
    markMain(out[row.name], row);
  }
  refresh();
  return out;
}

/**
 * A setting that is not an Inputs element (a dragged point): ?name=… parsed with `parse`; `initial` when absent
 * or invalid (then listed in the notice). With `requires` ({key, value}), the value counts only when the link
 * carries key=value too (a start point belongs to the surface the link names), and is reported otherwise.
 */
export function urlValue<T>(
  name: string,
  { parse, initial, requires }: { parse: (raw: string) => { ok: true; value: T } | { ok: false; reason: string }; initial: T; requires?: { key: string; value: string } },
): T {
  known.add(name);
  const raw = current(name);
  if (raw === undefined) return initial;
  if (requires && current(requires.key) !== requires.value) {
    note({ name, raw, reason: `applies only with the ${requires.key} it belongs to; the link names no valid ${requires.key}` });
    return initial;
  }
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  note({ name, raw, reason: parsed.reason });
  return initial;
}

/** Writes ?name=text into the URL (history.replaceState), or removes it when `text` is null. */
export function setUrlValue(name: string, text: string | null): void {
  write(name, text);
}
