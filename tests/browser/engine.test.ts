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
