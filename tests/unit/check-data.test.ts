/**
 * The build's raw-data check (scripts/check-data.ts), run on copies: a corrupted digits.csv.gz or MNIST idx file
 * stops the build with the file's name and the check that failed, even when Framework's loader cache would have
 * built the site from the old output. The real files are only read.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { mnistDirectory } from "../../src/data/mnist-files.js";

const root = join(import.meta.dirname, "../..");
const check = (env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/check-data.ts"], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });

/** A copy of the four idx files in a fresh directory, with `damage` applied to one of them. */
function mnistCopy(file: string, damage: (b: Buffer) => Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "mnist-broken-"));
  for (const f of ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
    copyFileSync(join(mnistDirectory(), f), join(dir, f));
  }
  writeFileSync(join(dir, file), damage(readFileSync(join(dir, file))));
  return dir;
}

describe("scripts/check-data.ts (run before every build)", () => {
  test("passes on the committed files", () => {
    const r = check();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /pass/);
  });

  test("a digits.csv.gz with one byte flipped fails with its path and the sha256 check", () => {
    const dir = mkdtempSync(join(tmpdir(), "digits-broken-"));
    const path = join(dir, "digits.csv.gz");
    const gz = readFileSync(join(root, "data/digits.csv.gz"));
    gz[gz.length >> 1] ^= 0xff;
    writeFileSync(path, gz);
    const r = check({ DESCENT_DIGITS_FILE: path });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`check-data: ${path.replace(/[.]/g, "\\.")}: sha256 is [0-9a-f]{64}, expected 46abec6b`));
  });

  test("an idx file with one pixel changed (headers and labels intact) fails with its path and the sha256 check", () => {
    const dir = mnistCopy("train-images-idx3-ubyte", (b) => {
      b[16 + 28 * 14 + 14] ^= 0x01;
      return b;
    });
    const r = check({ DESCENT_MNIST_DIR: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /check-data: .*train-images-idx3-ubyte: sha256 is [0-9a-f]{64}, expected ba891046/);
  });

  test("a truncated idx file fails with its path and the size its header needs", () => {
    const dir = mnistCopy("t10k-images-idx3-ubyte", (b) => b.subarray(0, 5000));
    const r = check({ DESCENT_MNIST_DIR: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /check-data: .*t10k-images-idx3-ubyte: file is 5000 bytes, but its header \[10000, 28, 28\] needs 7840016/);
  });

  test("an idx labels file with the wrong magic fails with its path and the magic it found", () => {
    const dir = mnistCopy("train-labels-idx1-ubyte", (b) => {
      b[3] = 0x03;
      return b;
    });
    const r = check({ DESCENT_MNIST_DIR: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /check-data: .*train-labels-idx1-ubyte: .*magic/i);
  });
});
