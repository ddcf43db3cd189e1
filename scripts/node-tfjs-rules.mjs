// The rules node-tfjs.mjs applies, in a module of their own so tests/unit/node-tfjs.test.ts can check them
// without building anything. The bundle is cached in `.cache/descent-node/<key>/` at the project root —
// outside node_modules, which `npm ci` wipes — with the key a hash of the *contents* of the files that go into
// it (not their mtimes, which a checkout, a copy or `touch` changes without changing what is built).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The cache folder for a bundle built from `files`, under `root`. */
export function cacheDir(root, files) {
  const hash = createHash("sha256");
  for (const f of files) {
    const bytes = readFileSync(f);
    // Length first, so moving bytes from one file to the next cannot give the same key.
    hash.update(`${bytes.length}\n`);
    hash.update(bytes);
  }
  return join(root, ".cache", "descent-node", hash.digest("hex").slice(0, 16));
}

/**
 * Throws unless Node `version` ("20.20.2") meets package.json's `engines.node` (">=20.6"): the one place the
 * minimum is written. `module.register`, which the loader hook needs, came in Node 20.6.
 */
export function checkNode(version, engines) {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(engines ?? "");
  if (!m) throw new Error(`node-tfjs: package.json "engines.node" should read ">=X.Y", got ${JSON.stringify(engines)}`);
  const need = m.slice(1).map((d) => Number(d ?? 0));
  const have = version.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] > need[i]) return;
    if (have[i] < need[i]) throw new Error(`Descent needs Node ${engines.replace(/^>=\s*/, "")} or newer (package.json "engines"); this is Node ${version}`);
  }
}
