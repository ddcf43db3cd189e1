/**
 * Broken data served to a page (Playwright route interception, so dist/ stays intact): a truncated or
 * corrupted .bin gives a message in the page naming the file and what is wrong, and the parts of the page that
 * do not need that file keep working (engine badge, inputs, notice, any main chart that does not use it).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";

type Break = { label: string; damage: (b: Buffer) => Buffer; problem: RegExp };
const BREAKS: Break[] = [
  { label: "truncated", damage: (b) => b.subarray(0, Math.floor(b.length / 2)), problem: /bytes, but a header of .* needs/ },
  { label: "wrong magic", damage: (b) => Buffer.concat([Buffer.from("XXXX"), b.subarray(4)]), problem: /magic is "XXXX", expected "DSC1"/ },
];

/** Page → the data file it reads at load and whether its main chart is independent of that file. */
const CASES: { path: string; file: string; mainChartWithout: boolean }[] = [
  { path: "/digits", file: "digits", mainChartWithout: false },
  { path: "/newton", file: "digits", mainChartWithout: true },
  { path: "/example", file: "mnist-subset", mainChartWithout: false },
  { path: "/mnist-from-scratch", file: "mnist-subset", mainChartWithout: false },
  { path: "/mnist-nesterov-adam", file: "mnist-subset", mainChartWithout: false },
];

const dataDir = join(dist, "_file/data");
const builtName = (stem: string) => readdirSync(dataDir).find((f) => f.startsWith(`${stem}.`) && f.endsWith(".bin"));

describe("broken data files", () => {
  const site = useSite();
  for (const { path, file, mainChartWithout } of CASES) {
    for (const { label, damage, problem } of BREAKS) {
      test(`page ${path} with a ${label} ${file}.bin says so and keeps the rest working`, async () => {
        const name = builtName(file);
        assert.ok(name, `${file}.bin is built into ${dataDir}`);
        const bytes = damage(readFileSync(join(dataDir, name)));
        const context = await site.browser.newContext();
        await context.route(`**/_file/data/${name}`, (route) => route.fulfill({ status: 200, contentType: "application/octet-stream", body: bytes }));
        const page = await context.newPage();
        const uncaught: string[] = [];
        page.on("pageerror", (e) => uncaught.push(e.message));
        try {
          await page.goto(site.origin + path, { waitUntil: "load" });
          await page.locator(".descent-engine").first().waitFor({ timeout: 60_000 });
          const message = page.getByText(new RegExp(`${file}\\.bin: .*`)).first();
          await message.waitFor({ timeout: 60_000 });
          const text = await message.innerText();
          assert.match(text, problem, `the message says what is wrong: ${text}`);
          assert.ok(await message.isVisible(), "the message is visible");
          // The rest keeps working: inputs respond (the URL follows), and a chart that needs no data is drawn.
          assert.ok((await page.locator("[data-url-param]").count()) > 0, "the inputs are there");
          if (mainChartWithout) {
            await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, { timeout: 120_000 });
          }
          assert.deepEqual(uncaught, [], "no uncaught exception");
        } finally {
          await context.close();
        }
      });
    }
  }
});
