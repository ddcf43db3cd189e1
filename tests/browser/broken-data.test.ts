/**
 * Broken data served to a page (Playwright route interception, so dist/ stays intact): a truncated, corrupted or
 * missing .bin gives one notice in the page (src/components/data-file.js) naming the file and what is wrong, no
 * cell shows Framework's error display, and the parts of the page that do not need that file keep working
 * (inputs answer and write the URL, and a main chart that does not use the file is drawn).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dist, useSite } from "./site.js";

type Break = { label: string; damage: (b: Buffer) => Buffer | null; problem: RegExp };
const BREAKS: Break[] = [
  // A file the page downloads itself is cut short before it is decoded (it knows the size the build wrote).
  {
    label: "truncated",
    damage: (b) => b.subarray(0, Math.floor(b.length / 2)),
    problem: /bytes, but a header of .* needs|\d+ bytes arrived, but the build wrote \d+/,
  },
  { label: "wrong magic", damage: (b) => Buffer.concat([Buffer.from("XXXX"), b.subarray(4)]), problem: /magic is "XXXX", expected "DSC1"/ },
  // A label byte past the classes: header and length are right, only the contents are wrong.
  {
    label: "bad label",
    damage: (b) => {
      const c = Buffer.from(b);
      c[c.length - 1] = 200;
      return c;
    },
    problem: /label \d+ is 200, outside 0–9/,
  },
  // Not served at all (404): the page's own fetch and the worker's word it differently.
  { label: "missing", damage: () => null, problem: /could not be downloaded|HTTP 404/ },
];

/** Page → a data file it reads at load and whether its main chart is independent of that file. */
const CASES: { path: string; query?: string; file: string; mainChartWithout: boolean }[] = [
  { path: "/digits", file: "digits", mainChartWithout: false },
  { path: "/newton", file: "digits", mainChartWithout: true },
  { path: "/beyond-adam", file: "digits", mainChartWithout: true },
  { path: "/beyond-adam", file: "mnist-subset", mainChartWithout: false },
  { path: "/example", file: "mnist-subset", mainChartWithout: false },
  { path: "/schedules", file: "mnist-subset", mainChartWithout: false },
  { path: "/mnist-from-scratch", file: "mnist-subset", mainChartWithout: false },
  { path: "/mnist-nesterov-adam", file: "mnist-subset", mainChartWithout: false },
  { path: "/mnist-nesterov-adam", file: "mnist-test", mainChartWithout: false },
  // The notebook's full data, downloaded by the page (with progress) or by the worker.
  { path: "/mnist-nesterov-adam", query: "?full=true", file: "mnist-train", mainChartWithout: false },
  { path: "/mnist-from-scratch", query: "?full=true", file: "mnist-train", mainChartWithout: false },
];

const dataDir = join(dist, "_file/data");
const builtName = (stem: string) => readdirSync(dataDir).find((f) => f.startsWith(`${stem}.`) && f.endsWith(".bin"));
const counts = { tried: 0, handled: 0, crashed: 0, silent: 0 };

describe("broken data files", () => {
  const site = useSite();
  after(() => {
    console.log(
      `broken-data cases: tried ${counts.tried}, handled with a message ${counts.handled}; crashed ${counts.crashed}, silently ignored ${counts.silent}`,
    );
  });
  // DESCENT_PAGES=/digits,/newton narrows a run while working on a page.
  const only = process.env.DESCENT_PAGES?.split(",");
  for (const { path, query = "", file, mainChartWithout } of CASES.filter((c) => !only || only.includes(c.path))) {
    for (const { label, damage, problem } of BREAKS) {
      test(`page ${path}${query} with a ${label} ${file}.bin says so and keeps the rest working`, async () => {
        counts.tried++;
        let verdict: "handled" | "crashed" | "silent" = "silent";
        const name = builtName(file);
        assert.ok(name, `${file}.bin is built into ${dataDir}`);
        const bytes = damage(readFileSync(join(dataDir, name)));
        const context = await site.browser.newContext();
        await context.addInitScript("globalThis.__name = (f) => f;");
        await context.route(`**/_file/data/${name}`, (route) =>
          bytes === null ? route.fulfill({ status: 404, body: "not found" }) : route.fulfill({ status: 200, contentType: "application/octet-stream", body: bytes }),
        );
        const page = await context.newPage();
        const uncaught: string[] = [];
        page.on("pageerror", (e) => uncaught.push(e.message));
        try {
          await page.goto(site.origin + path + query, { waitUntil: "load" });
          await page.locator(".descent-engine").first().waitFor({ timeout: 60_000 });
          const notice = page.locator(".descent-data-notice");
          await notice.waitFor({ timeout: 60_000 });
          const text = await notice.innerText();
          assert.ok(text.includes(`${file}.bin: `), `the notice names the file: ${text}`);
          assert.match(text, problem, `the notice says what is wrong: ${text}`);
          assert.ok(await notice.isVisible(), "the notice is visible");
          verdict = "handled";
          await page.waitForTimeout(1000); // cells that would fail on the data have had their chance
          const errorCells = await page.locator(".observablehq--error").allInnerTexts();
          if (errorCells.length || uncaught.length) verdict = "crashed";
          assert.deepEqual(errorCells, [], "no cell shows Framework's error display");
          // The rest keeps working: an input answers (the URL follows it), and a chart that needs no data is drawn.
          const answered = await page.evaluate(() => {
            const d = (window as any).descent;
            for (const [name, { element: el, row }] of d.inputs) {
              const field = el.querySelector("input[type=number]") as HTMLInputElement | null;
              if (!field) continue;
              const target = [row.range[0], row.range[1]].find((x: number) => x !== el.value && x !== row.default && d.accepts(name, String(x))?.ok);
              if (target === undefined) continue;
              field.value = String(target);
              field.dispatchEvent(new Event("input", { bubbles: true }));
              return { name, target, value: el.value, url: new URLSearchParams(location.search).get(name) };
            }
            return null;
          });
          assert.ok(answered, "the page has a number box to try");
          assert.equal(answered.value, answered.target, `${answered.name} takes the typed value`);
          assert.equal(Number(answered.url), answered.target, `the URL follows ${answered.name}`);
          if (mainChartWithout) {
            await page.waitForFunction(() => document.querySelector("[data-main-chart]")?.getAttribute("data-state") === "done", null, { timeout: 120_000 });
          }
          assert.deepEqual(await page.locator(".observablehq--error").allInnerTexts(), [], "still no error cell");
          assert.deepEqual(uncaught, [], "no uncaught exception");
        } finally {
          counts[verdict]++;
          await context.close();
        }
      });
    }
  }
});
