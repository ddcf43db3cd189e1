/**
 * The idx file format of the original MNIST distribution (LeCun, Cortes, Burges), parsed and validated from
 * bytes. Pure functions over Uint8Array: the data loaders read the files, these decide whether they are right.
 *
 * An idx file is a big-endian header followed by raw data:
 *   bytes 0–1  zero
 *   byte  2    element type (0x08 = unsigned byte; the only type MNIST uses)
 *   byte  3    number of dimensions d
 *   4·d bytes  each dimension's size, uint32 big-endian
 *   then       the elements, row-major
 * so the four-byte "magic number" is 2051 (0x00000803) for images [n, rows, cols] and 2049 (0x00000801) for
 * labels [n].
 *
 * Every error names the file (the `name` argument) and what is wrong with it.
 */
import type { Dataset } from "./dataset.js";

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  /** count·height·width bytes, image after image, row-major; a view into the input, not a copy. */
  pixels: Uint8Array;
}

function fail(name: string, problem: string): never {
  throw new Error(`${name}: ${problem}`);
}

function u32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** The header's magic number and dimension sizes, checked against the file's length. */
function header(bytes: Uint8Array, name: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) fail(name, "file is gzip-compressed; decompress it first");
  if (bytes.length >= 4) {
    const found = u32(bytes, 0);
    if (found !== magic) {
      const what = magic === IDX_IMAGES_MAGIC ? "images" : "labels";
      fail(name, `magic number is ${found}, expected ${magic} (idx ${what}: unsigned bytes, ${dims} dimension${dims > 1 ? "s" : ""})`);
    }
  }
  if (bytes.length < headerBytes) fail(name, `file is ${bytes.length} bytes, shorter than its ${headerBytes}-byte idx header`);
  const sizes: number[] = [];
  for (let d = 0; d < dims; d++) sizes.push(u32(bytes, 4 + 4 * d));
  const expected = headerBytes + sizes.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    fail(name, `file is ${bytes.length} bytes, but its header [${sizes.join(", ")}] needs ${expected} (${headerBytes}-byte header + data)`);
  }
  return sizes;
}

export interface ImageExpectations {
  count?: number;
  height?: number;
  width?: number;
}

/** Parses an idx3 image file (magic 2051) and checks the counts and sizes it is expected to have. */
export function parseIdxImages(bytes: Uint8Array, name: string, expect: ImageExpectations = {}): IdxImages {
  const [count, height, width] = header(bytes, name, IDX_IMAGES_MAGIC, 3);
  if (expect.count !== undefined && count !== expect.count) fail(name, `holds ${count} images, expected ${expect.count}`);
  if ((expect.height !== undefined && height !== expect.height) || (expect.width !== undefined && width !== expect.width)) {
    fail(name, `images are ${height}×${width}, expected ${expect.height ?? height}×${expect.width ?? width}`);
  }
  return { count, height, width, pixels: bytes.subarray(16) };
}

/** Parses an idx1 label file (magic 2049); every label must be below `classes`. */
export function parseIdxLabels(bytes: Uint8Array, name: string, expect: { count?: number; classes: number }): Uint8Array {
  const [count] = header(bytes, name, IDX_LABELS_MAGIC, 1);
  if (expect.count !== undefined && count !== expect.count) fail(name, `holds ${count} labels, expected ${expect.count}`);
  const labels = bytes.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= expect.classes) fail(name, `label ${i} is ${labels[i]}, outside 0–${expect.classes - 1}`);
  }
  return labels;
}

/** The real MNIST sizes, so a truncated or swapped file fails in the loader, not on a page. */
export const MNIST = {
  train: { count: 60_000, file: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" } },
  test: { count: 10_000, file: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" } },
  height: 28,
  width: 28,
  classes: 10,
} as const;

/**
 * One MNIST split from its two idx files, fully validated: magic numbers, counts (60,000 or 10,000), 28×28,
 * labels 0–9, and images and labels agreeing in number.
 */
export function parseMnistSplit(
  split: "train" | "test",
  images: Uint8Array,
  labels: Uint8Array,
  names: { images: string; labels: string } = MNIST[split].file,
): Dataset {
  const { count } = MNIST[split];
  const im = parseIdxImages(images, names.images, { count, height: MNIST.height, width: MNIST.width });
  const lb = parseIdxLabels(labels, names.labels, { count, classes: MNIST.classes });
  return { images: im.pixels, labels: lb, count, height: im.height, width: im.width, classes: MNIST.classes };
}

/** An idx file from parts, for tests and for anyone writing synthetic data in the original format. */
export function encodeIdx(magic: number, sizes: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * sizes.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  sizes.forEach((s, d) => view.setUint32(4 + 4 * d, s, false));
  out.set(data, 4 + 4 * sizes.length);
  return out;
}
