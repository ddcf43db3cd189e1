/**
 * sklearn's digits (the Adam-on-digits notebook): the committed file, its parsing and validation, the loader, the unshuffled
 * 898/899 split, standardisation and k-fold splits.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { labelHistogram } from "../../lib/data/dataset.js";
import {
  checkDigits,
  checkDigitsSha256,
  columnStats,
  DIGITS,
  foldSplit,
  kFolds,
  parseDigitsCsv,
  splitDigits,
  standardize,
  toFeatures,
} from "../../lib/data/digits.js";
import { decodeDataset } from "../../lib/data/format.js";

const root = join(import.meta.dirname, "../..");
const gz = readFileSync(join(root, DIGITS.file));
const csv = gunzipSync(gz).toString("utf8");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("data/digits.csv.gz", () => {
  test("is the committed copy (sha256)", () => {
    assert.equal(sha(gz), DIGITS.sha256);
    checkDigitsSha256(sha(gz));
    assert.throws(() => checkDigitsSha256("00".repeat(32), "x.csv.gz"), /^Error: x\.csv\.gz: sha256 is 0000.*expected 46abec6b/);
  });

  const ds = parseDigitsCsv(csv);

  test("parses to 1,797 images of 8×8 pixels in 0–16 with labels 0–9", () => {
    assert.equal(ds.count, 1797);
    assert.equal(ds.images.length, 1797 * 64);
    assert.deepEqual([ds.height, ds.width, ds.classes], [8, 8, 10]);
    assert.equal(Math.max(...ds.images), 16);
    assert.equal(Math.min(...ds.images), 0);
    // sklearn documents ~180 images per class; these are the exact counts of load_digits().target.
    assert.deepEqual(labelHistogram(ds), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    // The first row of the file, pixel by pixel (sklearn's digits.images[0] is a 0).
    assert.deepEqual(Array.from(ds.images.subarray(0, 16)), [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]);
    assert.equal(ds.labels[0], 0);
  });

  test("checksum of the parsed pixels and labels", () => {
    // Fixed by the committed file; a change in parsing (or the file) changes it.
    const h = createHash("sha256").update(ds.images).update(ds.labels).digest("hex");
    assert.equal(h, PARSED_SHA256);
    let sum = 0;
    for (const v of ds.images) sum += v;
    assert.equal(sum, PIXEL_SUM);
  });

  test("splits 898 train / 899 test without shuffling: the first 898 rows train", () => {
    const { train, test: held } = splitDigits(ds);
    assert.equal(train.count, 898);
    assert.equal(held.count, 899);
    assert.equal(train.images.length, 898 * 64);
    assert.equal(held.images.length, 899 * 64);
    assert.deepEqual(train.images, ds.images.subarray(0, 898 * 64));
    assert.deepEqual(held.images, ds.images.subarray(898 * 64));
    assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(held.labels, ds.labels.subarray(898));
    assert.equal(labelHistogram(train).reduce((a, b) => a + b), 898);
  });
});

describe("parseDigitsCsv fails loudly, naming the file and the problem", () => {
  const lines = csv.trimEnd().split("\n");
  const bad = (edit: (ls: string[]) => string[]) => edit([...lines]).join("\n") + "\n";
  const cases: [string, string, RegExp][] = [
    ["a missing row", bad((ls) => ls.slice(1)), /^Error: f\.csv: 1796 rows, expected 1797$/],
    ["a row of 64 values", bad((ls) => ((ls[4] = ls[4].replace(/,\d+$/, "")), ls)), /^Error: f\.csv: row 5 has 64 values, expected 65/],
    ["a pixel of 17", bad((ls) => ((ls[2] = "17" + ls[2].slice(ls[2].indexOf(","))), ls)), /^Error: f\.csv: row 3, pixel 1 is 17, outside 0–16$/],
    ["a label of 10", bad((ls) => ((ls[0] = ls[0].replace(/,\d+$/, ",10")), ls)), /^Error: f\.csv: row 1 has label 10, outside 0–9$/],
    ["a decimal", bad((ls) => ((ls[7] = "3.5" + ls[7].slice(ls[7].indexOf(","))), ls)), /^Error: f\.csv: row 8, column 1 is "3\.5", not a non-negative integer$/],
    ["an empty cell", bad((ls) => ((ls[9] = ls[9].slice(ls[9].indexOf(","))), ls)), /^Error: f\.csv: row 10, column 1 is "", not a non-negative integer$/],
  ];
  for (const [what, text, message] of cases) {
    test(what, () => assert.throws(() => parseDigitsCsv(text, "f.csv"), message));
  }

  test("CRLF line ends and no trailing newline are accepted", () => {
    assert.equal(parseDigitsCsv(lines.join("\r\n")).count, 1797);
  });

  test("checkDigits rejects a decoded set of the wrong shape or range", () => {
    const ds = parseDigitsCsv(csv);
    assert.throws(() => checkDigits({ ...ds, count: 10 }, "d.bin"), /^Error: d\.bin: 10 images, expected 1797$/);
    const images = ds.images.slice();
    images[70] = 200;
    assert.throws(() => checkDigits({ ...ds, images }, "d.bin"), /d\.bin: pixel 6 of image 1 is 200, outside 0–16/);
  });
});

describe("loader src/data/digits.bin.ts", () => {
  const run = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/data/digits.bin.ts"], { cwd: root, env: { ...process.env, ...env }, encoding: "buffer" });

  test("writes all 1,797 rows in the .bin format", () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr.toString());
    const ds = decodeDataset(new Uint8Array(r.stdout), "digits.bin");
    checkDigits(ds);
    assert.deepEqual(ds.images, parseDigitsCsv(csv).images);
  });

  test("exits 1 naming the file when it is not the committed copy", () => {
    const dir = mkdtempSync(join(tmpdir(), "digits-"));
    const path = join(dir, "digits.csv.gz");
    writeFileSync(path, gzipSync(csv.replace(/\n[^\n]*\n$/, "\n")));
    const r = run({ DESCENT_DIGITS_FILE: path });
    assert.equal(r.status, 1);
    assert.match(r.stderr.toString(), new RegExp(`digits\\.bin\\.ts: ${path.replace(/[.]/g, "\\.")}: sha256 is [0-9a-f]{64}, expected 46abec6b`));
    const missing = run({ DESCENT_DIGITS_FILE: join(dir, "nope.csv.gz") });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr.toString(), /nope\.csv\.gz: cannot read/);
  });
});

describe("features", () => {
  const { train, test: testRows } = splitDigits(parseDigitsCsv(csv));

  test("toFeatures scales the pixels", () => {
    const x = toFeatures(train, 50);
    assert.equal(x[2], 250);
    assert.equal(toFeatures(train, 1 / 5)[3], Math.fround(13 / 5));
  });

  test("standardize uses the training rows' mean and population std; constant pixels divide by eps as the seed does", () => {
    const x = toFeatures(train);
    const stats = columnStats(x, 64);
    const z = standardize(x, stats);
    const zs = columnStats(z, 64);
    for (let j = 0; j < 64; j++) {
      if (stats.std[j] === 0) {
        assert.equal(zs.mean[j], 0, `pixel ${j} is constant in the training rows`);
      } else {
        assert.ok(Math.abs(zs.mean[j]) < 1e-5, `mean of pixel ${j}`);
        assert.ok(Math.abs(zs.std[j] - 1) < 1e-5, `std of pixel ${j}`);
      }
    }
    // Pixels 0, 32 and 39 never light up in the first 898 rows.
    assert.deepEqual([...stats.std.keys()].filter((j) => stats.std[j] === 0), [0, 32, 39]);
    const t = standardize(toFeatures(testRows), stats);
    assert.equal(t.length, 899 * 64);
  });

  test("kFolds matches sklearn's KFold: contiguous, the first n mod k folds one longer", () => {
    assert.deepEqual(kFolds(1797, 5), [[0, 360], [360, 720], [720, 1079], [1079, 1438], [1438, 1797]]);
    assert.throws(() => kFolds(10, 1), /k must be an integer in 2–10, got 1/);
    const x = Float32Array.from({ length: 10 * 2 }, (_, i) => i);
    const y = Uint8Array.from({ length: 10 }, (_, i) => i);
    const s = foldSplit(x, y, 2, [3, 6]);
    assert.deepEqual(Array.from(s.yTrain), [0, 1, 2, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(s.yTest), [3, 4, 5]);
    assert.deepEqual(Array.from(s.xTest), [6, 7, 8, 9, 10, 11]);
    assert.deepEqual(Array.from(s.xTrain.subarray(4, 8)), [4, 5, 12, 13]);
  });
});

// Computed independently in Python (the 1,797×64 pixel bytes, then the 1,797 label bytes).
const PARSED_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826";
const PIXEL_SUM = 561718;
