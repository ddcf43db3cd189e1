/**
 * The Node tfjs setup (scripts/node-tfjs.mjs, issue 10 item 7): the bundle's cache is keyed by content and
 * lives outside node_modules; any other way into tfjs-core is refused loudly; a test started without the flag
 * says so; package.json's `engines` is the Node version the script checks.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { describe, test } from "node:test";
import { cacheDir, checkNode } from "../../scripts/node-tfjs-rules.mjs";

const root = join(import.meta.dirname, "../..");
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 120_000 });

describe("the bundle's cache", () => {
  test("is keyed by the files' contents, not their modification times", () => {
    const dir = mkdtempSync(join(tmpdir(), "descent-cache-"));
    try {
      const a = join(dir, "a.json");
      const b = join(dir, "b.json");
      writeFileSync(a, '{"version": "4.22.0"}');
      writeFileSync(b, "export {};");
      const key = cacheDir(root, [a, b]);
      utimesSync(a, new Date(2001, 0, 1), new Date(2001, 0, 1));
      assert.equal(cacheDir(root, [a, b]), key, "touching a file changed the key");
      writeFileSync(a, '{"version": "4.22.1"}');
      assert.notEqual(cacheDir(root, [a, b]), key, "new contents kept the old key");
      // Bytes moved from one file to the next are a different input.
      writeFileSync(a, '{"version": "4.22.0"}e');
      writeFileSync(b, "xport {};");
      assert.notEqual(cacheDir(root, [a, b]), key);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("lives under .cache/ at the project root, outside node_modules", () => {
    const where = relative(root, cacheDir(root, [join(root, "package.json")]));
    assert.ok(where.startsWith(`.cache${sep}descent-node${sep}`), where);
    assert.ok(!where.split(sep).includes("node_modules"), where);
  });
});

describe("one copy of tfjs-core", () => {
  for (const specifier of ["@tensorflow/tfjs-core/dist/index.js", "@tensorflow/tfjs"]) {
    test(`importing "${specifier}" fails with a message that names it`, () => {
      const r = node(["--import", "./scripts/node-tfjs.mjs", "--input-type=module", "-e", `await import(${JSON.stringify(specifier)});`]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`node-tfjs: refusing to load "${specifier.replace(/[./]/g, "\\$&")}".*import "@tensorflow/tfjs-core" instead`));
    });
  }

  test("with the flag, tfjs-core is the bundle, with gradients", () => {
    const out = execFileSync(
      process.execPath,
      ["--import", "./scripts/node-tfjs.mjs", "--input-type=module", "-e", 'const tf = await import("@tensorflow/tfjs-core"); console.log(globalThis.__descentNodeTfjs, tf.grad((x) => tf.square(x))(tf.scalar(3)).dataSync()[0]);'],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(out.trim(), "true 6");
  });

  test("a test started without the flag stops at once and says how to run it", () => {
    const r = node(["--import", "tsx", "tests/helpers/node-tfjs.ts"]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /this test needs tfjs set up by scripts\/node-tfjs\.mjs: run it with `node --import tsx --import \.\/scripts\/node-tfjs\.mjs --test <file>`/);
  });
});

describe("the Node version", () => {
  const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines?.node as string;

  test("package.json's engines names it, and this Node meets it", () => {
    assert.match(engines, /^>=\d+\.\d+/);
    assert.doesNotThrow(() => checkNode(process.versions.node, engines));
  });

  test("an older Node is refused with both versions in the message", () => {
    assert.throws(() => checkNode("20.5.1", ">=20.6"), /Descent needs Node 20\.6 or newer \(package\.json "engines"\); this is Node 20\.5\.1/);
    assert.throws(() => checkNode("18.19.0", ">=20.6"), /this is Node 18\.19\.0/);
    assert.doesNotThrow(() => checkNode("20.6.0", ">=20.6"));
    assert.doesNotThrow(() => checkNode("22.1.0", ">=20.6"));
    assert.throws(() => checkNode("20.6.0", "^20"), /should read ">=X\.Y"/);
  });
});
