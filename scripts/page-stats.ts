/**
 * `npx tsx scripts/page-stats.ts`: per page, the lines of JavaScript (inside ```js fences) against all
 * non-blank lines — a page should be prose and wiring, its code at most a third of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function pageStats(markdown: string): { code: number; lines: number; ratio: number } {
  let inJs = false;
  let code = 0;
  let lines = 0;
  for (const line of markdown.split("\n")) {
    const fence = /^```/.test(line.trim());
    if (fence) {
      inJs = !inJs && /^```js\b/.test(line.trim());
      continue;
    }
    if (line.trim() === "") continue;
    lines++;
    if (inJs) code++;
  }
  return { code, lines, ratio: lines ? code / lines : 0 };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const dir = join(import.meta.dirname, "../src");
  console.log("| page | code lines | non-blank lines | ratio |\n| --- | --- | --- | --- |");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".md")).sort()) {
    const s = pageStats(readFileSync(join(dir, f), "utf8"));
    console.log(`| ${f} | ${s.code} | ${s.lines} | ${s.ratio.toFixed(2)} |`);
  }
}
