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
 * An equation beside its code, linked: hovering or focusing a symbol (\\sym{key}{…} in the TeX) highlights the
 * line(s) of code that compute it and shows `values()[key]` — its current value during a run — when given.
 * @param {string} equation KaTeX with \\sym{key}{…} marks
 * @param {string} key a source region, "path/in/lib.ts#name"
 * @param {{values?: () => Record<string, string>}} [options]
 * @returns {HTMLElement}
 */
export function linked(equation, key, {values} = {}) {
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
  const listing = source(key);
  right.append(listing);
  pair.append(left, right);
  const lines = [...listing.querySelectorAll(".code-line")];
  const code = sources[key].code;
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (math.querySelectorAll("[data-sym]"))) {
    const sym = el.dataset.sym ?? "";
    const info = symbols[sym];
    if (!info) continue;
    el.tabIndex = 0;
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", `${info.code}: ${info.meaning}`);
    const targets = assigningLines(code, info.code).map((i) => lines[i]).filter(Boolean);
    const on = () => {
      for (const l of lines) l.classList.remove("active");
      for (const t of targets) t.classList.add("active");
      for (const s of math.querySelectorAll("[data-sym].active")) s.classList.remove("active");
      el.classList.add("active");
      const value = values?.()?.[sym];
      readout.textContent = `${info.code} — ${info.meaning}${targets.length ? `; computed on line ${targets.map((t) => lines.indexOf(t) + 1).join(", ")}` : ""}${value !== undefined ? `. Now: ${value}` : ""}`;
    };
    el.addEventListener("mouseenter", on);
    el.addEventListener("focus", on);
  }
  return pair;
}
