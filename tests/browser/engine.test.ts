/**
 * The backend badge and override: the automatic choice on this machine, `?backend=` in the URL, and a
 * fallback with a notice (never an error) when the requested backend is unknown.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";


describe("engine badge", () => {
  const site = useSite();

  async function badge(query: string) {
    const v = await visit(site.browser, site.origin, `/${query}`);
    const text = await v.page.locator(".descent-engine").first().innerText();
    const picked = await v.page.locator(".descent-engine select").inputValue();
    await v.page.close();
    return { text, picked, errors: v.consoleErrors, foreign: v.foreign };
  }

  test("with no GPU, the automatic choice is wasm (software WebGPU/WebGL are slower)", async () => {
    const { text, picked, errors } = await badge("");
    assert.match(text, /Training on wasm/);
    assert.match(text, /automatic choice/);
    assert.equal(picked, "auto");
    assert.deepEqual(errors, []);
  });

  test("a first visit measures the backends in the worker and caches the result for the next page", { timeout: 300_000 }, async () => {
    const context = await site.browser.newContext();
    try {
      const open = async (path: string) => {
        const page = await context.newPage();
        await page.addInitScript("globalThis.__name = (f) => f;");
        const t0 = Date.now();
        await page.goto(site.origin + path, { waitUntil: "load" });
        await page.locator(".descent-engine").first().waitFor({ timeout: 120_000 });
        const ms = Date.now() - t0;
        const reason = await page.locator(".descent-engine .reason").first().innerText();
        const backend = await page.locator(".descent-engine").first().getAttribute("data-backend");
        const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("descent-backend-")).map((k) => localStorage.getItem(k)));
        await page.close();
        return { ms, reason, backend, stored };
      };
      const first = await open("/");
      assert.match(first.reason, /fastest measured here \(steps\/s: wasm \d/, first.reason);
      assert.doesNotMatch(first.reason, /cached/);
      assert.equal(first.stored.length, 1, "the calibration is kept in localStorage");
      const kept = JSON.parse(first.stored[0] ?? "[]") as { name: string; valid: boolean; stepsPerSec: number | null }[];
      assert.ok(kept.some((c) => c.name === "wasm" && c.valid), first.stored[0] ?? "");
      const second = await open("/optimizers");
      assert.match(second.reason, /fastest measured here .*, cached/, second.reason);
      assert.equal(second.backend, first.backend);
      console.log(`# first visit (measures): badge after ${first.ms} ms, ${first.backend}: ${first.reason}; next page (cached): ${second.ms} ms`);
    } finally {
      await context.close();
    }
  });

  test("?backend=cpu overrides the choice, and the picker shows it", async () => {
    const { text, picked } = await badge("?backend=cpu");
    assert.match(text, /Training on cpu/);
    assert.match(text, /your choice/);
    assert.equal(picked, "cpu");
  });

  test("?backend=webgl starts WebGL even on a software GPU when asked", async () => {
    const { text } = await badge("?backend=webgl");
    assert.match(text, /Training on (webgl|wasm)/); // wasm only if this Chromium has no WebGL at all, with a notice
  });

  test("an unknown ?backend= is ignored with a notice, not an error, and never injected as HTML", async () => {
    const { text, errors } = await badge("?backend=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
    assert.match(text, /Unknown backend "<img src=x onerror=alert\(1\)>" ignored; using wasm/);
    assert.deepEqual(errors, []);
  });
});
