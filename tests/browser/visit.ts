/** Opening a page while recording what the browser tests check: console errors and foreign requests. */
import type { Browser, Page } from "playwright-core";

export interface Visit {
  page: Page;
  consoleErrors: string[];
  foreign: string[];
  /** Same-origin requests that failed or answered ≥ 400 (a missing font or wasm file, say). */
  failed: string[];
}

/**
 * The backend calibration (lib/engine/backend.ts) the first visit in a browser measured, kept for the visits after
 * it: every visit opens a fresh context, and without this each would be a reader's first visit and spend seconds
 * of its two cores measuring backends before training — the cost a reader pays once, paid ~300 times per run.
 * tests/browser/engine.test.ts checks the first visit itself (measures, stores, the next page reads the cache).
 */
const calibrations = new WeakMap<Browser, [string, string][]>();

declare global {
  interface Window {
    /**
     * The main chart's own cell (Framework keeps a cell's root and replaces what it displays): while a rerun's
     * chart waits for its first snapshot, the page's first [data-main-chart] is another section's, so a test
     * that follows the main chart's runs looks inside this cell (the body on a page with no main chart yet).
     */
    __mainChartCell(): Element;
  }
}

/** Open a page and record console errors, uncaught exceptions and requests to other origins. */
export async function visit(browser: Browser, origin: string, path: string, options: { init?: () => void } = {}): Promise<Visit> {
  const page = await browser.newPage();
  const stored = calibrations.get(browser);
  if (stored) {
    await page.addInitScript((entries: [string, string][]) => {
      for (const [k, v] of entries) localStorage.setItem(k, v);
    }, stored);
  }
  // tsx compiles test files with esbuild's keepNames, which wraps functions passed to page.evaluate in __name().
  await page.addInitScript("globalThis.__name = (f) => f;");
  await page.addInitScript(() => {
    window.__mainChartCell = () => document.querySelector("[data-main-chart]")?.closest(".observablehq") ?? document.body;
  });
  if (options.init) await page.addInitScript(options.init);
  const consoleErrors: string[] = [];
  const foreign: string[] = [];
  const failed: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(origin)) failed.push(`failed ${r.url()}`);
  });
  await page.goto(origin + path, { waitUntil: "load" });
  await page.locator(".descent-engine").first().waitFor({ timeout: 60_000 });
  if (!stored) {
    const entries = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith("descent-backend-")).map((k): [string, string] => [k, localStorage.getItem(k) ?? ""]),
    );
    if (entries.length > 0) calibrations.set(browser, entries);
  }
  return { page, consoleErrors, foreign, failed };
}

