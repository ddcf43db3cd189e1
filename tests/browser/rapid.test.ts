/**
 * Rapid changes and long visits, on every page with a main chart:
 *  - 50 changes of the main input, scheduled 100 ms apart, leave exactly one run going, for the last value: the drawings
 *    seen meanwhile come from runs in increasing order (an old run never draws over a newer one), the final
 *    drawing is the last value's run, no run starts after it, and tf.memory().numTensors is back at baseline;
 *  - a soak: the main input changed again and again (each run finishing, or cancelled after 3 s) for
 *    DESCENT_SOAK_SECONDS per page (20 in `npm test`, 600 in `npm run soak`), after a warm-up that lasts until the
 *    heap has settled (V8's code for the hot paths, see WARM_BATCH); numTensors and the JS heap (after a forced GC)
 *    may grow by at most 5 %.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { builtPages } from "./pages.js";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";

const SOAK_SECONDS = Number(process.env.DESCENT_SOAK_SECONDS ?? 20);
/**
 * Pages whose page-side JS heap still grows past 5 % in the soak (after the warm-up below). None: /gradient-descent
 * was listed until its two causes were found (heap snapshots over 3,000 reruns): run.js kept one entry per rerun
 * (fixed), and V8's optimised code grows for the first ~750 reruns and then stays flat (the warm-up below). Its
 * 600-s soak since: 766 warm-up reruns, then 1,288 reruns, heap 8.53 → 8.56 MiB (0.3 %). Still seen in the
 * snapshots, outside the JS heap this measures: one Blink MediaQuery (~160 bytes, held by the StyleEngine) per
 * rerun; its source is not found yet.
 */
const HEAP_OVER_BOUND = new Set<string>([]);
/**
 * The warm-up before the soak's baseline lasts until the JS heap has settled: the heap after GC, measured after each
 * batch of WARM_BATCH reruns (or WARM_BATCH_MS when reruns are slow), is within WARM_SETTLED of the one two batches
 * before; at most WARM_MAX_MS. Why: over a page's first reruns V8 compiles and re-optimises the hot code of Plot,
 * the runtime and ours. Measured on /gradient-descent (heap after GC every 250 reruns, up to 3,000): 7.1, 8.3,
 * 8.5, 8.66 MiB at 0/250/500/750 reruns, then 8.57–8.70 MiB from 750 to 3,000; heap snapshots at 500, 1,500 and
 * 3,000 reruns put the growth in code objects (InstructionStream, Code, TrustedByteArray: +150 KB from 500 to 1,500,
 * −2 KB from 1,500 to 3,000) and find no JavaScript object group that grows with the reruns once run.js stopped
 * recording every run. A baseline taken before that plateau measures the JIT, not a leak. A real leak keeps growing
 * after it: it never settles (the soak starts where the warm-up stopped) and fails the bound.
 */
const WARM_BATCH = 100;
/** 10 s for the short soak of `npm test`, 30 s for the 600-s one: under load a fast page reruns ~100 times in 30 s. */
const WARM_BATCH_MS = Math.min(30_000, Math.max(10_000, SOAK_SECONDS * 50));
const WARM_SETTLED = 0.005;
/**
 * At most 300 s in `npm run soak`; 40 s in the 20-s soak of `npm test`, where a cap of minutes on each of eleven
 * pages would add up to most of CI's time (quiet CI soaks with 8 s of warm-up grew 1.0–4.8 %).
 */
const WARM_MAX_MS = SOAK_SECONDS >= 60 ? 300_000 : 40_000;
const only = process.env.DESCENT_PAGES?.split(",");
const pages = builtPages(dist).filter((p) => p !== "/authors" && (!only || only.includes(p)));
const SOAK_ONLY = process.env.DESCENT_SOAK_ONLY === "1";
/** DESCENT_BURST_ONLY=1 runs only the 50-change bursts (the soak takes SOAK_SECONDS more per page). */
const BURST_ONLY = process.env.DESCENT_BURST_ONLY === "1";

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
/**
 * The tensors where the page trains: its worker's (lib/experiments' memory message) when it has one, else the
 * page's own tfjs (a page that still trains on its own thread).
 */
const tensors = (page: Page) =>
  page.evaluate(async () => {
    const w = window as any;
    return (w.__descentLab ? (await w.__descentLab.memory()).numTensors : w.descent.tf.memory().numTensors) as number;
  });

/**
 * numTensors once the page is idle and the count has not changed for a second. Idle: every run in the MNIST
 * pages' queue has finished or stopped with an error (sections queued behind the main one keep training, with
 * tensors of their own, long after the main chart is done).
 */
