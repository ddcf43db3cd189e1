// @ts-check
// A plain table of results, not Inputs.table: Inputs.table keeps every cell on one line and scrolls sideways
// without showing it (a phone cut the Newton summary's status, the digits tables' last columns and the
// parabola's "y = x²" with no cue that more was there). Here headers and text columns wrap, numbers stay on one
// line, and a table still wider than its column scrolls and says so (style.css: a fade and a dotted rule).

/**
 * @template {Record<string, any>} R
 * @typedef {{columns: (keyof R & string)[], header?: Partial<Record<string, string>>, format?: Partial<Record<string, (v: any, row: R) => string>>, text?: string[]}} TableOptions
 *   `text`: the columns of words (left-aligned, wrapping); the others are numbers (right-aligned, one line)
 */

/** Tables whose wrapper says whether it scrolls; one observer for the page. */
const cue = typeof ResizeObserver === "undefined" ? null : new ResizeObserver((entries) => {
  for (const {target} of entries) {
    // A table taken off the page (a rerun's new table replaced it) reports its size going to 0: let it go.
    if (!target.isConnected) cue?.unobserve(target);
    else target.toggleAttribute("data-scrolls", target.scrollWidth > target.clientWidth + 1);
  }
});

/**
 * @template {Record<string, any>} R
 * @param {R[]} rows
 * @param {TableOptions<R>} options
 * @returns {HTMLDivElement}
 */
export function numberTable(rows, {columns, header = {}, format = {}, text = []}) {
  const table = document.createElement("table");
  table.className = "descent-numbers";
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = header[c] ?? c;
    if (text.includes(c)) th.className = "text";
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      const f = format[c];
      td.textContent = f ? f(row[c], row) : row[c] == null ? "" : String(row[c]);
      if (text.includes(c)) td.className = "text";
    }
  }
  const wrap = document.createElement("div");
  wrap.className = "descent-table";
  wrap.append(table);
  cue?.observe(wrap);
  return wrap;
}
