// KaTeX from this site's own copy: `tex` for inline math, `tex.block` for display math.
import katex from "katex";
import {katexStylesheet} from "../_descent/katex-assets.js";
import {texMacros} from "../_descent/descent.js";

if (!document.querySelector("link[data-katex]")) {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = katexStylesheet;
  link.dataset.katex = "";
  document.head.append(link);
}

function render(source, displayMode) {
  const element = document.createElement(displayMode ? "div" : "span");
  // \sym{key}{…} marks a symbol (data-sym="key") for equation ↔ code linking; only \htmlData is trusted.
  katex.render(source, element, {
    displayMode,
    throwOnError: false,
    output: "html",
    macros: {...texMacros},
    trust: (context) => context.command === "\\htmlData",
    strict: (code) => (code === "htmlExtension" ? "ignore" : "warn")
  });
  return element;
}

/** Inline math, as a tagged template (tex`x^2`) or a call (tex("x^2")). */
export function tex(strings, ...values) {
  return render(typeof strings === "string" ? strings : String.raw(strings, ...values), false);
}

/** Display math. */
tex.block = function (strings, ...values) {
  return render(typeof strings === "string" ? strings : String.raw(strings, ...values), true);
};
