/**
 * Where the PyTorch reference fixtures live: $PARITY_FIXTURES_DIR, else ../shared/fixtures next to the project
 * (same layout either way: torch-optim/, torch-optim-2.13/, hessian/).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = join(import.meta.dirname, "../..");

export const fixturesDir = resolve(process.env.PARITY_FIXTURES_DIR ?? join(root, "../shared/fixtures"));

/** A fixture's parsed JSON; fails (never skips) when the file is missing. */
export function readFixture<T>(kind: "hessian" | "torch-optim" | "torch-optim-2.13", name: string): T {
  const file = join(fixturesDir, kind, `${name}.json`);
  assert.ok(existsSync(file), `missing fixture ${file} (set PARITY_FIXTURES_DIR or provide ../shared/fixtures)`);
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
