// Source code from lib/, extracted at build time (scripts/build-engine.ts): what the page shows is what runs.
import {FileAttachment} from "observablehq:stdlib";

const sources = await FileAttachment("../_descent/sources.json").json();

/** A highlighted code block for the region "path/in/lib.ts#name", captioned with its file. */
export function source(key) {
  const entry = sources[key];
  if (!entry) throw new Error(`No source region "${key}" in lib/ (mark one with // #region NAME).`);
  const figure = document.createElement("figure");
  figure.className = "descent-source";
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.className = "language-ts";
  code.innerHTML = entry.html; // produced by highlight.js from our own repository's source, escaped by it
  pre.append(code);
  const caption = document.createElement("figcaption");
  caption.textContent = entry.file;
  figure.append(pre, caption);
  return figure;
}
