/**
 * Issue 10: a page is prose and wiring, its JavaScript at most a third of its non-blank lines. Not the author
 * template, which is the code a page starts from with its prose still to write (template.test.ts bounds its code).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pageStats } from "../../scripts/page-stats.js";

test("pageStats counts only lines inside ```js fences against all non-blank lines", () => {
  const s = pageStats("# Title\n\nProse.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n```tex\nx^2\n```\n");
  assert.deepEqual(s, { code: 2, lines: 5, ratio: 2 / 5 });
});

const root = join(import.meta.dirname, "../..");
const pages = readdirSync(join(root, "src")).filter((f) => f.endsWith(".md")).map((f) => join("src", f));
for (const page of pages) {
  test(`${page}: JavaScript is at most a third of its lines`, () => {
    const { code, lines, ratio } = pageStats(readFileSync(join(root, page), "utf8"));
    assert.ok(ratio <= 1 / 3, `${code} of ${lines} non-blank lines are JavaScript (${ratio.toFixed(3)} > 1/3)`);
  });
}
