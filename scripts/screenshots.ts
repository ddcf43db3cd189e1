/**
 * `npm run screenshots`: a PNG of every built page at 1280 and 390 px wide, taken once its main chart says
 * its run is done (or after 90 s), into screenshots/ (git-ignored), for review in a pull request.
 * Needs a build (`npm run build`) and Chromium (see README).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch } from "../tests/browser/chromium.js";
import { builtPages } from "../tests/browser/pages.js";
import { serve } from "../tests/browser/server.js";

const root = join(import.meta.dirname, "..");
const dist = process.env.DESCENT_DIST ?? join(root, "dist");
const out = join(root, "screenshots");
mkdirSync(out, { recursive: true });
const pages = builtPages(dist);
if (pages.length === 0) throw new Error(`no built pages in ${dist}: run \`npm run build\` first`);

const served = await serve(dist);
const browser = await launch();
try {
  for (const width of [1280, 390]) {
    for (const path of pages) {
      const page = await browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 } });
      const t0 = performance.now();
      await page.goto(served.origin + path, { waitUntil: "load" });
      await page
        .waitForFunction(() => {
          const charts = [...document.querySelectorAll("[data-main-chart]")];
          return charts.length > 0 && charts.every((c) => c.getAttribute("data-state") === "done");
        }, null, { timeout: 90_000 })
        .catch(() => console.error(`${path} @ ${width}px: no finished main chart after 90 s; taking the picture anyway`));
      await page.waitForTimeout(500);
      const file = join(out, `${path === "/" ? "index" : path.slice(1).replace(/\//g, "_")}-${width}.png`);
      // Not fullPage: Chromium's capture beyond the viewport resizes the window to 1×1 for a moment, Framework's
      // `width` drops to 0, and a page whose runs read it shows them restarted. A window as tall as the page keeps
      // the width, so nothing reruns.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(500);
      await page.screenshot({ path: file, timeout: 180_000 });
      console.log(`${file} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  served.server.close();
}
