/**
 * Reading a page's query string without trusting it. `URLSearchParams` never throws, but it silently turns a
 * bad escape into U+FFFD and keeps every duplicate; `decodeURIComponent` throws on a bad escape (tfjs calls it
 * on every key while it starts). Here every pair is decoded on its own, and whatever cannot be used is kept as
 * a problem with its name and raw text, so the page can say what it ignored.
 */

/** Something in a link the page does not use, with the text as it was in the link. */
export interface QueryProblem {
  /** The key as decoded, or its raw text when the key itself cannot be decoded. */
  name: string;
  raw: string;
  reason: string;
}

export interface Query {
  /** The first decodable value of each key. A Map, so `__proto__` or `constructor` are plain keys. */
  values: Map<string, string>;
  problems: QueryProblem[];
}

/** Keys that are never ours to read, and why. */
export const REFUSED_KEYS: ReadonlyMap<string, string> = new Map([
  ["tfjsflags", "TensorFlow.js engine flags cannot be set from a link; tfjsflags is ignored"],
]);

/** Keys every page accepts besides its inputs: `backend` is read by the engine badge (lib/engine/backend.ts). */
export const PAGE_KEYS: readonly string[] = ["backend"];

/** `application/x-www-form-urlencoded` decoding of one component; null when it is not valid percent-encoding. */
export function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/**
 * Splits `search` ("?a=1&b=2", with or without "?") into pairs. Empty segments are skipped; a key without
 * "=" has the value "". Undecodable pairs, refused keys and repeats of a key (the first wins) become problems.
 */
export function readQuery(search: string): Query {
  const values = new Map<string, string>();
  const problems: QueryProblem[] = [];
  const text = search.startsWith("?") ? search.slice(1) : search;
  for (const segment of text.split("&")) {
    if (segment === "") continue;
    const eq = segment.indexOf("=");
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    const rawValue = eq < 0 ? "" : segment.slice(eq + 1);
    const name = decodeComponent(rawKey);
    if (name === null) {
      problems.push({ name: rawKey, raw: rawValue, reason: "the name is not valid percent-encoding" });
      continue;
    }
    const refused = REFUSED_KEYS.get(name);
    if (refused) {
      problems.push({ name, raw: rawValue, reason: refused });
      continue;
    }
    const value = decodeComponent(rawValue);
    if (value === null) {
      problems.push({ name, raw: rawValue, reason: "not valid percent-encoding" });
      continue;
    }
    if (values.has(name)) {
      problems.push({ name, raw: value, reason: `repeated; the first ${name}= is used` });
      continue;
    }
    values.set(name, value);
  }
  return { values, problems };
}

/**
 * The query with the pairs tfjs must never see: refused keys (tfjsflags) and anything tfjs's own parser would
 * throw on (a bad escape in a key or value). Every other segment is kept byte for byte, in order.
 */
export function withoutUnsafePairs(search: string): { search: string; removed: QueryProblem[] } {
  const text = search.startsWith("?") ? search.slice(1) : search;
  const kept: string[] = [];
  const removed: QueryProblem[] = [];
  for (const segment of text.split("&")) {
    if (segment === "") continue;
    const eq = segment.indexOf("=");
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    const rawValue = eq < 0 ? "" : segment.slice(eq + 1);
    // tfjs decodes without the "+" rule, so test exactly what it runs.
    const key = safe(rawKey);
    if (key === null || safe(rawValue) === null) {
      removed.push({ name: key ?? rawKey, raw: rawValue, reason: key === null ? "the name is not valid percent-encoding" : "not valid percent-encoding" });
    } else if (REFUSED_KEYS.has(key.replace(/\+/g, " "))) {
      removed.push({ name: key, raw: rawValue, reason: REFUSED_KEYS.get(key.replace(/\+/g, " "))! });
    } else kept.push(segment);
  }
  return { search: kept.length ? `?${kept.join("&")}` : "", removed };
}

function safe(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Keys of `query` that no input of the page reads, as problems. */
export function unknownKeys(query: Query, known: (name: string) => boolean): QueryProblem[] {
  const out: QueryProblem[] = [];
  for (const [name, raw] of query.values) {
    if (!known(name) && !PAGE_KEYS.includes(name)) out.push({ name, raw, reason: "this page has no such setting" });
  }
  return out;
}
