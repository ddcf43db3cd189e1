import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import katex from "katex";
import { assigningLines, optimizers, symbols, texMacros } from "../../lib/optimizers/index.js";
import { extractRegions } from "../../scripts/build-engine.js";

const root = join(import.meta.dirname, "../..");

test("assigningLines finds assignments, not reads or comparisons", () => {
  const code = ["const m̂ = m.div(2);", "m = m.mul(β1);", "if (m === x) return;", "θ = θ.sub(m̂);", "let σ: T;", "σ = a;"].join("\n");
  assert.deepEqual(assigningLines(code, "m"), [1]);
  assert.deepEqual(assigningLines(code, "m̂"), [0]);
  assert.deepEqual(assigningLines(code, "θ"), [3]);
  assert.deepEqual(assigningLines(code, "σ"), [5]);
});

test("every \\sym in an optimizer's equation names a known symbol whose code computes it", () => {
  for (const def of Object.values(optimizers)) {
    const keys = [...def.tex.matchAll(/\\sym\{(\w+)\}/g)].map((m) => m[1]);
    assert.ok(keys.length >= 2, `${def.name} marks its symbols`);
    const source = readFileSync(join(root, `lib/optimizers/${def.name}.ts`), "utf8");
    // AdamW's moment lines come from Adam's shared step
    const code = extractRegions(source).update + (def.name === "adamw" ? extractRegions(readFileSync(join(root, "lib/optimizers/adam.ts"), "utf8")).update : "");
    for (const key of keys) {
      assert.ok(symbols[key], `${def.name}: \\sym{${key}} is in the symbol table`);
      assert.ok(assigningLines(code, symbols[key].code).length > 0, `${def.name}: a line of its code assigns ${symbols[key].code} (${key})`);
    }
  }
});

test("the equations render with KaTeX and carry data-sym attributes", () => {
  for (const def of Object.values(optimizers)) {
    const html = katex.renderToString(def.tex, {displayMode: true, throwOnError: true, macros: { ...texMacros }, trust: (c) => c.command === "\\htmlData", strict: false});
    assert.match(html, /data-sym="theta"/, def.name);
  }
});
