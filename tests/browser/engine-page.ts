/**
 * The engine page (scripts/engine-page.ts) in a fresh Chromium for the tests of one describe block: opened
 * before them, closed after them (webgpu.test.ts, webgpu-fused.test.ts).
 */
import { after, before } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openEnginePage, type EnginePage } from "../../scripts/engine-page.js";
import { launch } from "./chromium.js";

export function useEnginePage(): { readonly page: Page } {
  let browser: Browser | undefined;
  let engine: EnginePage | undefined;
  before(async () => {
    browser = await launch();
    engine = await openEnginePage(browser);
  });
  after(async () => {
    await engine?.close();
    await browser?.close();
  });
  return {
    get page() {
      if (!engine) throw new Error("the engine page did not open (see the before hook's error)");
      return engine.page;
    },
  };
}
