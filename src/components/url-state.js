// Page settings in the URL: every bound input starts from ?name=value when the link carries a valid one and
// writes its changes back, so a copied link reopens the same run. Invalid or hostile values are ignored and
// listed in a notice (as text, never as HTML).
import {parseNumber, parseBoolean, parseKey, parseText, quote, formatNumber} from "../_descent/descent.js";

const notices = [];
const noticeElements = new Set();

function refresh() {
  for (const el of noticeElements) {
    el.hidden = notices.length === 0;
    el.textContent = notices.length ? `Some settings in this link were ignored: ${notices.join("; ")}.` : "";
  }
}

/** A live notice listing ignored URL values; empty (hidden) when there are none. */
export function urlNotice() {
  const p = document.createElement("p");
  p.className = "descent-status error";
  p.setAttribute("role", "status");
  noticeElements.add(p);
  refresh();
  return p;
}

function write(name, text) {
  const url = new URL(location.href);
  if (text === null) url.searchParams.delete(name);
  else url.searchParams.set(name, text);
  history.replaceState(history.state, "", url);
}

/**
 * Bind `input` (an Inputs range, number, toggle, select or text) to ?name=…, and return it.
 * Rebinding a name (a cell that reruns and rebuilds its input) is fine. For a select pass its `options` (the same array given to Inputs.select) and, when they are objects, a `key`
 * (object → short string) so the URL holds the key.
 */
export function urlInput(name, input, {options, key = String} = {}) {
  // Read the URL as it is now: an input rebuilt by a rerun cell (say, a new optimizer's form) picks up what the
  // reader set before, not just what the link carried.
  const params = new URLSearchParams(location.search);
  const initial = input.value;
  input.dataset.urlParam = name;
  const encode = (v) => (typeof v === "number" ? formatNumber(v) : typeof v === "boolean" ? String(v) : key(v));
  const raw = params.get(name);
  if (raw !== null) {
    const parsed = parse(input, initial, raw, options, key);
    if (parsed.ok) input.value = parsed.value;
    else if (!notices.includes(`${name}=${quote(raw)} (${parsed.reason})`)) notices.push(`${name}=${quote(raw)} (${parsed.reason})`);
    refresh();
  }
  const defaultText = encode(initial);
  input.addEventListener("input", () => {
    const text = encode(input.value);
    write(name, text === defaultText ? null : text);
  });
  return input;
}

function parse(input, initial, raw, options, key) {
  if (options) {
    const keys = Array.from(options, key);
    const k = parseKey(raw, keys);
    return k.ok ? {ok: true, value: options[keys.indexOf(k.value)]} : k;
  }
  if (typeof initial === "number") {
    // Inputs.range and Inputs.number carry their bounds on the number field.
    const number = input.querySelector?.("input[type=number]");
    const bound = (attr, fallback) => (number && number.getAttribute(attr) ? Number(number.getAttribute(attr)) : fallback);
    return parseNumber(raw, {min: bound("min", -Infinity), max: bound("max", Infinity), integer: number?.getAttribute("step") === "1"});
  }
  if (typeof initial === "boolean") return parseBoolean(raw);
  return parseText(raw);
}

/**
 * A page setting that is not an Inputs element (a dragged point, say): ?name=… parsed with `parse` (raw text →
 * lib/url/params' {ok, value} or {ok: false, reason}); `initial` when absent, or when invalid (then listed in
 * the notice like any other ignored value). Write it back with setUrlValue.
 */
export function urlValue(name, {parse, initial}) {
  const raw = new URLSearchParams(location.search).get(name);
  if (raw === null) return initial;
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  const notice = `${name}=${quote(raw)} (${parsed.reason})`;
  if (!notices.includes(notice)) notices.push(notice);
  refresh();
  return initial;
}

/** Writes ?name=text into the URL (history.replaceState), or removes it when `text` is null. */
export function setUrlValue(name, text) {
  write(name, text);
}
