/**
 * Every built page, opened in headless Chromium from a static server over dist/:
 *  - no error cell (`.observablehq--error`: the build exits 0 even when a page throws),
 *  - no console error and no uncaught exception,
 *  - no request to any other origin (the site must work offline, from its own origin),
 *  - the engine badge says which backend runs,
 *  - changing the page's main input reruns the computation and redraws its chart.
 *
 * Pages mark their main input with `data-main-input="<value to set>"` and their main chart with
 * `data-main-chart`; only the pages in WITHOUT_MAIN_CHART (they train nothing) may have neither.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";
import { builtPages } from "./pages.js";

/** Resolves when the main chart has been drawn by a finished run. */
async function chartMarkup(page: Page): Promise<string> {
  const chart = page.locator("[data-main-chart]").first();
  await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, {
    timeout: 120_000,
  });
  return chart.innerHTML();
}

const pages = builtPages(dist);
/** Pages that train nothing; every other page must mark a main chart, or this test fails. */
const WITHOUT_MAIN_CHART = new Set(["/authors"]);

describe("built site", () => {
  const site = useSite();

  test("dist/ holds the built pages (run `npm run build` first)", () => {
    assert.ok(pages.length >= 2, `expected built pages in ${dist}, found ${pages.length}`);
    assert.ok(pages.includes("/"), "the landing page is built");
  });

  for (const path of pages) {
    test(`page ${path}: renders without errors, offline, and reruns on input`, async () => {
      const { page, consoleErrors, foreign, failed } = await visit(site.browser, site.origin, path);
      try {
        const hasChart = !WITHOUT_MAIN_CHART.has(path);
        if (hasChart) await page.locator("[data-main-chart]").first().waitFor({ state: "attached", timeout: 90_000 });
        const before = hasChart ? await chartMarkup(page) : "";
        if (hasChart) {
          const input = page.locator("[data-main-input]").first();
          assert.equal(await input.count(), 1, "a page with a main chart marks its main input");
          const value = (await input.getAttribute("data-main-input")) ?? "";
          const runsBefore = Number(await page.locator("[data-main-chart]").first().getAttribute("data-run"));
          assert.ok(Number.isFinite(runsBefore), "the main chart carries its run number: mainChart(chart, {run, done})");
          await input.evaluate((form, v) => {
            const field = (form.querySelector("input[type=range], input[type=number], select, input") ?? form) as HTMLInputElement;
            field.value = v;
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }, value);
          await page.waitForFunction(
            (n) => Number(document.querySelector("[data-main-chart]")?.getAttribute("data-run")) > n,
            runsBefore,
            { timeout: 60_000 },
          );
          const afterMarkup = await chartMarkup(page);
          assert.notEqual(afterMarkup, before, "the chart is redrawn with the new input");
        }
        await page.waitForTimeout(300);
        const errors = await page.locator(".observablehq--error").allInnerTexts();
        assert.deepEqual(errors, [], "no error cells");
        assert.deepEqual(consoleErrors, [], "no console errors");
        assert.deepEqual(foreign, [], "no requests to other origins");
        assert.deepEqual(failed, [], "every same-origin request succeeds");
        // The course notebooks are named by subject: a reader does not know what "seed 002" is, and "seed" is
        // also the name of the pages' random-seed inputs. Code listings and option labels count too.
        const body = await page.locator("body").innerText();
        assert.deepEqual(body.match(/\bseed[ -]?0\d\d\b/gi) ?? [], [], "no notebook called by its file number");
        if ((await page.locator(".katex").count()) > 0) {
          const fontLoaded = await page.evaluate(async () => {
            await document.fonts.ready;
            // check() is vacuously true when no @font-face matches, so look for the face itself.
            return [...document.fonts].some((f) => f.family.replace(/"/g, "") === "KaTeX_Main" && f.status === "loaded");
          });
          assert.ok(fontLoaded, "KaTeX's fonts load from this site");
        }
      } finally {
        await page.close();
      }
    });
  }
});
