/**
 * A bare page with the engine bundle (src/_descent: descent.js and its backend chunks) and the wasm binaries,
 * served from localhost (a secure origin: Chromium exposes WebGPU only there). The bench and the browser tests
 * of the engine drive it with `page.evaluate(() => window.descent…)`. Needs a built bundle (`npm run build`,
 * or buildEngine()).
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { serve } from "../tests/browser/server.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface EnginePage {
  page: Page;
  /** Errors the page threw, for the caller to report. */
  errors: string[];
  close(): Promise<void>;
}

export async function openEnginePage(browser: Browser): Promise<EnginePage> {
  const bundle = join(root, "src/_descent");
  if (!existsSync(join(bundle, "descent.js"))) throw new Error(`no engine bundle in ${bundle}: run \`npm run build\` (or scripts/build-engine.ts) first`);
  const dir = mkdtempSync(join(tmpdir(), "descent-engine-"));
  cpSync(join(bundle, "descent.js"), join(dir, "descent.js"));
  cpSync(join(bundle, "chunks"), join(dir, "chunks"), { recursive: true });
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
    cpSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", f), join(dir, f));
  }
  // The bundle leaves Plot, Inputs, d3 and katex as bare imports for Framework; the engine needs none of them.
  const stub = "data:text/javascript,export default {};";
  // d3 is imported by name (lib/charts/bins.ts, lib/charts/ticks.ts, lib/surface-contours.ts): its stub has
  // those names, and says so if one is ever called.
  const d3Stub = `data:text/javascript,${encodeURIComponent('const none = () => { throw new Error("d3 is not loaded on the engine page"); }; export const bisectRight = none, tickIncrement = none, contours = none, nice = none, ticks = none; export default {};')}`;
  const importMap = { imports: { ...Object.fromEntries(["@observablehq/plot", "@observablehq/inputs", "katex"].map((m) => [m, stub])), d3: d3Stub } };
  // tsx compiles the callbacks we pass to page.evaluate with esbuild's keepNames, which calls a `__name` helper.
  const html = `<!doctype html><meta charset="utf-8"><script>window.__name = (f) => f;</script><script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module">
import * as D from "./descent.js";
D.setWasmPaths(location.href.replace(/[^/]*$/, ""));
window.descent = D;
window.ready = true;
</script>`;
  writeFileSync(join(dir, "index.html"), html);
  const { server, origin } = await serve(dir);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => (window as any).ready === true).catch(async (e) => {
    // Close what was opened: a server left listening keeps the test process alive after its suite fails.
    await page.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the engine page did not start: ${errors.join("; ") || (e as Error).message}`);
  });
  return {
    page,
    errors,
    async close() {
      await page.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
