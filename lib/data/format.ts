/**
 * Descent's compact binary format for labelled uint8 image sets (what `src/data/mnist-*.bin` hold).
 *
 * Layout, all integers little-endian uint32:
 *
 *   offset  size            field
 *   0       4               magic, the ASCII bytes "DSC1" (0x44 0x53 0x43 0x31)
 *   4       4               count   — number of images
 *   8       4               height  — rows per image
 *   12      4               width   — columns per image
 *   16      4               classes — labels are 0 … classes−1
 *   20      4               reserved, 0
 *   24      count·h·w       pixels, uint8, image after image, row-major (as in the idx files)
 *   24+c·h·w  count         labels, uint8
 *
 * 24 header bytes + 785 bytes per 28×28 image: no compression, no parsing beyond the header, and
 * `decodeDataset` returns views into the fetched ArrayBuffer (no copy). MNIST's full training set is
 * 47.1 MB in this format, the test set 7.85 MB.
 */
import type { Dataset } from "./dataset.js";

export const FORMAT_MAGIC = "DSC1";
export const HEADER_BYTES = 24;

/** Bytes an encoded dataset takes. */
export function encodedBytes(count: number, height: number, width: number): number {
  return HEADER_BYTES + count * height * width + count;
}

export function encodeDataset(ds: Dataset): Uint8Array {
  if (!(ds.images instanceof Uint8Array)) throw new Error("encodeDataset: images must be Uint8Array (raw pixels)");
  const pixels = ds.count * ds.height * ds.width;
  if (ds.images.length !== pixels) throw new Error(`encodeDataset: ${ds.images.length} pixels, expected ${pixels}`);
  if (ds.labels.length !== ds.count) throw new Error(`encodeDataset: ${ds.labels.length} labels, expected ${ds.count}`);
  const out = new Uint8Array(encodedBytes(ds.count, ds.height, ds.width));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = FORMAT_MAGIC.charCodeAt(i);
  view.setUint32(4, ds.count, true);
  view.setUint32(8, ds.height, true);
  view.setUint32(12, ds.width, true);
  view.setUint32(16, ds.classes, true);
  view.setUint32(20, 0, true);
  out.set(ds.images, HEADER_BYTES);
  out.set(ds.labels, HEADER_BYTES + pixels);
  return out;
}

/**
 * A dataset from the bytes of a `.bin` file (`await FileAttachment("data/mnist-subset.bin").arrayBuffer()`).
 * `name` goes into error messages. Images and labels are views into `buffer`.
 */
export function decodeDataset(buffer: ArrayBuffer | Uint8Array, name = "dataset"): Dataset {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < HEADER_BYTES) throw new Error(`${name}: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FORMAT_MAGIC) throw new Error(`${name}: magic is ${JSON.stringify(magic)}, expected "${FORMAT_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const height = view.getUint32(8, true);
  const width = view.getUint32(12, true);
  const classes = view.getUint32(16, true);
  const expected = encodedBytes(count, height, width);
  if (bytes.length !== expected) {
    throw new Error(`${name}: ${bytes.length} bytes, but a header of ${count} images of ${height}×${width} needs ${expected}`);
  }
  const pixels = count * height * width;
  const images = bytes.subarray(HEADER_BYTES, HEADER_BYTES + pixels);
  const labels = bytes.subarray(HEADER_BYTES + pixels);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes) throw new Error(`${name}: label ${i} is ${labels[i]}, outside 0–${classes - 1}`);
  }
  return { images, labels, count, height, width, classes };
}
