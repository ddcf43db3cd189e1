/**
 * Post-build: write `x.br` and `x.gz` next to every large compressible file in dist/, so a static server can
 * send them as they are (nginx `gzip_static on;` / `brotli_static on;`, see README) instead of compressing on
 * every request or not at all. A file is skipped when it is small or does not compress (woff2, png).
 * Brotli 11 / gzip 9 for files up to 4 MB; the large data files (MNIST sets, 50+ MB in all) get brotli 5 /
 * gzip 6: at 11 they took minutes of a 2-core machine's build, and they are fetched only when a run needs them.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".svg", ".wasm", ".bin", ".csv", ".txt", ".map", ".ttf"]);
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

export function compressDist(dist: string): { files: number; raw: number; br: number; gz: number } {
  const total = { files: 0, raw: 0, br: 0, gz: 0 };
  for (const file of files(dist)) {
    if (!COMPRESSIBLE.has(extname(file)) || statSync(file).size < MIN_BYTES) continue;
    const raw = readFileSync(file);
    const big = raw.length > 4 << 20;
    const quality = big ? 5 : 11;
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    const gz = gzipSync(raw, { level: big ? 6 : 9 });
    // Not worth a second copy when it saves less than 5 %.
    if (br.length < raw.length * 0.95) writeFileSync(`${file}.br`, br);
    if (gz.length < raw.length * 0.95) writeFileSync(`${file}.gz`, gz);
    total.files++;
    total.raw += raw.length;
    total.br += Math.min(br.length, raw.length);
    total.gz += Math.min(gz.length, raw.length);
  }
  return total;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = join(fileURLToPath(new URL("..", import.meta.url)), "dist");
  const t0 = performance.now();
  const t = compressDist(dist);
  const mb = (n: number) => (n / 1e6).toFixed(2);
  console.error(`compress ${relative(process.cwd(), dist) || dist}: ${t.files} files, ${mb(t.raw)} MB → br ${mb(t.br)} MB, gz ${mb(t.gz)} MB (${Math.round(performance.now() - t0)} ms)`);
}
