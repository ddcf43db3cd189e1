/**
 * Hostile links and typed nonsense, table-driven over every page and every bound input (window.descent.inputs,
 * filled by the input table in lib/ui/inputs.ts).
 *
 * Links: each load gives every bound input one hostile value (so the cases of one value share a page load);
 * one more load per page carries duplicates, prototype keys, tfjsflags and an undecodable key. A case is
 * "handled" when the notice names the key with its raw text and the input kept its default, or the value was
 * valid and the input holds exactly that value. Anything else is counted as crashed (error cell, console error,
 * script run), silently ignored (not listed, default kept) or ran something other than shown.
 *
 * Typed values: every number box gets values that cannot run (message under the box naming the parameter,
 * nothing reruns, value unchanged) and one valid value (exactly that value, in the URL, at most one run).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { builtPages } from "./pages.js";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";

const HOSTILE: [label: string, raw: string][] = [
  ["bad escape", "%E0%A4%A"],
  ["NaN", "NaN"],
  ["huge", "1e308"],
  ["negative", "-1"],
  ["empty", ""],
  ["5,000 characters", "9".repeat(5000)],
  ["markup", encodeURIComponent(`<img src=x onerror="window.__pwned=1">`)],
  ["prototype value", "__proto__"],
];

const counts = { tried: 0, handled: 0, crashed: 0, silent: 0, other: 0 };
const typedCounts = { ...counts };
const failures: string[] = [];

type Outcome = { name: string; verdict: "handled" | "silent" | "other"; detail: string };

/** Classifies every bound input against the raw text it was given (`given[name]`, still percent-encoded). */
function classify(page: Page, given: Record<string, string>): Promise<Outcome[]> {
  return page.evaluate((given) => {
    const d = (window as any).descent;
    const notice: string = d.notice();
    const out: Outcome[] = [];
    for (const [name, raw] of Object.entries(given)) {
      const b = d.inputs.get(name);
      if (!b) continue;
      let text: string | null = null;
      try {
        text = decodeURIComponent(raw);
      } catch {
        // stays null: an undecodable value
      }
      const shown = JSON.stringify(text === null ? raw : text.length > 40 ? `${text.slice(0, 40)}…` : text);
      const listed = notice.includes(`${name}=${shown}`);
      const v = b.element.value;
      const row = b.row;
      const isDefault = v === row.default || (row.scale === "log" && v === Math.max(row.default, row.range[0]));
      const parsed = text === null ? null : d.accepts(name, text);
      if (parsed?.ok) {
        out.push({ name, verdict: !listed && v === parsed.value ? "handled" : "other", detail: `valid ${text}; value ${v}; listed ${listed}` });
      } else {
        out.push({ name, verdict: listed && isDefault ? "handled" : listed ? "other" : "silent", detail: `invalid; value ${v}; listed ${listed}` });
      }
    }
    return out;
  }, given) as Promise<Outcome[]>;
}

async function problemsOnPage(page: Page, consoleErrors: string[]): Promise<string[]> {
  const errors = await page.locator(".observablehq--error").allInnerTexts();
  const pwned = await page.evaluate(() => (window as { __pwned?: number }).__pwned);
  const injected = await page.locator("main img[src=x]").count();
  return [...errors.map((e) => `error cell: ${e.slice(0, 200)}`), ...consoleErrors, ...(pwned ? ["script from the URL ran"] : []), ...(injected ? ["markup from the URL inserted"] : [])];
}

