/**
 * `npm run bytes`: bytes each built page transfers before its first training step, compressed as served.
 *
 * dist/ is served the way nginx with `brotli_static`/`gzip_static` serves it: `x.br` (or `x.gz`) when the
 * browser accepts it and the file exists (scripts/compress-dist.ts writes them), else `x` as is. Each page opens
 * in a fresh browser context (cold cache, empty localStorage). Every request counts — the page's and its
 * worker's (the MNIST pages' data, the wasm binary and the backend chunks are fetched by the worker), as
 * Playwright reports them: headers plus the body as it travelled (compressed). "First training step" is the
 * `descent:first-step` performance mark lib/train's train() sets, in the worker or in the page; a request
 * counts when it started before that moment (in full, even if it ended after). Pages that never set the mark
 * are measured when their main chart first shows a finished run (`data-state=done`, src/components/run.js: the
 * landing race is done once the worker's first result is drawn), or, still running 15 s after its first drawing,
 * at that drawing; pages that start no run when the network has been idle. Budgeted pages (landing ≤ 0.6 MB, MNIST pages ≤ 2 MB) must reach the
 * mark. Prints one JSON line per page and exits 1 when a page is over its budget.
 * Flags: --dist DIR (default dist/), --pages /,/adam (default all built pages), --raw (serve uncompressed),
 * --no-cache-headers (no Cache-Control: the worker downloads descent.js and the engine chunk a second time).
 * tests/browser/bytes.test.ts asserts the budgets with measurePage.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Request } from "playwright-core";
import { launch } from "../tests/browser/chromium.js";
import { builtPages } from "../tests/browser/pages.js";
import { resolveFile } from "../tests/browser/server.js";

/** Bytes before the first training step (issue 14): the landing page and every MNIST page. */
export const BUDGET: Record<string, number> = { "/": 0.6e6, "/mnist-from-scratch": 2e6, "/mnist-nesterov-adam": 2e6 };
export const budgetOf = (path: string): number | undefined => BUDGET[path] ?? (path.startsWith("/mnist") ? 2e6 : undefined);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".bin": "application/octet-stream", ".csv": "text/csv",
};

/** A file Framework names by its content hash (descent.cc92f200.js, mnist-subset.b11b051a.bin): never changes. */
const HASHED = /\.[0-9a-f]{8}\.[a-z0-9]+$/;

/**
 * dist/ served as nginx with brotli_static / gzip_static would (or uncompressed with `raw`), with the README's
 * `Cache-Control: immutable` on content-hashed files unless `cacheHeaders` is false: the page and its worker
 * both import descent.js and the shared engine chunk, and with that header the worker's copies come from the
 * browser's cache instead of a second download.
 */