async function settledTensors(page: Page, limitMs = 30_000): Promise<number> {
  await page
    .waitForFunction(
      () =>
        [...document.querySelectorAll(".descent-progress-row")].every(
          (row) => row.classList.contains("error") || (row.querySelector("progress")?.value ?? 0) >= (row.querySelector("progress")?.max ?? 0),
        ),
      null,
      { timeout: 180_000, polling: 500 },
    )
    .catch(() => {}); // then compare whatever is left: the assertion below reports it
  // And no run is live in the page's workers (later sections start when the main one is done). The second one
  // (lab.js runInBackground) counts too: /newton's digits race, Hessian timings and stability run there for
  // ~75 s after load on this machine and draw their charts when they finish — a baseline taken before that
  // counted those charts (~1 MB) as growth of the soak's reruns, which rerun none of them.
  await page
    .waitForFunction(() => ((window as any).__descentLab?.open ?? 0) === 0 && ((window as any).__descentBackgroundLab?.open ?? 0) === 0, null, {
      timeout: 180_000,
      polling: 250,
    })
    .catch(() => {});
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
      test(`page ${path}: 50 changes of the main input, 100 ms apart, leave one run, for the last value, and no tensors behind`, async () => {
        const { page, consoleErrors } = await visit(site.browser, site.origin, path);
        try {
          await drawn(page);
          const [a, b] = await mainValues(page);
          // One rerun before the baseline, as in the soak: cells further down allocate their long-lived tensors
          // only once (the newton page's digits tensors), which would otherwise count as growth.
          await drawn(page, await setMain(page, b));
          await drawn(page, await setMain(page, a));
          const baseline = await settledTensors(page);
          await page.evaluate(() => {
            const seen: { run: number; state: string; value: string }[] = [];
            (window as any).__drawings = seen;
            const cell = window.__mainChartCell();
            new MutationObserver(() => {
              const c = cell.querySelector<HTMLElement>("[data-main-chart]");
              // A chart without a run number is an empty frame, not yet any run's drawing (the landing race's
              // chart takes its run's number when the worker's first race is drawn on it).
              if (!c || c.dataset.run === undefined) return;
              const last = seen[seen.length - 1];
              const now = { run: Number(c.dataset.run), state: c.dataset.state ?? "", value: c.dataset.mainValue ?? "" };
              if (!last || last.run !== now.run || last.state !== now.state) seen.push(now);
            }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-run", "data-state"] });
          });
          // The changes are scheduled in the page, 100 ms apart from one start time, so a page busy recomputing
          // gets the late ones back to back (as a reader's fast typing would queue), not later and later.
          const { elapsed, expected } = await page.evaluate(
            ({ a, b }) =>
              new Promise<{ elapsed: number; expected: string }>((resolve) => {
                const form = document.querySelector<HTMLElement & { value: any }>("[data-main-input]")!;
                const field = (form.querySelector("input[type=number], select, input") ?? form) as HTMLInputElement;
                const t0 = performance.now();
                let i = 0;
                function change() {
                  field.value = i % 2 === 1 ? b : a;
                  field.dispatchEvent(new Event("input", { bubbles: true }));
                  if (++i < 50) setTimeout(change, Math.max(0, t0 + 100 * i - performance.now()));
                  else {
                    const x = form.value;
                    resolve({
                      elapsed: performance.now() - t0,
                      expected: typeof x !== "object" || x === null ? String(x) : String(x.key ?? x.lr ?? JSON.stringify(x)),
                    });
                  }
                }
                change();
              }),
            { a, b },
          );
          // Not asserted: on a page whose training holds the main thread (the adam page's steps, the landing race's
          // synchronous recompute) the 50 changes cannot be delivered in 5 s until training moves to a Worker
          // (issue 10): measured 28.8 s on /adam on this 2-core machine. The time is printed; what is asserted is
          // what the reader sees after the burst.
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
          console.log(`${path}: 50 changes in ${Math.round(elapsed)} ms, ${drawings.length} drawings, tensors ${baseline} → ${after}`);
          // ≤: a section that was still training when the baseline was taken (the line fit below the parabola) may
          // have finished and freed its tensors since.
          assert.ok(after <= baseline, `numTensors back at its baseline (${baseline} → ${after})`);
          assert.deepEqual(await page.locator(".observablehq--error").allInnerTexts(), []);
          assert.deepEqual(consoleErrors, []);
        } finally {
          await page.close();
        }
      });

    if (!BURST_ONLY)
    test(`page ${path}: ${SOAK_SECONDS} s of reruns grow neither numTensors nor the JS heap by more than 5 %`, async () => {
      const { page, consoleErrors } = await visit(site.browser, site.origin, path);
      try {
        await drawn(page);
        const [a, b] = await mainValues(page);
        // Warm up first (JIT, Plot's and the runtime's caches settle), then take the baseline: see WARM_BATCH.
        for (let i = 0, w0 = Date.now(); i < 20 && Date.now() - w0 < 8000; i++) await drawn(page, await setMain(page, i % 2 === 0 ? b : a), 3000).catch(() => {});
        await drawn(page, await setMain(page, a));
        let heap0 = await heap(page);
        const warm = [heap0];
        let warmReruns = 0;
        for (const w0 = Date.now(); Date.now() - w0 < WARM_MAX_MS; ) {
          for (let i = 0, b0 = Date.now(); i < WARM_BATCH && Date.now() - b0 < WARM_BATCH_MS; i++, warmReruns++)
            await drawn(page, await setMain(page, i % 2 === 0 ? b : a), 3000).catch(() => {});
          await drawn(page, await setMain(page, a));
          warm.push(await heap(page));
          if (warm.length >= 3 && warm[warm.length - 1] <= warm[warm.length - 3] * (1 + WARM_SETTLED)) break;
        }
        console.log(`${path}: warm-up ${warmReruns} reruns, heap ${warm.map((h) => (h / 2 ** 20).toFixed(2)).join(" → ")} MiB`);
        const tensors0 = await settledTensors(page);
        heap0 = await heap(page);
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
          `${path}: soak ${reruns} reruns in ${SOAK_SECONDS} s; tensors ${tensors0} → ${tensors1}; heap ${(heap0 / 2 ** 20).toFixed(2)} → ${(heap1 / 2 ** 20).toFixed(2)} MiB (${((heap1 / heap0 - 1) * 100).toFixed(1)} %)`,
        );
        assert.ok(tensors1 <= tensors0 * 1.05, `numTensors grew from ${tensors0} to ${tensors1}`);
        if (!HEAP_OVER_BOUND.has(path)) assert.ok(heap1 <= heap0 * 1.05, `JS heap grew from ${heap0} to ${heap1} bytes`);
        assert.deepEqual(await page.locator(".observablehq--error").allInnerTexts(), []);
        assert.deepEqual(consoleErrors, []);
      } finally {
        await page.close();
      }
    });
  }
});
