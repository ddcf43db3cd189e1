// Writes src/data/digits-pytorch.json: the digits page's default export run under PyTorch, so the page's
// "PyTorch" column shows numbers a program printed, not numbers typed in. Rerun after changing the page's
// defaults (tests/unit/pytorch-exports.test.ts fails until the fixture's config matches them):
//   node --import tsx scripts/digits-pytorch.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digitsPyTorch, DIGITS_PAGE_DEFAULTS, pytorchCode } from "../lib/export/index.js";

const PYTHON = "/usr/bin/python3";
const config = digitsPyTorch(DIGITS_PAGE_DEFAULTS);
const file = join(mkdtempSync(join(tmpdir(), "digits-pytorch-")), "digits.py");
writeFileSync(file, pytorchCode(config));
const started = Date.now();
const out = execFileSync(PYTHON, [file, "data/digits.csv.gz"], { encoding: "utf8" });
const torch = execFileSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" }).trim();
const results = config.optimizers!.map(({ label }) => {
  const losses = out.split("\n").filter((l) => l.startsWith(`${label} epoch `)).map((l) => Number(l.split(" ").at(-1)));
  const m = out.match(new RegExp(`^${label}: test accuracy (\\S+) \\((\\d+) of (\\d+)\\), test loss (\\S+)$`, "m"));
  if (!m) throw new Error(`no result for ${label} in:\n${out}`);
  return { label, accuracy: Number(m[1]), correct: Number(m[2]), test: Number(m[3]), testLoss: Number(m[4]), losses };
});
const fixture = {
  what: "The digits page's default PyTorch export, run under torch: test accuracy and loss after the last epoch, mean training loss per epoch.",
  command: `node --import tsx scripts/digits-pytorch.ts  (runs: ${PYTHON} digits.py data/digits.csv.gz, digits.py = pytorchCode(digitsPyTorch(DIGITS_PAGE_DEFAULTS)))`,
  torch,
  seconds: Math.round((Date.now() - started) / 100) / 10,
  config: DIGITS_PAGE_DEFAULTS,
  results,
  printout: out,
};
writeFileSync("src/data/digits-pytorch.json", JSON.stringify(fixture, null, 1) + "\n");
console.log(results.map((r) => `${r.label}: ${r.accuracy}`).join(", "));