export async function servePrecompressed(dist: string, { raw = false, cacheHeaders = true } = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const file = resolveFile(dist, req.url ?? "/");
    if (!file) return void res.writeHead(404).end("not found");
    const accept = String(req.headers["accept-encoding"] ?? "");
    const headers: Record<string, string> = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", vary: "accept-encoding" };
    if (cacheHeaders && HASHED.test(file)) headers["cache-control"] = "public, max-age=31536000, immutable";
    let path = file;
    if (!raw && /\bbr\b/.test(accept) && existsSync(`${file}.br`)) [path, headers["content-encoding"]] = [`${file}.br`, "br"];
    else if (!raw && /\bgzip\b/.test(accept) && existsSync(`${file}.gz`)) [path, headers["content-encoding"]] = [`${file}.gz`, "gzip"];
    headers["content-length"] = String(statSync(path).size);
    res.writeHead(200, headers);
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

export interface PageBytes {
  page: string;
  /** Bytes of every request that started before the cut (headers + body as transferred). */
  bytes: number;
  at: "first step" | "first result" | "first drawing" | "network idle";
  byKind: Record<string, number>;
  /** Paths requested before the cut, and after it (until the network was quiet). */
  before: string[];
  after: string[];
  afterBytes: number;
}

const kind = (url: string) =>
  url.includes("/_descent/chunks/") ? "engine chunks" : url.includes("/_descent/") ? "engine" : /\.wasm$/.test(url) ? "wasm" : /\/_file\/data\//.test(url) ? "data" : /\/_node\//.test(url) ? "npm" : "site";

const FIRST_STEP = "descent:first-step";
const requirement = (path: string): "first step" | "first result" | undefined => (path.startsWith("/mnist") ? "first step" : path === "/" ? "first result" : undefined);
/** How long a page without a budget gets, after its first drawing, to set the first-step mark. */
const GRACE_MS = 15_000;
/** How long a page gets to start a run before it counts as one that starts none (a loaded machine's worker calibrates first). */
const IDLE_MS = 90_000;

/**
 * Measures one page in a fresh context of `browser`. `require`: the moment a budgeted page must reach (else
 * it fails after `timeoutMs`) instead of falling back to its first drawing — "first step" for the MNIST pages,
 * which train through lib/train, "first result" for the landing race.
 */
export async function measurePage(browser: Browser, origin: string, path: string, { require = requirement(path), timeoutMs = 300_000 } = {}): Promise<PageBytes> {
  const requireStep = require === "first step";
  const context = await browser.newContext();
  try {
    // When the main chart first gets a run state, on the page's clock (epoch ms). A string: tsx would wrap a
    // function's inner functions in a `__name` helper the page does not have.
    await context.addInitScript(`new MutationObserver(() => {
      const now = performance.timeOrigin + performance.now();
      if (window.__descentFirstDraw === undefined && document.querySelector("[data-main-chart][data-state]")) window.__descentFirstDraw = now;
      if (window.__descentFirstDone === undefined && document.querySelector("[data-main-chart][data-state=done]")) window.__descentFirstDone = now;
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });`);
    const open = new Set<Request>();
    const finished: { url: string; start: number; bytes: number }[] = [];
    const settle = async (r: Request, ok: boolean) => {
      open.delete(r);
      const sizes = ok ? await r.sizes().catch(() => null) : null;
      finished.push({ url: r.url().replace(origin, ""), start: r.timing().startTime, bytes: sizes ? sizes.responseHeadersSize + sizes.responseBodySize : 0 });
    };
    const pending: Promise<void>[] = [];
    context.on("request", (r) => open.add(r));
    context.on("requestfinished", (r) => void pending.push(settle(r, true)));
    context.on("requestfailed", (r) => void pending.push(settle(r, false)));
    const page = await context.newPage();
    await page.goto(origin + path, { waitUntil: "load" });

    const markIn = async (target: { evaluate: (f: (name: string) => number | null, arg: string) => Promise<number | null> }) =>
      target.evaluate((name) => {
        const m = performance.getEntriesByName(name)[0];
        return m ? performance.timeOrigin + m.startTime : null;
      }, FIRST_STEP).catch(() => null);
    const t0 = Date.now();
    let cut: number | undefined;
    let at: PageBytes["at"] = "first step";
    while (cut === undefined) {
      const marks = await Promise.all([markIn(page), ...page.workers().map(markIn)]);
      const mark = marks.find((m) => m !== null);
      if (mark != null) {
        cut = mark;
        break;
      }
      const { drawn, done, runs, now } = await page.evaluate(() => ({
        drawn: (window as unknown as { __descentFirstDraw?: number }).__descentFirstDraw ?? null,
        done: (window as unknown as { __descentFirstDone?: number }).__descentFirstDone ?? null,
        runs: document.documentElement.dataset.runs !== undefined, // run.js: a run has started
        now: performance.timeOrigin + performance.now(),
      }));
      // The landing race draws its empty frame first and is done when the worker's first result is drawn.
      if (!requireStep && done !== null) [cut, at] = [done, "first result"];
      else if (!require && drawn !== null && now - drawn > GRACE_MS) [cut, at] = [drawn, "first drawing"];
      else if (!require && drawn === null && !runs && Date.now() - t0 > IDLE_MS) {
        // A page that starts no run (the authors page): everything it loads.
        await page.waitForLoadState("networkidle");
        [cut, at] = [await page.evaluate(() => performance.timeOrigin + performance.now()), "network idle"];
      } else if (Date.now() - t0 > timeoutMs) throw new Error(`${path}: no ${require ?? "first drawing"} within ${timeoutMs / 1000} s`);
      else await page.waitForTimeout(100);
    }
    // Everything that started before the cut has to arrive to be counted; what the page fetches in the next
    // seconds is listed too (the test set an MNIST page loads while it trains), until the network is quiet.
    const cutAt = Date.now();
    let quietSince = Date.now();
    while (Date.now() - quietSince < 2000 && Date.now() - cutAt < 120_000) {
      if (open.size > 0) quietSince = Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(pending);
    const before = finished.filter((r) => r.start <= cut!);
    const after = finished.filter((r) => r.start > cut!);
    const byKind: Record<string, number> = {};
    for (const r of before) byKind[kind(r.url)] = (byKind[kind(r.url)] ?? 0) + r.bytes;
    return {
      page: path,
      bytes: before.reduce((n, r) => n + r.bytes, 0),
      at,
      byKind,
      before: before.map((r) => r.url),
      after: after.map((r) => r.url),
      afterBytes: after.reduce((n, r) => n + r.bytes, 0),
    };
  } finally {
    await context.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const dist = arg("dist") ?? join(fileURLToPath(new URL("..", import.meta.url)), "dist");
  const raw = process.argv.includes("--raw");
  const cacheHeaders = !process.argv.includes("--no-cache-headers");
  const pages = arg("pages")?.split(",") ?? builtPages(dist);
  const { server, origin } = await servePrecompressed(dist, { raw, cacheHeaders });
  const browser = await launch();
  let failed = false;
  try {
    for (const path of pages) {
      const budget = budgetOf(path);
      let m: PageBytes;
      try {
        m = await measurePage(browser, origin, path);
      } catch (e) {
        failed = true;
        console.log(JSON.stringify({ page: path, error: (e as Error).message }));
        continue;
      }
      const ok = budget === undefined || m.bytes <= budget;
      if (!ok) failed = true;
      const load = execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");
      const data = m.before.filter((u) => kind(u) === "data").map((u) => u.replace(/^.*\//, ""));
      const later = m.after.filter((u) => kind(u) === "data").map((u) => u.replace(/^.*\//, ""));
      console.log(JSON.stringify({
        page: path, MB: +(m.bytes / 1e6).toFixed(3), at: m.at, ...(budget ? { budgetMB: budget / 1e6, ok } : {}), byKind: m.byKind, requests: m.before.length,
        data, afterFirstStep: { requests: m.after.length, MB: +(m.afterBytes / 1e6).toFixed(3), data: later }, encoding: raw ? "identity" : "br", cacheHeaders, load,
      }));
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (failed) process.exitCode = 1;
}
