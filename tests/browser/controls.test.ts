/**
 * Run controls on a page (src/components/controls.js over lib/experiments' RunControl): pause stops the
 * run where it is, step advances it by exactly one step (one epoch on /digits, one step of every lane in an
 * MNIST race), a learning rate moved while it runs is applied from the next step (and marked on the chart,
 * the points before it kept), and restart starts it again with the same settings.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { useSite } from "./site.js";
import { visit } from "./visit.js";

/** The step the optimizers page's status line reports ("Running… step 120: …"). */
async function shownStep(page: Page): Promise<number> {
  const text = await page.locator(".descent-status").filter({ hasText: /step \d+/ }).first().innerText();
  return Number(/step (\d+)/.exec(text)![1]);
}

describe("run controls", () => {
  const site = useSite();

  test("pause, step, a live learning-rate change and restart on /optimizers", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/optimizers?steps=3000");
    try {
      const controls = page.locator(".descent-controls").first();
      await controls.waitFor();
      await page.waitForFunction(() => /running/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""), null, { timeout: 60_000 });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => /paused/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""));
      await page.waitForTimeout(300);
      const at = await shownStep(page);
      await page.waitForTimeout(700);
      assert.equal(await shownStep(page), at, "a paused run does not move");

      await controls.locator("[data-control=step]").click();
      await page.waitForFunction((n) => {
        const t = [...document.querySelectorAll(".descent-status")].map((e) => e.textContent ?? "").find((s) => /step \d+/.test(s)) ?? "";
        return Number(/step (\d+)/.exec(t)?.[1]) > n;
      }, at);
      await page.waitForTimeout(300);
      assert.equal(await shownStep(page), at + 1, "Step takes exactly one step");

      // Move the live learning rate, then play: the change is recorded from the next step and marked.
      await controls.locator("input[type=range]").first().evaluate((el: HTMLInputElement) => {
        el.value = String(Number(el.value) - 1); // one decade lower
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => document.querySelector('[data-main-chart] [aria-label="marks"] title')?.textContent?.startsWith("learning rate changed at step"), null, { timeout: 60_000 });
      const marked = await page.locator('[data-main-chart] [aria-label="marks"] title').first().textContent();
      assert.equal(Number(/step (\d+)/.exec(marked ?? "")?.[1]), at + 2, "the change applies from the step after the one taken");

      // Once finished, the PyTorch export replays the change from that step.
      await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, { timeout: 120_000 });
      const panel = page.locator(".descent-export").first();
      await panel.locator("summary").click();
      const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "PyTorch (.py)", exact: true }).click()]);
      const program = readFileSync(await download.path(), "utf8");
      assert.match(program, new RegExp(`^CHANGES = \\{\\n {4}"Adam": \\{${at + 2}: \\{"lr": [0-9.e-]+\\}\\},\\n\\}$`, "m"), "the export replays the change");
      assert.match(program, /optimizer\.param_groups\[0\]\[key\] = value/);

      const run = Number(await page.locator("[data-main-chart]").first().getAttribute("data-run"));
      await controls.locator("[data-control=restart]").click();
      await page.waitForFunction((n) => Number(document.querySelector("[data-main-chart]")?.getAttribute("data-run")) > n, run);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  test("the landing race: a live learning-rate change applies from the step after the one shown, marked on the paths", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/");
    try {
      await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, { timeout: 120_000 });
      const race = page.locator(".descent-race").first();
      const setRange = (selector: string, value: string) =>
        race.locator(selector).evaluate((el: HTMLInputElement, v) => {
          el.value = v;
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }, value);
      const drawn = () => race.locator("svg path[stroke-linecap=round]").evaluateAll((ps) => ps.map((p) => p.getAttribute("d") ?? ""));
      // The race as computed, at steps 100 and 101 (scrubbing pauses the replay on arrival).
      await setRange("input[aria-label=step]", "101");
      const plain101 = await drawn();
      await setRange("input[aria-label=step]", "100");
      const plain100 = await drawn();
      assert.ok(plain100.filter(Boolean).length >= 8, "the eight shown paths are drawn");

      // Every rate one decade lower, from the step after the one shown.
      await setRange("input[data-live=lr]", "-1");
      await page.waitForFunction(() => document.querySelector('.descent-race [aria-label="marks"] title')?.textContent?.startsWith("learning rate changed at step"), null, { timeout: 60_000 });
      const marked = await race.locator('[aria-label="marks"] title').first().textContent();
      assert.equal(Number(/step (\d+)/.exec(marked ?? "")?.[1]), 101, "the change applies from the step after the one shown");
      assert.deepEqual(await drawn(), plain100, "the paths up to the step shown are the same");
      await race.locator("[data-control=step]").click();
      const changed101 = await drawn();
      assert.ok(changed101.some((d, i) => d !== plain101[i]), "from step 101 the paths take the new rates");
      assert.match(await race.locator(".descent-race-legend .meta").first().innerText(), /lr 0\.001 → 1e-4|lr [\d.e-]+ → [\d.e-]+ from step 101/);

      // Restart: the panel's rates again, no marks.
      await race.locator("[data-control=restart]").click();
      await page.waitForFunction(() => document.querySelector('.descent-race [aria-label="marks"]')?.childElementCount === 0, null, { timeout: 60_000 });
      assert.equal(await race.locator("input[data-live=lr]").inputValue(), "0");
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  /** The digits comparison's place: its status line "Training SGD: epoch 7 of 30…" as [label, epoch]. */
  const trainingAt = (page: Page) =>
    page.evaluate(() => {
      const t = [...document.querySelectorAll(".descent-status")].map((e) => e.textContent ?? "").find((s) => /^Training .*: epoch \d+/.test(s)) ?? "";
      const m = /^Training (.*): epoch (\d+)/.exec(t);
      return m ? ([m[1], Number(m[2])] as const) : null;
    });

  /** The first section's step on /mnist-from-scratch, from its progress row ("step 12 of 940 · …"). */
  const sgdStep = (page: Page) =>
    page.evaluate(() => Number(/step ([\d,]+) of/.exec(document.querySelector(".descent-progress .descent-progress-row .text")?.textContent ?? "")?.[1].replace(/,/g, "") ?? NaN));
  /** The SGD chart's line as losses, one per step drawn: its path's y read through the y-axis' tick labels. */
  const sgdLine = (page: Page) =>
    page.evaluate(() => {
      const chart = document.querySelector("[data-main-chart]")!;
      const ticks = [...chart.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => [Number(/translate\([-\d.]+,([-\d.]+)\)/.exec(t.getAttribute("transform") ?? "")?.[1]), Number(t.textContent)]);
      const [[p0, v0], [p1, v1]] = [ticks[0], ticks.at(-1)!];
      const d = chart.querySelector('g[aria-label="line"] path')?.getAttribute("d") ?? "";
      return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => v0 + ((Number(m[2]) - p0) * (v1 - v0)) / (p1 - p0));
    });
  const near = (a: number[], b: number[], what: string) => {
    assert.equal(a.length, b.length, what);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 2e-3, `${what}: step ${i + 1}: ${v} vs ${b[i]}`));
  };
  const stateIs = (page: Page, state: string) =>
    page.waitForFunction((s) => document.querySelector(".descent-controls .state")?.textContent === s, state, { timeout: 120_000 });

  test("pause, step, a live learning-rate change (kept points before it, a different run after) and restart on /mnist-from-scratch; every section has controls", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/mnist-from-scratch?epochs=10");
    try {
      const controls = page.locator(".descent-controls").first();
      await page.waitForFunction(() => document.querySelector(".descent-controls .state")?.textContent === "running" && /step ([1-9]\d|[5-9]) of/.test(document.querySelector(".descent-progress .descent-progress-row .text")?.textContent ?? ""), null, { timeout: 180_000 });
      assert.equal(await page.locator(".descent-controls").count(), 9, "each of the nine races has its controls");
      await controls.locator("[data-control=play]").click();
      await stateIs(page, "paused");
      await page.waitForTimeout(1500); // a report on its way lands first
      const at = await sgdStep(page);
      await page.waitForTimeout(1000);
      assert.equal(await sgdStep(page), at, "a paused run does not move");

      await controls.locator("[data-control=step]").click();
      await page.waitForFunction((n) => Number(/step ([\d,]+) of/.exec(document.querySelector(".descent-progress .descent-progress-row .text")?.textContent ?? "")?.[1].replace(/,/g, "")) > n, at);
      await page.waitForTimeout(1500);
      assert.equal(await sgdStep(page), at + 1, "Step takes exactly one step");
      const before = await sgdLine(page);
      assert.equal(before.length, at + 1, "the chart draws every step");

      // One decade higher, then play: the change applies from the next step and is marked there.
      await controls.locator("input[type=range]").first().evaluate((el: HTMLInputElement) => {
        el.value = String(Number(el.value) + 1);
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => /from step \d+/.test(document.querySelector('[data-main-chart] g[aria-label="rule"] title')?.textContent ?? ""), null, { timeout: 60_000 });
      const mark = await page.locator('[data-main-chart] g[aria-label="rule"] title').first().textContent();
      assert.match(mark ?? "", /^lr → 0\.01 from step \d+$/);
      assert.equal(Number(/from step (\d+)/.exec(mark ?? "")?.[1]), at + 2, "the change applies from the step after the one taken");
      await page.waitForFunction((n) => Number(/step ([\d,]+) of/.exec(document.querySelector(".descent-progress .descent-progress-row .text")?.textContent ?? "")?.[1].replace(/,/g, "")) >= n, at + 4);
      await controls.locator("[data-control=play]").click();
      await stateIs(page, "paused");
      await page.waitForTimeout(1500);
      const changed = await sgdLine(page);
      near(changed.slice(0, at + 1), before, "the points before the change are kept");

      // Restart: the same settings again, without the change — identical up to the change, different after it.
      const run = Number(await page.locator("[data-main-chart]").first().getAttribute("data-run"));
      await controls.locator("[data-control=restart]").click();
      await page.waitForFunction((n) => Number(document.querySelector("[data-main-chart]")?.getAttribute("data-run")) > n, run, { timeout: 60_000 });
      assert.equal(await controls.locator("output").first().textContent(), "1.0e-3", "the slider shows the restarted run's rate");
      await stateIs(page, "running");
      await page.waitForFunction((n) => Number(/step ([\d,]+) of/.exec(document.querySelector(".descent-progress .descent-progress-row .text")?.textContent ?? "")?.[1].replace(/,/g, "")) >= n, at + 4, { timeout: 120_000 });
      await controls.locator("[data-control=play]").click();
      await stateIs(page, "paused");
      await page.waitForTimeout(1500);
      const again = await sgdLine(page);
      assert.equal(await page.locator('[data-main-chart] g[aria-label="rule"] title').count(), 0, "no change in the restarted run");
      // Step at + 2's loss is measured before its update: the change shows from step at + 3 on.
      near(again.slice(0, at + 2), changed.slice(0, at + 2), "same weights, same batches: the same run up to the change");
      const gap = Math.max(...[at + 2, at + 3].map((i) => again[i] - changed[i]));
      assert.ok(gap > 5e-3, `ten times the learning rate lowers the loss after the change (by ${gap})`);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  test("pause, step (one epoch), a live learning rate (marked at the epoch it starts, shown in the table) and restart on /digits", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/digits?epochs=30");
    try {
      const controls = page.locator(".descent-controls").first();
      await page.waitForFunction(() => /running/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""), null, { timeout: 60_000 });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => /paused/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""));
      await page.waitForTimeout(500);
      const at = await trainingAt(page);
      assert.ok(at, "the status line says where the comparison is");
      await page.waitForTimeout(700);
      assert.deepEqual(await trainingAt(page), at, "a paused run does not move");
      await controls.locator("[data-control=step]").click();
      await page.waitForFunction((at) => JSON.stringify(at) !== JSON.stringify((() => {
        const t = [...document.querySelectorAll(".descent-status")].map((e) => e.textContent ?? "").find((s) => /^Training .*: epoch \d+/.test(s)) ?? "";
        const m = /^Training (.*): epoch (\d+)/.exec(t);
        return m ? [m[1], Number(m[2])] : null;
      })()), at);
      await page.waitForTimeout(500);
      const next = await trainingAt(page);
      // One epoch on: the same run's next epoch, or the next run's first when the step finished a run.
      assert.ok(next && ((next[0] === at![0] && next[1] === at![1] + 1) || (next[0] !== at![0] && next[1] === 1)), `one epoch from ${at} to ${next}`);

      // A live learning rate, one decade up, then one more epoch: the run in training takes it from that epoch on.
      await controls.locator("input[type=range]").first().evaluate((el: HTMLInputElement) => {
        el.value = String(Number(el.value) + 1);
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await controls.locator("[data-control=step]").click();
      await page.waitForFunction(() => /from epoch \d+$/.test(document.querySelector('[data-main-chart] g[aria-label="rule"] title')?.textContent ?? ""), null, { timeout: 60_000 });
      const mark = (await page.locator('[data-main-chart] g[aria-label="rule"] title').first().textContent()) ?? "";
      const [label, epoch] = next![1] < 30 ? [next![0], next![1] + 1] : [null, 1]; // after a run's last epoch: the next run's first
      assert.match(mark, new RegExp(`^${label ?? "\\w+"}: lr → 0\\.01 from epoch ${epoch}$`), mark);
      await page.waitForFunction(() => [...document.querySelectorAll("td")].some((td) => /^1e-\d → 1e-2 \(epoch \d+\)$/.test(td.textContent ?? "")), null, { timeout: 60_000 });
      const run = Number(await page.locator("[data-main-chart]").first().getAttribute("data-run"));
      await controls.locator("[data-control=restart]").click();
      await page.waitForFunction((n) => Number(document.querySelector("[data-main-chart]")?.getAttribute("data-run")) > n, run);
      await page.waitForFunction(() => /running|finished/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""));
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  test("pause, step, a live η change (marked on the chart) and restart on /newton's gradient-descent stability run", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/newton?lr=1");
    try {
      const controls = page.locator(".descent-controls").first();
      // The run shares the second worker with the digits race and the timings: allow it time to start.
      await page.waitForFunction(() => /running/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""), null, { timeout: 180_000 });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => /paused/.test(document.querySelector(".descent-controls .state")?.textContent ?? ""), null, { timeout: 60_000 });
      const last = () => page.locator(".descent-status").filter({ hasText: /^Cross-entropy:/ }).first().innerText();
      await page.waitForTimeout(500);
      const at = await last();
      await page.waitForTimeout(700);
      assert.equal(await last(), at, "a paused run does not move");
      await controls.locator("input[type=range]").first().evaluate((el: HTMLInputElement) => {
        el.value = "2";
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await controls.locator("[data-control=play]").click();
      await page.waitForFunction(() => [...document.querySelectorAll("svg text")].some((t) => /^cross-entropy: η → 2$/.test(t.textContent ?? "")), null, { timeout: 120_000 });
      await controls.locator("[data-control=restart]").click();
      await page.waitForFunction(() => ![...document.querySelectorAll("svg text")].some((t) => /η → 2$/.test(t.textContent ?? "")), null, { timeout: 60_000 });
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });
});
