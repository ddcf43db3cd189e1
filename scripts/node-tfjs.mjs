// Loaded with `node --import ./scripts/node-tfjs.mjs` by every Node entry point (tests, bench helpers).
//
// tfjs-core's Node build (dist/tf-core.node.js) registers no gradients, and its gradient modules exist only
// as ESM files that would load a second, separate copy of tfjs-core. So in Node, as in the browser, we use
// one esbuild bundle of tfjs-core + all gradients + the cpu backend, and point every import of
// "@tensorflow/tfjs-core" (and "-backend-cpu") at it.
//
// The bundle is cached in `.cache/descent-node/<hash>/` at the project root (outside node_modules, which
// `npm ci` wipes), keyed by the content of what goes into it: the installed tfjs packages' package.json
// files and this script. Several checkouts or test processes may build it at once, so it is written to a
// temporary file and renamed into place (a reader never sees half a file).
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cacheDir, checkNode } from "./node-tfjs-rules.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
checkNode(process.versions.node, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines?.node);
const inputs = ["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-cpu"].map((p) => join(root, "node_modules", p, "package.json"));
for (const f of inputs) if (!existsSync(f)) throw new Error(`node-tfjs: ${f} is missing; run \`npm ci\` first`);
const dir = cacheDir(root, [...inputs, fileURLToPath(import.meta.url)]);
const bundle = join(dir, "tfjs-node.mjs");

if (!existsSync(bundle)) {
  mkdirSync(dir, { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  const result = buildSync({
    stdin: {
      contents: [
        'export * from "@tensorflow/tfjs-core";',
        'import "@tensorflow/tfjs-core/dist/register_all_gradients";',
        'import "@tensorflow/tfjs-backend-cpu";',
        'import { env } from "@tensorflow/tfjs-core";',
        "// Tests and scripts run on the cpu backend on purpose; skip tfjs-node's advertisement.",
        'env().set("IS_NODE", false);',
        "// Mark the one copy, so a test can tell it was loaded through this hook.",
        'globalThis.__descentNodeTfjs = true;',
        "",
      ].join("\n"),
      resolveDir: root,
      sourcefile: "tfjs-node-entry.mjs",
    },
    write: false,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
    // tfjs's Node platform code calls require("util") at run time.
    banner: { js: 'import { createRequire as __descentRequire } from "node:module"; const require = __descentRequire(import.meta.url);' },
    // Resolve "@tensorflow/*" to their ESM sources, so there is one copy of tfjs-core.
    mainFields: ["module", "main"],
    nodePaths: [join(root, "node_modules")],
  });
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, bundle);
}

register(pathToFileURL(join(root, "scripts/node-tfjs-hooks.mjs")), { data: { bundle: pathToFileURL(bundle).href } });
