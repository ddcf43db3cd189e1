/** Opening a page while recording what the browser tests check: console errors and foreign requests. */
import type { Browser, Page } from "playwright-core";

export interface Visit {
  page: Page;
  consoleErrors: string[];
  foreign: string[];
  /** Same-origin requests that failed or answered ≥ 400 (a missing font or wasm file, say). */
  failed: string[];
}

/** Open a page and record console errors, uncaught exceptions and requests to other origins. */
export async function visit(browser: Browser, origin: string, path: string, options: { init?: () => void } = {}): Promise<Visit> {
  const page = await browser.newPage();
  // tsx compiles test files with esbuild's keepNames, which wraps functions passed to page.evaluate in __name().
  await page.addInitScript("globalThis.__name = (f) => f;");
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
  // Functions the tests pass to page.evaluate are compiled by tsx with esbuild's keepNames, which wraps named
  // functions in a __name(…) helper that exists only in Node: give the page a no-op one.
  await page.addInitScript(() => {
    (globalThis as { __name?: unknown }).__name ??= (f: unknown) => f;
  });
  await page.goto(origin + path, { waitUntil: "load" });
  await page.locator(".descent-engine").first().waitFor({ timeout: 60_000 });
  return { page, consoleErrors, foreign, failed };
}

