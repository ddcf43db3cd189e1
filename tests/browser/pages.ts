/** The pages of a built site, as the URL paths a reader opens ("/", "/adam", …). */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

export function builtPages(dist: string, dir = dist): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith("_") ? [] : builtPages(dist, path);
    if (!e.name.endsWith(".html") || e.name === "404.html") return [];
    return ["/" + relative(dist, path).replace(/\.html$/, "").replace(/(^|\/)index$/, "")];
  });
}