describe("hostile links and typed values", () => {
  const site = useSite();
  // DESCENT_PAGES=/adam,/digits narrows a run while working on a page.
  const only = process.env.DESCENT_PAGES?.split(",");
  const pages = builtPages(dist).filter((p) => p !== "/authors" && (!only || only.includes(p)));

  after(() => {
    const line = (what: string, c: typeof counts) =>
      `${what}: tried ${c.tried}, handled with a message ${c.handled}; crashed ${c.crashed}, silently ignored ${c.silent}, ` +
      `ran something other than shown ${c.other}`;
    console.log(line("hostile link cases", counts));
    console.log(line("typed value cases", typedCounts));
  });

  for (const path of pages) {
    test(`page ${path}: every bound input refuses hostile link values with a notice`, async () => {
      const probe = await visit(site.browser, site.origin, path);
      await probe.page.waitForTimeout(300);
      const names: string[] = await probe.page.evaluate(() => [...(window as any).descent.inputs.keys()]);
      await probe.page.close();
      assert.ok(names.length > 0, `${path} binds inputs`);
      // Each load gives input i the value HOSTILE[(i + k) % H]: every load carries every kind of value (on pages
      // with enough inputs), and each input meets `loads` of them; DESCENT_HOSTILE_FULL=1 gives each input all.
      const loads = process.env.DESCENT_HOSTILE_FULL === "1" ? HOSTILE.length : Math.max(3, Math.ceil(HOSTILE.length / names.length));
      for (let k = 0; k < loads; k++) {
        const label = `load ${k + 1}`;
        const given = Object.fromEntries(names.map((n, i) => [n, HOSTILE[(i + k) % HOSTILE.length][1]]));
        const query = names.map((n) => `${encodeURIComponent(n)}=${given[n]}`).join("&");
        const v = await visit(site.browser, site.origin, `${path}?${query}`);
        let dialog = false;
        v.page.on("dialog", (d) => {
          dialog = true;
          void d.dismiss();
        });
        await v.page.waitForTimeout(400);
        const crash = [...(await problemsOnPage(v.page, v.consoleErrors)), ...(dialog ? ["a dialog opened"] : [])];
        const outcomes = await classify(v.page, given);
        counts.tried += names.length;
        if (crash.length) {
          counts.crashed += names.length;
          failures.push(`${path} ${label}: ${crash.join("; ")}`);
        } else {
          for (const o of outcomes) {
            counts[o.verdict] += 1;
            if (o.verdict !== "handled") failures.push(`${path} ${label} ${o.name}: ${o.verdict} (${o.detail})`);
          }
          counts.silent += names.length - outcomes.length; // bound at first, not bound with this link
        }
        await v.page.close();
      }

      // Duplicates, prototype keys, tfjsflags and an undecodable key, all in one link.
      const extra = ["__proto__=1", "constructor=1", "prototype=1", "hasOwnProperty=1", "tfjsflags=DEBUG:true,WEBGL_FORCE_F16_TEXTURES:true,IS_TEST:true", "%E0%A4%A=1"];
      const dupes = names.slice(0, 5).map((n) => `${encodeURIComponent(n)}=junk1&${encodeURIComponent(n)}=junk2`);
      const v = await visit(site.browser, site.origin, `${path}?${[...dupes, ...extra].join("&")}`);
      await v.page.waitForTimeout(400);
      const crash = await problemsOnPage(v.page, v.consoleErrors);
      const state = await v.page.evaluate(() => {
        const env = (window as any).descent.tf.env();
        return {
          notice: (window as any).descent.notice() as string,
          shown: document.querySelector(".descent-status.error")?.textContent ?? "",
          debug: env.get("DEBUG"),
          isTest: env.get("IS_TEST"),
          urlFlags: Object.keys(env.urlFlags ?? {}),
        };
      });
      const expectations: [string, boolean][] = [
        ["tfjsflags is reported as ignored", state.notice.includes("tfjsflags is ignored")],
        ["DEBUG is not set from the link", state.debug === false],
        ["IS_TEST is not set from the link", state.isTest === false],
        ["tfjs read no URL flags", state.urlFlags.length === 0],
        ["the notice is on the page", state.shown === state.notice],
        ...["__proto__", "constructor", "prototype", "hasOwnProperty"].map((k): [string, boolean] => [`${k} is listed as unknown`, state.notice.includes(`${k}="1" (this page has no such setting)`)]),
        ["the undecodable key is listed", state.notice.includes(`%E0%A4%A="1"`)],
        ...names.slice(0, 5).map((n): [string, boolean] => [`the repeat of ${n} is listed`, state.notice.includes(`${n}="junk2" (repeated`)]),
        ...names.slice(0, 5).map((n): [string, boolean] => [`the first ${n} is judged (and refused)`, state.notice.includes(`${n}="junk1"`)]),
      ];
      counts.tried += expectations.length;
      if (crash.length) {
        counts.crashed += expectations.length;
        failures.push(`${path} mixed link: ${crash.join("; ")}`);
      } else
        for (const [what, ok] of expectations) {
          if (ok) counts.handled++;
          else {
            counts.silent++;
            failures.push(`${path} mixed link: ${what}`);
          }
        }
      await v.page.close();
      const mine = failures.filter((f) => f.startsWith(`${path} `));
      assert.deepEqual(mine, [], mine.join("\n"));
    });

    test(`page ${path}: typed values that cannot run are refused under the box and start nothing; a valid one runs with exactly that value`, async () => {
      const v = await visit(site.browser, site.origin, path);
      await v.page.waitForTimeout(500);
      // Every run the page starts by itself has ended (later sections start when the main one is done), so a
      // run that starts from here on is one a typed value started.
      await v.page.waitForFunction(() => ((window as any).__descentLab?.open ?? 0) === 0, null, { timeout: 180_000, polling: 250 });
      const boxes: string[] = await v.page.evaluate(() =>
        [...(window as any).descent.inputs].filter(([, b]: any) => b.element.querySelector("input[type=number]")).map(([n]: any) => n),
      );
      const BAD = ["12345", "", "-1", "1e308", "1e-7", "0", "abc"];
      const runsBefore = await v.page.evaluate(() => Number(document.documentElement.dataset.runs ?? 0));
      // The main chart's run and its status line before the refusals: both must still be there after them.
      const mainShown = () =>
        v.page.evaluate(() => {
          const c = document.querySelector<HTMLElement>("[data-main-chart]");
          return c ? `${c.dataset.run}|${c.querySelector("[data-run-line]")?.textContent ?? "no status line"}` : null;
        });
      const shownBefore = await mainShown();
      // All refusals at once: each is synchronous, and none may start a run.
      const refused = await v.page.evaluate(
        ({ boxes, BAD }) => {
          const d = (window as any).descent;
          const out: { name: string; text: string; verdict: "handled" | "silent" | "other"; detail: string }[] = [];
          for (const name of boxes) {
            const el = d.inputs.get(name).element;
            const field = el.querySelector("input[type=number]") as HTMLInputElement;
            for (const text of BAD) {
              const before = el.value;
              field.value = text; // a number box turns "abc" into "", as a browser does
              const typed = field.value;
              if (d.accepts(name, typed)?.ok) continue; // valid for this box: tried below instead
              field.dispatchEvent(new Event("input", { bubbles: true }));
              const message = el.querySelector(".descent-input-message") as HTMLElement | null;
              const says = message && !message.hidden ? message.textContent ?? "" : "";
              const ok = says.includes(`(${name})`) && says.includes(JSON.stringify(typed)) && says.includes("accepted") && el.value === before;
              out.push({ name, text, verdict: ok ? "handled" : el.value === before ? "silent" : "other", detail: says || "no message" });
            }
            field.value = String(el.value); // put the box back as it was
          }
          return out;
        },
        { boxes, BAD },
      );
      await v.page.waitForTimeout(400);
      const runsAfterRefusals = await v.page.evaluate(() => Number(document.documentElement.dataset.runs ?? 0));
      for (const r of refused) {
        typedCounts.tried++;
        typedCounts[r.verdict]++;
        if (r.verdict !== "handled") failures.push(`${path} typed ${r.name}=${JSON.stringify(r.text)}: ${r.verdict} (${r.detail})`);
      }
      if (runsAfterRefusals !== runsBefore) {
        typedCounts.other++;
        failures.push(`${path}: refused typed values started ${runsAfterRefusals - runsBefore} runs`);
      }
      const shownAfter = await mainShown();
      if (shownAfter !== shownBefore) {
        typedCounts.other++;
        failures.push(`${path}: refused typed values changed the main chart's run: ${shownBefore} → ${shownAfter}`);
      }
      // One valid value per box (its minimum, maximum or default, whichever differs from the current value and the
      // box accepts): the element holds exactly that value, the URL carries it, no message; for the main input,
      // the main chart's next run is the run of exactly that value. (One input may feed several runs: a page's
      // epochs reruns every section, so the number of runs per change is not one in general.)
      for (const name of boxes) {
        const result = await v.page.evaluate((name) => {
          const d = (window as any).descent;
          // Every run the main chart shows from this change on (its data-run), to count the runs one value starts.
          const seen = new Set<number>();
          (window as any).__mainRuns = seen;
          // Which experiment each run is (a run's id arrives with its first snapshot): one cell may draw several
          // sections' charts (a schedule on MNIST and on a surface), each a run of its own.
          const w = window as any;
          if (!w.__runNames) {
            const names = (w.__runNames = new Map<number, string>());
            const lab = w.__descentLab;
            const start = lab.run.bind(lab);
            lab.run = (experiment: string, spec: unknown) =>
              (async function* () {
                for await (const snapshot of start(experiment, spec)) {
                  names.set(snapshot.run, experiment);
                  yield snapshot;
                }
              })();
          }
          const cell = window.__mainChartCell();
          w.__mainCell = cell;
          const shownRun = () => cell.querySelector<HTMLElement>("[data-main-chart]")?.dataset.run;
          const before = Number(shownRun() ?? 0);
          (window as any).__observer?.disconnect();
          // Only runs of this value: the previous box's run, still in flight when this box was typed into, may
          // draw its first snapshot after the change (and is cancelled by it); it was not started by it.
          const observer = new MutationObserver(() => {
            const shown = shownRun();
            const value = cell.querySelector<HTMLElement>("[data-main-chart]")?.dataset.mainValue;
            if (shown !== undefined && Number(shown) !== before && value === String((window as any).__typedTarget)) seen.add(Number(shown));
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-run"] });
          (window as any).__observer = observer;
          const { element: el, row } = d.inputs.get(name);
          const field = el.querySelector("input[type=number]") as HTMLInputElement;
          const target = [row.range[0], row.range[1], row.default].find((x: number) => x !== el.value && d.accepts(name, String(x))?.ok);
          if (target === undefined) return null;
          (window as any).__typedTarget = target;
          field.value = String(target);
          field.dispatchEvent(new Event("input", { bubbles: true }));
          const message = el.querySelector(".descent-input-message") as HTMLElement | null;
          const url = new URLSearchParams(location.search).get(name);
          // The main input's value is what run.js records per run (an optimizer form's: its lr, the first box).
          const mainInput = document.querySelector<HTMLElement>("[data-main-input]");
          const main = mainInput?.querySelector("input[type=number]") === field;
          return {
            target,
            value: el.value,
            url,
            message: message && !message.hidden ? message.textContent : "",
            isDefault: target === row.default,
            main,
            mainName: mainInput?.dataset.mainName ?? null,
          };
        }, name);
        if (result === null) continue; // no other value to try
        let mainRan = "";
        if (result.main) {
          // The main chart shows this value's run, its status line names the value, and it is the only run the
          // change started (checked once more after a second, so a late second run is caught too).
          const shown = await v.page
            .waitForFunction((t) => document.querySelector<HTMLElement>("[data-main-chart]")?.dataset.mainValue === t, String(result.target), { timeout: 60_000 })
            .then(() => true, () => false);
          await v.page.waitForTimeout(1000);
          const after = await v.page.evaluate(() => {
            const w = window as any;
            const c = document.querySelector<HTMLElement>("[data-main-chart]");
            const shown = Number((w.__mainCell as Element).querySelector<HTMLElement>("[data-main-chart]")?.dataset.run);
            // The runs of the main chart's own experiment (the one it shows now) that this change started.
            const runs = ([...w.__mainRuns] as number[]).filter((r) => w.__runNames.get(r) === w.__runNames.get(shown));
            return { value: c?.dataset.mainValue, line: c?.querySelector("[data-run-line]")?.textContent ?? "", runs };
          });
          const line = `${result.mainName} = ${result.target}`;
          if (!shown) mainRan = "the main chart never showed this value's run";
          else if (after.value !== String(result.target)) mainRan = `the main chart went on to the run of ${after.value}`;
          else if (!after.line.includes(line)) mainRan = `the status line says ${JSON.stringify(after.line)}, not ${JSON.stringify(line)}`;
          else if (after.runs.length !== 1) mainRan = `the change started ${after.runs.length} main runs (${after.runs.join(", ")})`;
        } else await v.page.waitForTimeout(100);
        typedCounts.tried++;
        const ok = result.value === result.target && result.message === "" && (result.isDefault ? result.url === null : Number(result.url) === result.target) && mainRan === "";
        if (ok) typedCounts.handled++;
        else {
          typedCounts.other++;
          failures.push(`${path} typed valid ${name}: ${JSON.stringify(result)}${mainRan ? ` (${mainRan})` : ""}`);
        }
      }
      const crash = await problemsOnPage(v.page, v.consoleErrors);
      if (crash.length) {
        typedCounts.crashed++;
        failures.push(`${path} typed: ${crash.join("; ")}`);
      }
      await v.page.close();
      const mine = failures.filter((f) => f.startsWith(`${path} typed`) || f.startsWith(`${path}: refused`));
      assert.deepEqual(mine, [], mine.join("\n"));
    });
  }
});
