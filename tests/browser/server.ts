/**
 * A static server for dist/, as any static host would serve it: `/x` → `x.html`, `/dir/` → `dir/index.html`.
 * Listens on 127.0.0.1 with an OS-chosen port.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".bin": "application/octet-stream",
  ".csv": "text/csv",
};

export function resolveFile(root: string, urlPath: string): string | null {
  const path = normalize(decodeURIComponent(urlPath.split("?")[0])).replace(/^(\.\.[/\\])+/, "");
  const base = join(root, path);
  if (!base.startsWith(root)) return null;
  const candidates = path.endsWith("/") ? [join(base, "index.html")] : [base, `${base}.html`, join(base, "index.html")];
  return candidates.find((f) => existsSync(f) && statSync(f).isFile()) ?? null;
}

export async function serve(root: string): Promise<{ server: Server; origin: string }> {
  // Hostile-link tests send 5,000-character values for every input of a page: allow long request lines.
  const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const file = resolveFile(root, req.url ?? "/");
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // localhost (not 127.0.0.1) is a secure context in Chromium, which WebGPU needs.
  return { server, origin: `http://localhost:${port}` };
}
