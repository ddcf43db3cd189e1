/**
 * scikit-learn's "digits" (the Adam-on-digits notebook): 1,797 handwritten digits as 8×8 images of counts 0–16, read from the
 * project's own `data/digits.csv.gz` (see data/README.md) and checked on the way in.
 *
 * Pure functions only: the loader (src/data/digits.bin.ts) reads and unzips the file and hashes it, and
 * hands the text and the hash here; the page decodes the loader's .bin and splits it here. Every check
 * throws an Error that names the file and what is wrong with it.
 */
import type { Dataset } from "./dataset.js";

export const DIGITS = Object.freeze({
  file: "data/digits.csv.gz",
  sha256: "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a",
  rows: 1797,
  height: 8,
  width: 8,
  features: 64,
  classes: 10,
  /** Largest pixel value: each pixel counts the set bits of a 4×4 block of the 32×32 original. */
  maxPixel: 16,
  /** The Adam-on-digits notebook's `train_test_split(test_size=0.5, shuffle=False)`: the first 898 rows train, the last 899 test. */
  train: 898,
  test: 899,
});

/** Throws unless `actual` (hex) is the sha256 the project committed for data/digits.csv.gz. */
export function checkDigitsSha256(actual: string, name: string = DIGITS.file): void {
  if (actual.toLowerCase() !== DIGITS.sha256) {
    throw new Error(`${name}: sha256 is ${actual}, expected ${DIGITS.sha256} (the file is not the committed copy of sklearn's digits)`);
  }
}

/**
 * Parses the CSV text (already unzipped): exactly 1,797 rows of 65 integers, 64 pixels in 0–16 and a label
 * in 0–9 last. A trailing newline is allowed; blank lines elsewhere, decimals, signs and spaces are not.
 */
export function parseDigitsCsv(text: string, name: string = DIGITS.file): Dataset {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const { rows, features, classes, maxPixel } = DIGITS;
  if (lines.length !== rows) throw new Error(`${name}: ${lines.length} rows, expected ${rows}`);
  const images = new Uint8Array(rows * features);
  const labels = new Uint8Array(rows);
  const int = /^\d{1,3}$/;
  for (let r = 0; r < rows; r++) {
    const line = lines[r].endsWith("\r") ? lines[r].slice(0, -1) : lines[r];
    const cells = line.split(",");
    if (cells.length !== features + 1) throw new Error(`${name}: row ${r + 1} has ${cells.length} values, expected ${features + 1} (64 pixels and a label)`);
    for (let c = 0; c <= features; c++) {
      const s = cells[c];
      if (!int.test(s)) throw new Error(`${name}: row ${r + 1}, column ${c + 1} is ${JSON.stringify(s)}, not a non-negative integer`);
      const v = Number(s);
      if (c < features) {
        if (v > maxPixel) throw new Error(`${name}: row ${r + 1}, pixel ${c + 1} is ${v}, outside 0–${maxPixel}`);
        images[r * features + c] = v;
      } else {
        if (v >= classes) throw new Error(`${name}: row ${r + 1} has label ${v}, outside 0–${classes - 1}`);
        labels[r] = v;
      }
    }
  }
  return { images, labels, count: rows, height: DIGITS.height, width: DIGITS.width, classes };
}

/** Checks a decoded dataset is the digits (shape, pixel range, labels): the page runs it on the loader's .bin. */
export function checkDigits(ds: Dataset, name = "digits.bin"): Dataset {
  const { rows, height, width, classes, maxPixel } = DIGITS;
  if (ds.count !== rows) throw new Error(`${name}: ${ds.count} images, expected ${rows}`);
  if (ds.height !== height || ds.width !== width) throw new Error(`${name}: images are ${ds.height}×${ds.width}, expected ${height}×${width}`);
  if (ds.classes !== classes) throw new Error(`${name}: ${ds.classes} classes, expected ${classes}`);
  for (let i = 0; i < ds.images.length; i++) {
    const v = ds.images[i];
    if (!(v >= 0 && v <= maxPixel)) throw new Error(`${name}: pixel ${i % 64} of image ${Math.floor(i / 64)} is ${v}, outside 0–${maxPixel}`);
  }
  for (let i = 0; i < ds.count; i++) if (ds.labels[i] >= classes) throw new Error(`${name}: label ${i} is ${ds.labels[i]}, outside 0–${classes - 1}`);
  return ds;
}

