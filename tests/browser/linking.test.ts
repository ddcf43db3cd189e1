/** Equation ↔ code ↔ value: a symbol in an optimizer's equation, focused from the keyboard, lights up the line
 * that computes it and, after a run, shows its current value. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";


describe("equation ↔ code ↔ value", () => {
  const site = useSite();

  test("Tab to Adam's m: its line of code is highlighted and the run's value is read out", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/optimizers?steps=100");
    await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, { timeout: 60_000 });
    const block = page.locator(".descent-linked").first();
    // keyboard: focus the symbol before m, then Tab onto m
    const symbols = block.locator("[data-sym]");
    const keys = await symbols.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sym));
    const i = keys.indexOf("m");
    assert.ok(i > 0, `m is marked in Adam's equation (${keys})`);
    await symbols.nth(i - 1).focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sym), "m");
    const active = await block.locator(".code-line.active").allInnerTexts();
    assert.equal(active.length, 1);
    assert.match(active[0], /^\s*m = m\.mul\(β1\)/);
    const readout = await block.locator(".descent-readout").innerText();
    assert.match(readout, /first moment estimate/);
    assert.match(readout, /Now: \(-?\d.*\) for \(x, y\) at step 100/);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
