/**
 * What a reader sees, checked on every built page at 1280 and 390 px wide, after the page's runs finish:
 *  - every chart draws data (a Plot figure whose marks are all empty fails);
 *  - no KaTeX display, code listing, table or chart is wider than its column unless it scrolls visibly
 *    (an ancestor with overflow-x auto/scroll), and nothing makes the page itself scroll sideways;
 *  - every legend entry names a series that is drawn (its colour appears on a mark);
 *  - no tick label on a value axis uses an SI prefix ("10m", "100µ", "1G"): values read 0.01 or 1e-3; a y axis has
 *    more than one labelled tick;
 *  - every mark stays inside its chart (a diverging run included: see DIVERGING);
 *  - no text is cut off with an ellipsis (a table's header or cell, a label);
 *  - every chart is drawn at the width it is shown (not scaled down, its text shrunk), and no text runs past its edge;
 *  - resizing the window (a phone turned, a desktop window dragged) redraws the figures and restarts no run.
 * The checks run in the page (readerDefects below) and report each defect with the element it is about.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dist, useSite } from "./site.js";
import { builtPages } from "./pages.js";

/** Links that make a run diverge, for the pages that invite the reader to try it. */
const DIVERGING: Record<string, string> = {
  "/gradient-descent": "?lr=1.5&fit.lr=0.0004",
};

/**
 * Whether the built page declares a main input (an input row with `main:` in its code): such a page is not
 * finished before its main chart exists, even while its input table has not been drawn yet.
 */
function declaresMain(path: string): boolean {
  const file = join(dist, path === "/" ? "index.html" : `${path.slice(1)}.html`);
  return existsSync(file) && /\bmain: /.test(readFileSync(file, "utf8"));
}

/** Every run of the page has finished (the worker has none open) and its main charts say so, for 0.5 s. */
async function finished(page: Page, expectMain: boolean): Promise<void> {
  await page.waitForFunction(
    (expectMain) => {
      const w = window as unknown as { __descentLab?: { open: number }; __descentBackgroundLab?: { open: number }; __quietSince?: number };
      const charts = [...document.querySelectorAll("[data-main-chart]")];
      // A page with a main input has a main chart: until it is drawn the page has not started its runs (a page
      // whose worker has not answered yet has no run open and no chart, which is not "finished"). Both workers
      // count (lab.js's runInBackground holds /newton's digits sections): a chart whose run is still going has
      // no data yet, which is not a defect.
      // A cell Framework has not run yet still holds its <observablehq-loading> placeholder: on a loaded machine a
      // page can sit without main input or chart for longer than the quiet period, which is not "finished" either.
      const rendered = document.querySelector("#observablehq-main observablehq-loading") === null;
      // /example has no such placeholders and was taken as finished 1 s after load, before any cell ran.
      const started = rendered && (charts.length > 0 || (!expectMain && document.querySelector("[data-main-input]") === null));
      const idle = started && charts.every((c) => c.getAttribute("data-state") === "done") && (w.__descentLab?.open ?? 0) === 0 && (w.__descentBackgroundLab?.open ?? 0) === 0;
      if (!idle) w.__quietSince = undefined;
      else w.__quietSince ??= performance.now();
      return idle && performance.now() - w.__quietSince! > 500;
    },
    expectMain,
    // 300 s, not 180: on a machine shared by several agents /adam's default runs alone took 160–190 s to finish.
    { timeout: 300_000, polling: 100 },
  );
}

/**
 * Resizes the window by a little and back, and says whether that started a run: a page whose training cell reads
 * Framework's `width` starts its training over whenever a reader turns a phone or drags a window's edge.
 */
async function restartsOnResize(page: Page, width: number): Promise<string[]> {
  const height = page.viewportSize()!.height;
  const busy = () => page.evaluate(() => new Promise<boolean>((resolve) => {
    const t0 = performance.now();
    const poll = () => {
      const w = window as unknown as { __descentLab?: { open: number }; __descentBackgroundLab?: { open: number } };
      const running = (w.__descentLab?.open ?? 0) + (w.__descentBackgroundLab?.open ?? 0) > 0 ||
        [...document.querySelectorAll("[data-main-chart]")].some((c) => c.getAttribute("data-state") !== "done");
      if (running) resolve(true);
      else if (performance.now() - t0 > 1500) resolve(false);
      else setTimeout(poll, 30);
    };
    poll();
  }));
  await page.setViewportSize({ width: width - 40, height });
  const narrower = await busy();
  // The figures follow the new width (a chart that keeps its old drawing is shown scaled down).
  const shrunk = (await page.evaluate(readerDefects)).filter((d) => d.startsWith("drawn at")).map((d) => `after a resize to ${width - 40}px, ${d}`);
  await page.setViewportSize({ width, height });
  const back = await busy();
  return [...shrunk, ...(narrower || back ? [`a window resize restarted a run: ${width - 40}px and back to ${width}px`] : [])];
}

