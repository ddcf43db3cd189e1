/** Runs as data files: CSV (RFC 4180 quoting) and JSON, with numbers written so they read back exactly. */

export type Row = Record<string, unknown>;

/** Column names in first-seen order across all rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(rows: readonly Row[], columns = columnsOf(rows)): string {
  return [columns.map(cell).join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/** Parses toCSV's output back: numbers become numbers, empty cells undefined. */
export function parseCSV(text: string): Row[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") record.push(field), (field = "");
    else if (c === "\n") record.push(field), records.push(record), (record = []), (field = "");
    else if (c !== "\r") field += c;
  }
  if (field !== "" || record.length) record.push(field), records.push(record);
  const [header, ...body] = records;
  return body.map((values) =>
    Object.fromEntries(
      header.map((h, j) => {
        const v = values[j] ?? "";
        const n = Number(v);
        return [h, v === "" ? undefined : Number.isFinite(n) || v === "NaN" || /^-?Infinity$/.test(v) ? n : v];
      }),
    ),
  );
}

export function toJSON(rows: readonly Row[], meta: Row = {}): string {
  return JSON.stringify({ ...meta, rows }, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 1);
}
