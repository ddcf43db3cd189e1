import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const root = join(import.meta.dirname, "../..");
/** The lines inside the file's ```js blocks: what a page made from the template must keep. */
const code = (file: string) => {
  let inJs = false;
  return readFileSync(join(root, file), "utf8").split("\n").filter((line) => {
    if (line.startsWith("```")) return (inJs = !inJs && line.startsWith("```js")), false;
    return inJs;
  });
};

test("the example page is the author template with only its prose and optimizer list changed (its code, line for line)", () => {
  const template = code("templates/page.md");
  const example = code("src/example.md");
  assert.equal(example.length, template.length);
  const changed = template.flatMap((line, i) => (line === example[i] ? [] : [line.trim()]));
  assert.deepEqual(changed, ['steps, choices: presetChoices(["sgd", "adam"], {lr})                     // the optimizers to compare']);
});

test("the template is about thirty lines of code", () => {
  const lines = code("templates/page.md").filter((l) => l.trim());
  assert.ok(lines.length <= 40, `${lines.length} lines`);
});
