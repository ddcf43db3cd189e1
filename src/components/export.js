// @ts-check
// Export a run: its rows as CSV and JSON, its chart as SVG and PNG, and the PyTorch program that reruns it.
import {toCSV, toJSON, pytorchCode} from "../_descent/descent.js";

/** @typedef {import("../_descent/descent.js").Row} Row */
/** @typedef {import("../_descent/descent.js").PyTorchConfig} PyTorchConfig */

/**
 * @param {string} filename
 * @param {Blob} blob
 */
function download(filename, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * The chart's SVG as a standalone file, and its size.
 * @param {Element} chart an <svg>, or an element holding one (a figure's legend swatches are not it)
 * @returns {{text: string, width: number, height: number}}
 */
function svgOf(chart) {
  const svg = chart instanceof SVGSVGElement ? chart : /** @type {SVGSVGElement | null} */ (chart.querySelector("svg:not(figure > div svg)")) ?? chart.querySelector("svg");
  if (!svg) throw new Error("This chart has no SVG to export.");
  const copy = /** @type {SVGSVGElement} */ (svg.cloneNode(true));
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  // Plot styles text with currentColor; pin it so the file looks the same outside the page.
  copy.setAttribute("color", getComputedStyle(svg).color);
  copy.setAttribute("font-family", getComputedStyle(svg).fontFamily);
  return {text: new XMLSerializer().serializeToString(copy), width: svg.width.baseVal.value, height: svg.height.baseVal.value};
}

/**
 * @param {{text: string, width: number, height: number}} svg
 * @param {number} [scale]
 * @returns {Promise<Blob>}
 */
async function png({text, width, height}, scale = 2) {
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([text], {type: "image/svg+xml"}));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  context.fillStyle = "white";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("This chart could not be drawn as a PNG."))), "image/png"));
}

/**
 * @param {string} label
 * @param {() => void} onclick
 */
function button(label, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.onclick = onclick;
  return b;
}

/**
 * A small "Export" panel. `rows`: the run's data (array of flat objects); `chart`: the element holding its SVG;
 * `pytorch`: a config for lib/export's pytorchCode; `name`: the file name stem.
 * @param {{name: string, rows?: readonly Row[] | null, chart?: Element | null, pytorch?: PyTorchConfig | null, meta?: Row}} options
 * @returns {HTMLDetailsElement}
 */
export function exportMenu({name, rows, chart, pytorch, meta = {}}) {
  const details = document.createElement("details");
  details.className = "descent-export";
  details.dataset.name = name; // a page may offer several exports; tests pick one by name
  const summary = document.createElement("summary");
  summary.textContent = "Export this run";
  const bar = document.createElement("div");
  const status = document.createElement("span");
  status.className = "descent-status";
  const guard = (/** @type {() => unknown} */ f) => async () => {
    try {
      await f();
      status.textContent = "";
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  if (rows) {
    bar.append(button("CSV", guard(() => download(`${name}.csv`, new Blob([toCSV(rows)], {type: "text/csv"})))));
    bar.append(button("JSON", guard(() => download(`${name}.json`, new Blob([toJSON(rows, meta)], {type: "application/json"})))));
  }
  if (chart) {
    bar.append(button("SVG", guard(() => download(`${name}.svg`, new Blob([svgOf(chart).text], {type: "image/svg+xml"})))));
    bar.append(button("PNG", guard(async () => download(`${name}.png`, await png(svgOf(chart))))));
  }
  details.append(summary, bar);
  if (pytorch) {
    const code = pytorchCode(pytorch);
    bar.append(button("PyTorch (.py)", guard(() => download(`${name}.py`, new Blob([code], {type: "text/x-python"})))));
    const pre = document.createElement("pre");
    pre.textContent = code;
    details.append(pre);
  }
  bar.append(status);
  return details;
}
