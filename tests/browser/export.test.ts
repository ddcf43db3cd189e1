/**
 * Exports from a finished run: CSV and JSON carry the same numbers, SVG and PNG are real images, and the
 * PyTorch program names the page's optimizer and settings.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { parseCSV } from "../../lib/export/table.js";
import { dist, useSite } from "./site.js";
import { visit } from "./visit.js";


async function downloadOf(page: Page, panel: string, label: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(panel).getByRole("button", { name: label, exact: true }).click()]);
  return readFileSync((await download.path())!);
}

describe("export", () => {
  const site = useSite();

  test("the line fit's CSV and JSON parse back to the same rows; SVG, PNG and PyTorch are what they claim", async () => {
    const { page, consoleErrors } = await visit(site.browser, site.origin, "/gradient-descent?fit.epochs=100");
    const panel = '.descent-export[data-name^="line-fit"]';
    await page.locator(panel).first().waitFor({ timeout: 60_000 });
    await page.locator(`${panel} summary`).first().click();
    const csv = parseCSV((await downloadOf(page, panel, "CSV")).toString("utf8"));
    const json = JSON.parse((await downloadOf(page, panel, "JSON")).toString("utf8"));
    assert.equal(csv.length, 200, "train and validation loss for 100 epochs");
    assert.deepEqual(csv, json.rows, "CSV and JSON hold the same numbers");
    assert.equal(json.epochs, 100);
    assert.ok(csv.every((r) => typeof r.loss === "number" && Number.isFinite(r.loss)));
    const svg = (await downloadOf(page, panel, "SVG")).toString("utf8");
    assert.match(svg, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const png = await downloadOf(page, panel, "PNG");
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const py = (await downloadOf(page, panel, "PyTorch (.py)")).toString("utf8");
    assert.match(py, /\("SGD", torch\.optim\.SGD, \{"lr": 0\.00005, "momentum": 0\.9\}\)/);
    assert.match(py, /for step in range\(1, 101\):/);
    assert.match(py, /X_train = torch\.tensor\(/, "the page's data are in the program");
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
