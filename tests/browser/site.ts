/** The built site served from dist/ and one headless Chromium, set up once per test file. */
import { join } from "node:path";
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launch } from "./chromium.js";
import { serve } from "./server.js";

/** dist/, or DESCENT_DIST to test another build of the site. */
export const dist = process.env.DESCENT_DIST ?? join(import.meta.dirname, "../../dist");

export interface Site {
  browser: Browser;
  origin: string;
}

/** Registers before/after hooks in the calling file; the returned object is filled in before the tests run. */
export function useSite(): Site {
  const site = {} as Site;
  let close = () => {};
  before(async () => {
    const served = await serve(dist);
    site.origin = served.origin;
    close = () => served.server.close();
    site.browser = await launch();
  });
  after(async () => {
    await site.browser?.close();
    close();
  });
  return site;
}
