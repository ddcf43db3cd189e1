import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const root = join(import.meta.dirname, "../..");
const code = (file: string) => {
  const text = readFileSync(join(root, file), "utf8");
  return text.slice(text.indexOf("```js")).split("\n");
};

test("the example page is the author template with only its prose and optimizer list changed", () => {
  const template = code("templates/page.md");
  const example = code("src/example.md");
  assert.equal(example.length, template.length);
  const changed = template.flatMap((line, i) => (line === example[i] ? [] : [line.trim()]));
  assert.deepEqual(changed, ['choices: ["sgd", "adam"].map((key) => {                               // the optimizers to compare']);
});

test("the template is about thirty lines of code", () => {
  const lines = code("templates/page.md").filter((l) => l.trim() && !l.startsWith("```"));
  assert.ok(lines.length <= 40, `${lines.length} lines`);
});
