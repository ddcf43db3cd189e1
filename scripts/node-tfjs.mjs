// Loaded with `node --import ./scripts/node-tfjs.mjs` by every Node entry point (tests, bench helpers).
//
// tfjs-core's Node build (dist/tf-core.node.js) registers no gradients, and its gradient modules exist only
// as ESM files that would load a second, separate copy of tfjs-core. So in Node, as in the browser, we use
// one esbuild bundle of tfjs-core + all gradients + the cpu backend, and point every import of
// "@tensorflow/tfjs-core" (and "-backend-cpu") at it. Rebuilt when missing or older than package-lock.json.
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "node_modules/.cache/descent");
const bundle = join(dir, "tfjs-node.mjs");
const lock = join(root, "package-lock.json");

if (!existsSync(bundle) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(bundle).mtimeMs)) {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "tfjs-node-entry.mjs");
  writeFileSync(
    entry,
    [
      'export * from "@tensorflow/tfjs-core";',
      'import "@tensorflow/tfjs-core/dist/register_all_gradients";',
      'import "@tensorflow/tfjs-backend-cpu";',
      'import { env } from "@tensorflow/tfjs-core";',
      "// Tests and scripts run on the cpu backend on purpose; skip tfjs-node's advertisement.",
      'env().set("IS_NODE", false);',
      "",
    ].join("\n"),
  );
  buildSync({
    entryPoints: [entry],
    outfile: bundle,
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
}

register(pathToFileURL(join(root, "scripts/node-tfjs-hooks.mjs")), { data: { bundle: pathToFileURL(bundle).href } });
