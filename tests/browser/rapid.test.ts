/**
 * Rapid changes and long visits, on every page with a main chart:
 *  - 50 changes of the main input within 5 s leave exactly one run going, for the last value: the drawings
 *    seen meanwhile come from runs in increasing order (an old run never draws over a newer one), the final
 *    drawing is the last value's run, no run starts after it, and tf.memory().numTensors is back at baseline;
 *  - a soak: the main input changed again and again (each run finishing, or cancelled after 3 s) for
 *    DESCENT_SOAK_SECONDS per page (20 in `npm test`, 600 in `npm run soak`); numTensors and the JS heap (after a
 *    forced GC) may grow by at most 5 %.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { builtPages } from "./pages.js";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";

const SOAK_SECONDS = Number(process.env.DESCENT_SOAK_SECONDS ?? 20);
const only = process.env.DESCENT_PAGES?.split(",");
const pages = builtPages(dist).filter((p) => p !== "/authors" && (!only || only.includes(p)));
const SOAK_ONLY = process.env.DESCENT_SOAK_ONLY === "1";

/** Waits until the first main chart is a finished drawing, optionally of a run started with `value`. */
async function drawn(page: Page, value?: string, timeout = 180_000): Promise<void> {
  await page.waitForFunction(
    (value) => {
      const c = document.querySelector<HTMLElement>("[data-main-chart]");
      return c?.dataset.state === "done" && (value === null || c.dataset.mainValue === value);
    },
    value ?? null,
    { timeout, polling: 100 },
  );
}

const runs = (page: Page) => page.evaluate(() => Number(document.documentElement.dataset.runs ?? 0));
const tensors = (page: Page) => page.evaluate(() => (window as any).descent.tf.memory().numTensors as number);

/** numTensors once it has not changed for a second (background sections may still be finishing). */
async function settledTensors(page: Page, limitMs = 30_000): Promise<number> {
  const t0 = Date.now();
  let last = await tensors(page);
  let since = Date.now();
  while (Date.now() - t0 < limitMs) {
    await page.waitForTimeout(250);
    const now = await tensors(page);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= 1000) break;
  }
  return last;
}

/** Sets the main input's field to `value` as a reader would; returns the main value run.js records. */
function setMain(page: Page, value: string): Promise<string> {
  return page.evaluate((v) => {
    const form = document.querySelector<HTMLElement & { value: any }>("[data-main-input]")!;
    const field = (form.querySelector("input[type=number], select, input") ?? form) as HTMLInputElement;
    field.value = v;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    const x = form.value;
    return typeof x !== "object" || x === null ? String(x) : String(x.key ?? x.lr ?? JSON.stringify(x));
  }, value);
}

/** The two values the main input alternates between: its current one (as field text) and its test value. */
function mainValues(page: Page): Promise<[string, string]> {
  return page.evaluate(() => {
    const form = document.querySelector<HTMLElement>("[data-main-input]")!;
    const field = (form.querySelector("input[type=number], select, input") ?? form) as HTMLInputElement;
    return [field.value, form.dataset.mainInput!];
  });
}

async function heap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  await cdp.detach();
  return usedSize;
}

describe("rapid changes and long visits", () => {
  const site = useSite();

  for (const path of pages) {
    if (!SOAK_ONLY)
      test(`page ${path}: 50 changes of the main input in 5 s leave one run, for the last value, and no tensors behind`, async () => {
        const { page, consoleErrors } = await visit(site.browser, site.origin, path);
        try {
          await drawn(page);
          const baseline = await settledTensors(page);
          const [a, b] = await mainValues(page);
          await page.evaluate(() => {
            const seen: { run: number; state: string; value: string }[] = [];
            (window as any).__drawings = seen;
            new MutationObserver(() => {
              const c = document.querySelector<HTMLElement>("[data-main-chart]");
              if (!c) return;
              const last = seen[seen.length - 1];
              const now = { run: Number(c.dataset.run), state: c.dataset.state ?? "", value: c.dataset.mainValue ?? "" };
              if (!last || last.run !== now.run || last.state !== now.state) seen.push(now);
            }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-run", "data-state"] });
          });
          const t0 = Date.now();
          let expected = "";
          for (let i = 0; i < 50; i++) {
            expected = await setMain(page, i % 2 === 1 ? b : a);
            await page.waitForTimeout(50);
          }
          const elapsed = Date.now() - t0;
          assert.ok(elapsed <= 5000, `50 changes took ${elapsed} ms`);
          await drawn(page, expected);
          const runsAtEnd = await runs(page);
          await page.waitForTimeout(1000);
          assert.equal(await runs(page), runsAtEnd, "no run starts after the last value's run");
          const drawings: { run: number; state: string; value: string }[] = await page.evaluate(() => (window as any).__drawings);
          const order = drawings.map((d) => d.run);
          assert.ok(order.every((r, i) => i === 0 || r >= order[i - 1]), `drawings in run order: ${order.join(", ")}`);
          const final = drawings[drawings.length - 1];
          assert.equal(final.value, expected, "the final drawing is the last value's run");
          const after = await settledTensors(page);
          console.log(`${path}: 50 changes in ${elapsed} ms, ${drawings.length} drawings, tensors ${baseline} → ${after}`);
          assert.equal(after, baseline, "numTensors back at its baseline");
          assert.deepEqual(await page.locator(".observablehq--error").allInnerTexts(), []);
          assert.deepEqual(consoleErrors, []);
        } finally {
          await page.close();
        }
      });

    test(`page ${path}: ${SOAK_SECONDS} s of reruns grow neither numTensors nor the JS heap by more than 5 %`, async () => {
      const { page, consoleErrors } = await visit(site.browser, site.origin, path);
      try {
        await drawn(page);
        const [a, b] = await mainValues(page);
        // One rerun to warm up (JIT, caches, a second chart), then the baseline.
        await drawn(page, await setMain(page, b));
        await drawn(page, await setMain(page, a));
        const tensors0 = await settledTensors(page);
        const heap0 = await heap(page);
        const t0 = Date.now();
        let reruns = 0;
        while (Date.now() - t0 < SOAK_SECONDS * 1000) {
          const value = await setMain(page, reruns % 2 === 0 ? b : a);
          reruns++;
          await drawn(page, value, 3000).catch(() => {}); // cancelled by the next change when it takes longer
        }
        // End where the baseline was taken: the default value's run, finished.
        await drawn(page, await setMain(page, a));
        const tensors1 = await settledTensors(page);
        const heap1 = await heap(page);
        console.log(
          `${path}: soak ${reruns} reruns in ${SOAK_SECONDS} s; tensors ${tensors0} → ${tensors1}; heap ${(heap0 / 2 ** 20).toFixed(1)} → ${(heap1 / 2 ** 20).toFixed(1)} MiB`,
        );
        assert.ok(tensors1 <= tensors0 * 1.05, `numTensors grew from ${tensors0} to ${tensors1}`);
        assert.ok(heap1 <= heap0 * 1.05, `JS heap grew from ${heap0} to ${heap1} bytes`);
        assert.deepEqual(await page.locator(".observablehq--error").allInnerTexts(), []);
        assert.deepEqual(consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  }
});