/** Rows [start, end) as a new dataset (copies). */
export function sliceRows(ds: Dataset, start: number, end: number): Dataset {
  const f = ds.height * ds.width;
  if (!(start >= 0 && start <= end && end <= ds.count)) throw new Error(`sliceRows: [${start}, ${end}) is outside 0–${ds.count}`);
  return { ...ds, images: ds.images.slice(start * f, end * f), labels: ds.labels.slice(start, end), count: end - start };
}

/** The Adam-on-digits notebook's split, without shuffling: the first 898 rows train, the other 899 test. */
export function splitDigits(ds: Dataset): { train: Dataset; test: Dataset } {
  checkDigits(ds);
  return { train: sliceRows(ds, 0, DIGITS.train), test: sliceRows(ds, DIGITS.train, ds.count) };
}

/** The images as float32 features, each value multiplied by `scale` (the Adam-on-digits notebook divides or multiplies by 50 or 5). */
export function toFeatures(ds: Pick<Dataset, "images">, scale = 1): Float32Array {
  const out = new Float32Array(ds.images.length);
  for (let i = 0; i < out.length; i++) out[i] = ds.images[i] * scale;
  return out;
}

/** Per-feature mean and population standard deviation (numpy's `np.std`, ddof 0) of `count` rows. */
export function columnStats(x: ArrayLike<number>, features: number): { mean: Float64Array; std: Float64Array } {
  const count = x.length / features;
  if (!Number.isInteger(count) || count < 1) throw new Error(`columnStats: ${x.length} values is not a whole number of ${features}-feature rows`);
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (let r = 0; r < count; r++) for (let j = 0; j < features; j++) mean[j] += x[r * features + j];
  for (let j = 0; j < features; j++) mean[j] /= count;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < features; j++) {
      const d = x[r * features + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < features; j++) std[j] = Math.sqrt(std[j] / count);
  return { mean, std };
}

/**
 * (x − mean) / (std + eps), feature by feature, with the statistics of the TRAINING rows (the Adam-on-digits notebook's cell,
 * eps = 1e-8). A feature that never varies in the training rows (three corner pixels of the digits are always
 * 0) has std 0: there it divides by eps, as the seed does, unless `constant: "zero"` maps it to 0 (sklearn's
 * StandardScaler divides by 1 instead, same result for a constant-0 column).
 */
export function standardize(
  x: ArrayLike<number>,
  stats: { mean: ArrayLike<number>; std: ArrayLike<number> },
  { eps = 1e-8, constant = "eps" }: { eps?: number; constant?: "eps" | "zero" } = {},
): Float32Array {
  const features = stats.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % features;
    const s = stats.std[j];
    out[i] = s === 0 && constant === "zero" ? 0 : (x[i] - stats.mean[j]) / (s + eps);
  }
  return out;
}

/**
 * k contiguous folds of n rows, unshuffled, like sklearn's `KFold(k)`: the first n mod k folds get one row
 * more. Returns [start, end) of each fold's test rows; the rest of the rows train.
 */
export function kFolds(n: number, k: number): [number, number][] {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new Error(`kFolds: k must be an integer in 2–${n}, got ${k}`);
  const out: [number, number][] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    out.push([start, start + size]);
    start += size;
  }
  return out;
}

/** One fold: rows [start, end) test, every other row (in order) trains. */
export function foldSplit(
  x: Float32Array,
  labels: Uint8Array,
  features: number,
  [start, end]: [number, number],
): { xTrain: Float32Array; yTrain: Uint8Array; xTest: Float32Array; yTest: Uint8Array } {
  const n = labels.length;
  const xTrain = new Float32Array((n - (end - start)) * features);
  xTrain.set(x.subarray(0, start * features), 0);
  xTrain.set(x.subarray(end * features), start * features);
  const yTrain = new Uint8Array(n - (end - start));
  yTrain.set(labels.subarray(0, start), 0);
  yTrain.set(labels.subarray(end), start);
  return { xTrain, yTrain, xTest: x.slice(start * features, end * features), yTest: labels.slice(start, end) };
}

/** The pixels that are 0 in every image of `ds` (σ = 0: standardising divides them by ε alone). */
export function constantPixels(ds: Dataset): number[] {
  const { std } = columnStats(toFeatures(ds), ds.height * ds.width);
  return [...std.keys()].filter((j) => std[j] === 0);
}
