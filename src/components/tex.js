// @ts-check
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

/**
 * @param {string} source
 * @param {boolean} displayMode
 * @returns {HTMLElement}
 */
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

/**
 * Inline math, as a tagged template (tex`x^2`) or a call (tex("x^2")).
 * @param {string | TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {HTMLElement}
 */
export function tex(strings, ...values) {
  return render(typeof strings === "string" ? strings : String.raw(strings, ...values), false);
}

/**
 * Display math, shrunk to fit its column when it is wider (down to FIT_MIN of its size, so a phone shows
 * Adam's five lines whole instead of cut mid-formula); anything wider still scrolls.
 */
/**
 * @param {string | TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {HTMLElement}
 */
tex.block = function (strings, ...values) {
  const element = render(typeof strings === "string" ? strings : String.raw(strings, ...values), true);
  fitWidth(element);
  return element;
};

const FIT_MIN = 0.55;
// A display removed from the page (its cell reran) gets one last callback at size 0: stop observing it then, so
// the observer does not keep every display a long visit has ever drawn.
const fitting = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => entries.forEach((e) => (e.target.isConnected ? fit(e.target) : fitting?.unobserve(e.target))))
  : null;

/** @param {Element} element */
function fit(element) {
  const display = /** @type {HTMLElement} */ (element.querySelector(".katex-display") ?? element);
  display.style.fontSize = "";
  // Parts of KaTeX's layout (struts, fixed kerns) do not scale with the font, so shrink in up to three passes.
  let scale = 1;
  for (let pass = 0; pass < 3 && display.clientWidth > 0 && display.scrollWidth > display.clientWidth + 1 && scale > FIT_MIN; pass++) {
    scale = Math.max(FIT_MIN, (scale * (display.clientWidth - 2)) / display.scrollWidth);
    display.style.fontSize = `${scale.toFixed(3)}em`;
  }
  // Still wider at the smallest size: it scrolls, and says so (style.css draws a scrollbar and an edge fade).
  display.toggleAttribute("data-scrolls", display.scrollWidth > display.clientWidth + 1);
}

// KaTeX's web fonts can arrive after a display was fitted with a fallback font: the display grows, its
// container does not, so the ResizeObserver never fires again. Refit the displays on the page once they load.
// Only the displays that now overflow are refitted: measuring all first, then fitting, costs one layout, not one each.
const refitOverflowing = () => {
  const overflowing = [.../** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".katex-display:not([data-scrolls])"))].filter((d) => d.scrollWidth > d.clientWidth + 1);
  overflowing.forEach(fit);
};
document.fonts?.addEventListener?.("loadingdone", refitOverflowing);
document.fonts?.ready.then(refitOverflowing);

/** @param {HTMLElement} element */
function fitWidth(element) {
  fitting?.observe(element);
}
