/**
 * Shareable state: on every built page, each input bound to the URL writes its value there, and opening that
 * URL restores it. Hostile values in a link are ignored with a notice, never executed or injected.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { builtPages } from "./pages.js";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";


/** Each bound input's value as text: number fields, select index, checkbox state. */
function readBound(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLElement>("[data-url-param]")) {
      const number = el.querySelector<HTMLInputElement>("input[type=number]");
      const select = el.querySelector<HTMLSelectElement>("select");
      const box = el.querySelector<HTMLInputElement>("input[type=checkbox]");
      out[el.dataset.urlParam!] = number ? String(Number(number.value)) : select ? String(select.selectedIndex) : box ? String(box.checked) : "";
    }
    return out;
  });
}

/** Give every bound input another valid value: a number's minimum (or maximum), a select's last option, a flipped toggle. */
function changeBound(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const changed: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("[data-url-param]")) {
      const number = el.querySelector<HTMLInputElement>("input[type=number]");
      const select = el.querySelector<HTMLSelectElement>("select");
      const box = el.querySelector<HTMLInputElement>("input[type=checkbox]");
      let field: HTMLInputElement | HTMLSelectElement | null = null;
      // The minimum, or the maximum when the minimum is current or refused (Nesterov's momentum cannot be 0).
      const d = (window as any).descent;
      const target = number
        ? [number.min, number.max].find((t) => t !== "" && Number(t) !== Number(number.value) && d.accepts(el.dataset.urlParam, t)?.ok === true)
        : undefined;
      if (number && target !== undefined) {
        number.value = target;
        field = number;
      } else if (select && select.options.length > 1) {
        select.selectedIndex = select.selectedIndex === select.options.length - 1 ? 0 : select.options.length - 1;
        field = select;
      } else if (box) {
        box.checked = !box.checked;
        field = box;
      }
      if (field) {
        field.dispatchEvent(new Event("input", { bubbles: true }));
        changed.push(el.dataset.urlParam!);
      }
    }
    return changed;
  });
}

/** Pages with no reader inputs (prose only); every other page must keep its inputs in the URL. */
const WITHOUT_INPUTS = new Set(["/authors"]);

describe("URL state", () => {
  const site = useSite();

  for (const path of builtPages(dist)) {
    test(`page ${path}: every URL-bound input round-trips through a shared link`, async () => {
      const first = await visit(site.browser, site.origin, path);
      await first.page.waitForTimeout(500);
      const params = Object.keys(await readBound(first.page));
      if (WITHOUT_INPUTS.has(path)) {
        assert.deepEqual(params, [], `${path} is listed as having no inputs`);
        await first.page.close();
        return;
      }
      assert.ok(params.length > 0, `${path} binds its inputs to the URL (its input table)`);
      const changed = await changeBound(first.page);
      await first.page.waitForTimeout(300);
      const expected = await readBound(first.page);
      const link = first.page.url();
      await first.page.close();
      for (const name of changed) assert.ok(new URL(link).searchParams.has(name), `${name} is in the link ${link}`);

      const second = await visit(site.browser, site.origin, link.slice(site.origin.length));
      await second.page.waitForTimeout(500);
      assert.deepEqual(await readBound(second.page), expected, "the link restores every changed input");
      assert.deepEqual(await second.page.locator(".observablehq--error").allInnerTexts(), []);
      assert.deepEqual(second.consoleErrors, []);
      await second.page.close();
    });

    test(`page ${path}: hostile URL values are ignored with a notice`, async () => {
      const probe = await visit(site.browser, site.origin, path);
      const params = Object.keys(await readBound(probe.page));
      await probe.page.close();
      if (params.length === 0) return;
      const hostile = "<img src=x onerror=\"window.__pwned=1\">";
      const query = params.map((p) => `${encodeURIComponent(p)}=${encodeURIComponent(hostile)}`).join("&");
      const v = await visit(site.browser, site.origin, `${path}?${query}`);
      let dialog = false;
      v.page.on("dialog", (d) => {
        dialog = true;
        void d.dismiss();
      });
      await v.page.waitForTimeout(500);
      const notice = await v.page.getByText("Some settings in this link were ignored").first().innerText();
      for (const p of params.slice(0, 3)) assert.ok(notice.includes(`${p}=`), `the notice names ${p}`);
      assert.equal(await v.page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
      assert.equal(await v.page.locator("main img[src=x]").count(), 0, "nothing from the URL is inserted as HTML");
      assert.equal(dialog, false);
      assert.deepEqual(await v.page.locator(".observablehq--error").allInnerTexts(), []);
      assert.deepEqual(v.consoleErrors, []);
      await v.page.close();
    });
  }
});
