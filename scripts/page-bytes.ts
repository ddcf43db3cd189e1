/**
 * `npm run bytes`: bytes each built page transfers before its first training step, compressed as served.
 *
 * dist/ is served the way nginx with `brotli_static`/`gzip_static` serves it: `x.br` (or `x.gz`) when the
 * browser accepts it and the file exists (scripts/compress-dist.ts writes them), else `x` as is. Each page opens
 * in a fresh browser context (cold cache, empty localStorage). "First training step" is when the page's main
 * chart first gets a run state (`data-state`, src/components/run.js), i.e. its first progress was drawn; every
 * resource that finished by then counts, with its transfer size (headers + compressed body); pages that train
 * through lib/train (the MNIST races) are measured at the `descent:first-step` performance mark train() sets.
 * Pages without either are measured when the network has been idle.
 * Prints one JSON line per page and a check against the budgets: landing ≤ 0.6 MB, MNIST pages ≤ 2 MB.
 * Flags: --dist DIR (default dist/), --pages /,/adam (default all built pages), --raw (serve uncompressed).
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "../tests/browser/chromium.js";
import { builtPages } from "../tests/browser/pages.js";
import { resolveFile } from "../tests/browser/server.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const dist = arg("dist") ?? join(fileURLToPath(new URL("..", import.meta.url)), "dist");
const raw = process.argv.includes("--raw");
const pages = arg("pages")?.split(",") ?? builtPages(dist);
const BUDGET: Record<string, number> = { "/": 0.6e6, "/mnist-from-scratch": 2e6, "/mnist-nesterov-adam": 2e6 };

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".bin": "application/octet-stream", ".csv": "text/csv",
};

const server = createServer((req, res) => {
  const file = resolveFile(dist, req.url ?? "/");
  if (!file) return void res.writeHead(404).end("not found");
  const accept = String(req.headers["accept-encoding"] ?? "");
  const headers: Record<string, string> = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", vary: "accept-encoding" };
  let path = file;
  if (!raw && /\bbr\b/.test(accept) && existsSync(`${file}.br`)) [path, headers["content-encoding"]] = [`${file}.br`, "br"];
  else if (!raw && /\bgzip\b/.test(accept) && existsSync(`${file}.gz`)) [path, headers["content-encoding"]] = [`${file}.gz`, "gzip"];
  headers["content-length"] = String(statSync(path).size);
  res.writeHead(200, headers);
  createReadStream(path).pipe(res);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
const browser = await launch();
let failed = false;
try {
  for (const path of pages) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Every byte received on the wire, in-flight downloads (a streamed data file) included: the Resource Timing
    // entries below only list requests that have finished.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    let wire = 0;
    let counting = true;
    cdp.on("Network.dataReceived", (e: { encodedDataLength: number }) => {
      if (counting) wire += e.encodedDataLength;
    });
    cdp.on("Network.responseReceived", (e: { response: { encodedDataLength?: number } }) => {
      if (counting) wire += e.response.encodedDataLength ?? 0; // the headers
    });
    await page.goto(origin + path, { waitUntil: "load" });
    // Every page trains in its worker and draws its main chart once the first snapshot has arrived.
    const started = await page
      .waitForFunction(() => document.querySelector("[data-main-chart][data-state]") !== null, undefined, { timeout: 300_000, polling: 50 })
      .then(() => true, () => false);
    if (!started) await page.waitForLoadState("networkidle");
    counting = false;
    const bytes = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const byKind: Record<string, number> = {};
      for (const r of res) {
        const kind = r.name.includes("/_descent/chunks/") ? "engine chunks" : r.name.includes("/_descent/") ? "engine" : /\.wasm$/.test(r.name) ? "wasm" : /\/_file\//.test(r.name) ? "data" : /\/_node\//.test(r.name) ? "npm" : "site";
        byKind[kind] = (byKind[kind] ?? 0) + r.transferSize;
      }
      return { total: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0), decoded: nav.decodedBodySize + res.reduce((n, r) => n + r.decodedBodySize, 0), byKind, requests: res.length + 1 };
    });
    const budget = BUDGET[path] ?? (path.startsWith("/mnist") ? 2e6 : undefined);
    const ok = budget === undefined || Math.max(wire, bytes.total) <= budget;
    if (!ok) failed = true;
    const load = execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");
    console.log(JSON.stringify({ page: path, MB: +(Math.max(wire, bytes.total) / 1e6).toFixed(3), wireBytes: wire, finishedBytes: bytes.total, uncompressedMB: +(bytes.decoded / 1e6).toFixed(3), at: started ? "first step" : "network idle", ...(budget ? { budgetMB: budget / 1e6, ok } : {}), byKind: bytes.byKind, requests: bytes.requests, encoding: raw ? "identity" : "br", load }));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (failed) process.exitCode = 1;