/** Runs in the page: every defect found, as "what: where" lines. */
function readerDefects(): string[] {
  const defects: string[] = [];
  const describe = (el: Element) => {
    const section = el.closest("section, .observablehq, p, div")?.previousElementSibling?.textContent?.trim().slice(0, 40);
    const label = el.getAttribute("aria-label") ?? el.querySelector("[aria-label]")?.getAttribute("aria-label") ?? el.tagName.toLowerCase();
    return `${label}${section ? ` (after "${section}")` : ""}`;
  };
  const main = document.querySelector("#observablehq-main") ?? document.body;
  const column = main.getBoundingClientRect();

  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    defects.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }

  // Wider than its column, unless an ancestor scrolls it visibly: a scrollbar that takes room, or (headless
  // Chromium hides scrollbars) the cue tex.js and number-table.js set on a display or table that is too wide
  // (data-scrolls: an edge fade and a dotted rule, style.css). A silent scroll hides the rest of a table.
  const showsScroll = (h: HTMLElement) => h.offsetHeight - h.clientHeight > 0 || h.hasAttribute("data-scrolls");
  const scrolls = (el: Element) => {
    for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if ((o === "auto" || o === "scroll") && a.scrollWidth > a.clientWidth) return showsScroll(a);
    }
    return false;
  };
  for (const el of main.querySelectorAll(".katex-display, pre, table, figure, svg[class^=plot]")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const own = getComputedStyle(el).overflowX;
    const h = el as HTMLElement;
    const cut = h.scrollWidth > h.clientWidth + 1;
    // Content wider than the element: fine only if the element scrolls and shows that it does.
    const scrollsVisibly = (own === "auto" || own === "scroll") && showsScroll(h);
    const clipsItself = cut && !scrollsVisibly;
    // Framework's code blocks hang 16 px into the margins on purpose (both sides on a phone).
    const bleed = el.tagName === "PRE" ? 24 : 1;
    const tooWide = r.right > column.right + bleed || r.left < column.left - bleed;
    if ((tooWide && !scrolls(el)) || clipsItself) defects.push(`clipped or too wide (${Math.round(r.width)}px${cut ? `, content ${h.scrollWidth}px` : ""} in a ${Math.round(column.width)}px column): ${describe(el)}`);
  }

  // Text cut with an ellipsis: Inputs.table's headers and cells on a phone ("test accu…", "Descen…"), a label
  // too long for its box. The reader cannot get at the rest of it.
  for (const el of main.querySelectorAll("th, td, label, span, div, p")) {
    const h = el as HTMLElement;
    if (h.clientWidth === 0 || h.scrollWidth <= h.clientWidth + 1 || getComputedStyle(h).textOverflow !== "ellipsis") continue;
    defects.push(`text cut with an ellipsis ("${h.textContent?.trim().slice(0, 30)}"): ${describe(el)}`);
  }

  // Plot figures: marks drawn, inside the frame, legends that match, no SI prefixes on values.
  const SI = /^[−-]?\d+(\.\d+)?\s?[kMGTPEmµunpfaZY]$/;
  const COUNT = /step|epoch|sample|iteration|image|batch|count|seconds|ms|time|n$/i;
  for (const svg of main.querySelectorAll("svg[class^=plot], svg.plot")) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    // Drawn wider than shown (a fixed-width chart under max-width: 100%): its text shrinks below what it was set at.
    const drawnWidth = Number(svg.getAttribute("width"));
    if (drawnWidth && box.width < 0.95 * drawnWidth) defects.push(`drawn at ${drawnWidth}px, shown at ${Math.round(box.width)}px: ${describe(svg)}`);
    // A tick label or title past the svg's edge is cut (a ramp legend's end ticks with no margin).
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBoundingClientRect();
      if (b.width === 0 || !t.textContent?.trim()) continue;
      if (b.left < box.left - 1 || b.right > box.right + 1) {
        defects.push(`text "${t.textContent.trim().slice(0, 20)}" runs past its chart's edge: ${describe(svg)}`);
        break;
      }
    }
    // A colour-ramp legend (Plot.legend of a continuous scale: class plot-…-ramp, maybe with classes of its own
    // after it) is a scale's key, not a chart: it draws its gradient as an <image> outside any labelled mark group.
    if (/-ramp\b/.test(svg.getAttribute("class") ?? "")) continue;
    const groups = [...svg.querySelectorAll(":scope > g[aria-label]")].filter((g) => !/axis|grid|frame|tip|rule/.test(g.getAttribute("aria-label") ?? ""));
    const blank = (m: Element) => /^(white|#fff|#ffffff|none)$/i.test(m.getAttribute("fill") ?? m.closest("[fill]")?.getAttribute("fill") ?? "") && !m.getAttribute("stroke");
    const drawn = groups.filter((g) => [...g.querySelectorAll("path, circle, rect, line, text, image, polygon")].some((m) => {
      const b = (m as SVGGraphicsElement).getBBox?.();
      return b && (b.width > 0 || b.height > 0) && (m.tagName !== "path" || (m.getAttribute("d") ?? "").length > 2) && !(m.tagName === "rect" && blank(m));
    }));
    if (groups.length === 0 || drawn.length === 0) defects.push(`chart draws no data: ${describe(svg)}`);
    for (const g of drawn) {
      // A mark drawn with Plot's clip (clip: true puts a clip-path on its group) is cut at the frame: its
      // geometry may run past it (a diverging loss leaving the top of a clipped chart), its drawing does not.
      if (g.closest("[clip-path]") || g.querySelector("[clip-path]")) continue;
      for (const m of g.querySelectorAll("path, circle, line, rect")) {
        const b = m.getBoundingClientRect();
        if (b.width === 0 && b.height === 0) continue;
        if (b.left < box.left - 2 || b.right > box.right + 2 || b.top < box.top - 2 || b.bottom > box.bottom + 2) {
          defects.push(`a ${g.getAttribute("aria-label")} mark leaves its chart: ${describe(svg)}`);
          break;
        }
      }
    }
    for (const axis of ["x", "y", "fx", "fy"]) {
      const label = svg.querySelector(`g[aria-label="${axis}-axis label"]`)?.textContent ?? "";
      if (axis.endsWith("x") && COUNT.test(label)) continue;
      const ticks = [...svg.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`)].map((t) => t.textContent?.trim() ?? "");
      const bad = ticks.filter((t) => SI.test(t));
      if (bad.length) defects.push(`SI prefix on ${axis}-axis ticks (${bad.slice(0, 3).join(", ")}): ${describe(svg)}`);
      // One labelled tick gives no scale: a short chart where Plot's one-tick-per-35-px left only "0".
      if (axis === "y" && ticks.length === 1) defects.push(`one tick on the y axis ("${ticks[0]}"), no scale to read: ${describe(svg)}`);
    }
  }
  // Swatch legends (Plot's color legend) sit just before their chart: every swatch colour must be drawn.
  for (const legend of main.querySelectorAll("figure > div[class*=-swatches]")) {
    const svg = legend.parentElement?.querySelector(":scope > svg");
    if (!svg) continue;
    const colours = new Set([...svg.querySelectorAll("[stroke], [fill]")].flatMap((m) => [m.getAttribute("stroke"), m.getAttribute("fill")]).filter(Boolean) as string[]);
    for (const swatch of legend.querySelectorAll("[class$=-swatch]")) {
      const icon = swatch.querySelector("svg");
      const colour = icon?.getAttribute("fill") ?? icon?.querySelector("[fill]")?.getAttribute("fill") ?? "";
      const name = swatch.textContent?.trim();
      if (colour && name && !colours.has(colour)) defects.push(`legend entry "${name}" has no series drawn: ${describe(svg)}`);
    }
  }
  return defects;
}

describe("what a reader sees", () => {
  const site = useSite();
  for (const width of [1280, 390]) {
    // DESCENT_PAGES=/a,/b runs only those pages (for working on one page).
    const only = process.env.DESCENT_PAGES?.split(",");
    for (const path of builtPages(dist).filter((p) => !only || only.includes(p))) {
      test(`page ${path} at ${width}px`, async (t) => {
        const page = await site.browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 } });
        try {
          await page.addInitScript("globalThis.__name = (f) => f;");
          await page.goto(site.origin + path, { waitUntil: "load" });
          const t0 = Date.now();
          await finished(page, declaresMain(path));
          const log = (s: string) => t.diagnostic(s);
          log(`${path} at ${width}px: every run finished ${((Date.now() - t0) / 1000).toFixed(0)} s after load; ${await page.locator("[data-main-chart]").count()} main charts`);
          const defects = [...(await page.evaluate(readerDefects)), ...(await restartsOnResize(page, width))];
          assert.deepEqual(defects, [], `defects on ${path} at ${width}px`);
          if (DIVERGING[path]) {
            await page.goto(site.origin + path + DIVERGING[path], { waitUntil: "load" });
            await finished(page, declaresMain(path));
            assert.deepEqual(await page.evaluate(readerDefects), [], `defects on ${path}${DIVERGING[path]} at ${width}px`);
          }
        } finally {
          await page.close();
        }
      });
    }
  }
});
