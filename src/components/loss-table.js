// @ts-check
// Two loss curves side by side every k steps, with their relative difference (the Adam page's comparison).
// A plain table, not Inputs.table: five rows need no scrolling, and Inputs.table cuts its headers with an
// ellipsis on a phone ("Descen…", "tf.train.…"), where a plain header wraps.

const columns = /** @type {const} */ (["step", "ours", "theirs", "rel"]);

/**
 * @param {{step: number, ours: number, theirs: number, rel: number}[]} rows
 * @param {{ours: string, theirs: string}} labels the two columns' headers
 * @returns {HTMLTableElement}
 */
export function lossTable(rows, labels) {
  const header = {step: "step", ours: labels.ours, theirs: labels.theirs, rel: "relative difference"};
  const format = {
    step: (/** @type {number} */ v) => String(v),
    ours: (/** @type {number} */ v) => v.toExponential(4),
    theirs: (/** @type {number} */ v) => v.toExponential(4),
    rel: (/** @type {number} */ v) => v.toExponential(1)
  };
  const table = document.createElement("table");
  table.className = "descent-numbers";
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = header[c];
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of columns) tr.insertCell().textContent = format[c](r[c]);
  }
  return table;
}
