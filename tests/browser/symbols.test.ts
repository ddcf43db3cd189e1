/**
 * Every symbol of every optimizer's equation on /optimizers lights a line of the code shown beside it: the
 * test hovers each one (issue 10: AdamW's m, v, v̂ᵐᵃˣ, m̂, v̂ lit nothing while only its three-line update was
 * listed) and requires a highlighted line in the same block that assigns that symbol's identifier.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assigningLines } from "../../lib/optimizers/symbols.js";
import { useSite } from "./site.js";
import { visit } from "./visit.js";

describe("equation symbols ↔ code lines", () => {
  const site = useSite();

  test("on /optimizers, hovering any symbol of any equation highlights a line that computes it", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/optimizers?steps=20");
    await page.waitForFunction(() => document.querySelectorAll(".descent-linked").length >= 9, null, { timeout: 60_000 });
    const blocks = page.locator(".descent-linked");
    const n = await blocks.count();
    const checked: string[] = [];
    const missing: string[] = [];
    for (let b = 0; b < n; b++) {
      const block = blocks.nth(b);
      const title = await block.evaluate((el) => el.closest("section")?.querySelector("h3")?.textContent ?? "the run's optimizer");
      const symbols = block.locator("[data-sym][role=button]");
      const count = await symbols.count();
      assert.ok(count >= 2, `${title}: its equation marks symbols (${count})`);
      for (let i = 0; i < count; i++) {
        const sym = symbols.nth(i);
        await sym.hover();
        // aria-label is "identifier: meaning"; the identifier is what the code assigns (θ, m̂, vmax, …).
        const [code] = ((await sym.getAttribute("aria-label")) ?? "").split(": ");
        const active = await block.locator(".code-line.active").allInnerTexts();
        const key = `${title} ${await sym.getAttribute("data-sym")}`;
        checked.push(key);
        if (!active.some((line) => assigningLines(line, code).length > 0)) {
          missing.push(`${key} (${code}): ${active.length ? `lit ${JSON.stringify(active)}` : "no line lit"}`);
        }
      }
    }
    assert.ok(checked.length >= 40, `hovered ${checked.length} symbols`);
    assert.ok(checked.includes("AdamW m") && checked.includes("AdamW vhat"), "AdamW's moments are among the symbols hovered");
    assert.deepEqual(missing, [], "symbols whose hover lights no line computing them");
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
