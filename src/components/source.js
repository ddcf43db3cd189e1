// @ts-check
// Source code from lib/, extracted at build time (scripts/build-engine.ts): what the page shows is what runs.
import {FileAttachment} from "observablehq:stdlib";
import {symbols, assigningLines} from "../_descent/descent.js";
import {tex} from "./tex.js";

/** @type {Record<string, {file: string, code: string, html: string}>} */
const sources = await FileAttachment("../_descent/sources.json").json();

/** A highlighted code block for the region "path/in/lib.ts#name", captioned with its file. */
/**
 * @param {string} key
 * @returns {HTMLElement}
 */
export function source(key) {
  const entry = sources[key];
  if (!entry) throw new Error(`No source region "${key}" in lib/ (mark one with // #region NAME).`);
  const figure = document.createElement("figure");
  figure.className = "descent-source";
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.className = "language-ts";
  // highlight.js output of our own source (escaped by it), one span per line so lines can be highlighted
  code.innerHTML = entry.html.split("\n").map((/** @type {string} */ line) => `<span class="code-line">${line}</span>`).join("\n");
  pre.append(code);
  const caption = document.createElement("figcaption");
  caption.textContent = entry.file;
  figure.append(pre, caption);
  return figure;
}

/**
 * The source regions that compute an optimizer's update: its own `#update`, then any region it calls for the
 * rest of its equation (AdamW's moment lines are Adam's shared `adamStep`, so both are listed).
 * @param {{name: string}} def
 * @returns {string[]}
 */
export function updateRegions(def) {
  const calls = /** @type {Record<string, string[]>} */ ({adamw: ["adam"]});
  return [def.name, ...(calls[def.name] ?? [])].map((name) => `optimizers/${name}.ts#update`);
}

/**
 * An equation beside its code, linked: hovering or focusing a symbol (\\sym{key}{…} in the TeX) highlights the
 * line(s) of code that compute it and shows `values()[key]` — its current value during a run — when given.
 * @param {string} equation KaTeX with \\sym{key}{…} marks
 * @param {string | string[]} keys source regions, "path/in/lib.ts#name", listed one under the other (the
 *   update and the helpers it calls: a symbol lights its lines in any of them)
 * @param {{values?: () => Record<string, string>}} [options]
 * @returns {HTMLElement}
 */
export function linked(equation, keys, {values} = {}) {
  const pair = document.createElement("div");
  pair.className = "descent-pair descent-linked";
  const left = document.createElement("div");
  const math = tex.block(equation);
  const readout = document.createElement("p");
  readout.className = "descent-readout";
  readout.setAttribute("aria-live", "polite");
  readout.textContent = "Hover or focus a symbol to find its line of code.";
  left.append(math, readout);
  const right = document.createElement("div");
  const regions = (Array.isArray(keys) ? keys : [keys]).map((key) => {
    const listing = source(key);
    right.append(listing);
    return {code: sources[key].code, lines: /** @type {HTMLElement[]} */ ([...listing.querySelectorAll(".code-line")])};
  });
  pair.append(left, right);
  const lines = regions.flatMap((r) => r.lines);
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (math.querySelectorAll("[data-sym]"))) {
    const sym = el.dataset.sym ?? "";
    const info = symbols[sym];
    if (!info) continue;
    el.tabIndex = 0;
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", `${info.code}: ${info.meaning}`);
    const targets = regions.flatMap((r) => assigningLines(r.code, info.code).map((i) => r.lines[i]).filter(Boolean));
    // Line numbers as shown: each listing counts from 1, and a second listing is named by its file.
    const where = (/** @type {HTMLElement} */ t) => {
      const i = regions.findIndex((r) => r.lines.includes(t));
      const n = regions[i].lines.indexOf(t) + 1;
      return i === 0 ? `line ${n}` : `line ${n} of ${(Array.isArray(keys) ? keys : [keys])[i].split("#")[0]}`;
    };
    const on = () => {
      for (const l of lines) l.classList.remove("active");
      for (const t of targets) t.classList.add("active");
      for (const s of math.querySelectorAll("[data-sym].active")) s.classList.remove("active");
      el.classList.add("active");
      const value = values?.()?.[sym];
      readout.textContent = `${info.code} — ${info.meaning}${targets.length ? `; computed on ${targets.map(where).join(", ")}` : ""}${value !== undefined ? `. Now: ${value}` : ""}`;
    };
    el.addEventListener("mouseenter", on);
    el.addEventListener("focus", on);
  }
  return pair;
}
