import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  augment,
  batches,
  cropPadded,
  decodeDataset,
  encodeDataset,
  encodeIdx,
  epochBatches,
  epochOrder,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  labelHistogram,
  normalize,
  parseIdxImages,
  parseIdxLabels,
  pixelStats,
  rotate,
  stratifiedIndices,
  take,
  type Dataset,
} from "../../lib/data/index.js";
import { rng } from "../../lib/random.js";

/** n synthetic h×w uint8 images whose pixels encode (image, position), and labels i mod classes. */
function synthetic(n: number, h = 4, w = 3, classes = 3): Dataset {
  const images = new Uint8Array(n * h * w);
  for (let i = 0; i < images.length; i++) images[i] = (i * 7) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % classes);
  return { images, labels, count: n, height: h, width: w, classes };
}

describe("idx parsing", () => {
  const ds = synthetic(5);
  const images = encodeIdx(IDX_IMAGES_MAGIC, [5, 4, 3], ds.images as Uint8Array);
  const labels = encodeIdx(IDX_LABELS_MAGIC, [5], ds.labels);

  it("parseIdxImages(bytes) reads count, size and pixels", () => {
    const im = parseIdxImages(images, "x-images", { count: 5, height: 4, width: 3 });
    assert.deepEqual([im.count, im.height, im.width], [5, 4, 3]);
    assert.deepEqual(im.pixels, ds.images);
  });

  it("parseIdxLabels(bytes) reads labels", () => {
    assert.deepEqual(parseIdxLabels(labels, "x-labels", { count: 5, classes: 3 }), ds.labels);
  });

  it("a swapped file fails on its magic number, naming the file", () => {
    assert.throws(() => parseIdxImages(labels, "train-images-idx3-ubyte"), /^Error: train-images-idx3-ubyte: magic number is 2049, expected 2051/);
    assert.throws(() => parseIdxLabels(images, "train-labels-idx1-ubyte", { classes: 10 }), /train-labels-idx1-ubyte: magic number is 2051, expected 2049/);
  });

  it("a truncated file fails on its length", () => {
    assert.throws(() => parseIdxImages(images.subarray(0, images.length - 1), "cut"), /cut: file is 75 bytes, but its header \[5, 4, 3\] needs 76/);
    assert.throws(() => parseIdxImages(images.subarray(0, 10), "tiny"), /tiny: file is 10 bytes, shorter than its 16-byte idx header/);
  });

  it("a gzipped file is named as such", () => {
    const gz = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => parseIdxImages(gz, "g"), /g: file is gzip-compressed/);
  });

  it("wrong counts, sizes and label ranges fail clearly", () => {
    assert.throws(() => parseIdxImages(images, "f", { count: 60_000 }), /f: holds 5 images, expected 60000/);
    assert.throws(() => parseIdxImages(images, "f", { height: 28, width: 28 }), /f: images are 4×3, expected 28×28/);
    const bad = labels.slice();
    bad[8 + 3] = 10;
    assert.throws(() => parseIdxLabels(bad, "f", { classes: 10 }), /f: label 3 is 10, outside 0–9/);
  });
});

describe("the .bin format", () => {
  it("decodeDataset(encodeDataset(ds)) round-trips, with views not copies", () => {
    const ds = synthetic(7, 5, 2, 4);
    const bytes = encodeDataset(ds);
    assert.equal(bytes.length, 24 + 7 * 10 + 7);
    assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0x44, 0x53, 0x43, 0x31]); // "DSC1"
    const back = decodeDataset(bytes.buffer as ArrayBuffer);
    assert.deepEqual(back, ds);
    assert.equal(back.images.buffer, bytes.buffer);
  });

  it("decodeDataset rejects wrong magic, wrong length and bad labels, naming the file", () => {
    const bytes = encodeDataset(synthetic(3));
    const wrong = bytes.slice();
    wrong[0] = 0x58;
    assert.throws(() => decodeDataset(wrong, "mnist-test.bin"), /mnist-test.bin: magic is "XSC1", expected "DSC1"/);
    assert.throws(() => decodeDataset(bytes.subarray(0, bytes.length - 1), "m"), /m: 62 bytes, but a header of 3 images of 4×3 needs 63/);
    const label = bytes.slice();
    label[label.length - 1] = 3;
    assert.throws(() => decodeDataset(label, "m"), /m: label 2 is 3, outside 0–2/);
  });
});

describe("datasets", () => {
  it("labelHistogram counts labels", () => {
    assert.deepEqual(labelHistogram(synthetic(7)), [3, 2, 2]);
  });

  it("pixelStats gives the population mean and std of x / scale", () => {
    const s = pixelStats({ images: Uint8Array.from([0, 255, 0, 255]) });
    assert.equal(s.mean, 0.5);
    assert.equal(s.std, 0.5);
    const f = pixelStats({ images: Float32Array.from([1, 2, 3, 4]) }, 1);
    assert.ok(Math.abs(f.std - Math.sqrt(1.25)) < 1e-12);
  });

  it("stratifiedIndices takes the first perClass images of each class, in file order", () => {
    const ds = { labels: Uint8Array.from([2, 0, 0, 1, 2, 0, 1, 2]), classes: 3 };
    assert.deepEqual(Array.from(stratifiedIndices(ds, 2)), [0, 1, 2, 3, 4, 6]);
    assert.throws(() => stratifiedIndices(ds, 3), /class 1 has only 2 images, fewer than 3/);
  });

  it("take copies images and labels in the order given", () => {
    const ds = synthetic(4);
    const t = take(ds, [3, 0]);
    assert.deepEqual(Array.from(t.labels), [0, 0]);
    assert.deepEqual(t.images.subarray(0, 12), ds.images.subarray(36, 48));
    assert.throws(() => take(ds, [4]), /index 4 outside 0–3/);
  });

  it("normalize computes (x / scale − mean) / std", () => {
    const out = normalize(Uint8Array.from([0, 255]), { scale: 255, mean: 0.1307, std: 0.3081 });
    assert.ok(Math.abs(out[0] - -0.1307 / 0.3081) < 1e-6);
    assert.ok(Math.abs(out[1] - (1 - 0.1307) / 0.3081) < 1e-6);
  });
});

describe("augmentation", () => {
  // A 4×4 image with one lit pixel at row 0, column 3 (top right).
  const one = new Uint8Array(16);
  one[3] = 200;

  it("rotate by 0° is the identity; by 90° moves top right to top left (counter-clockwise)", () => {
    assert.deepEqual(rotate(one, 4, 4, 0), one);
    const r = rotate(one, 4, 4, 90);
    assert.equal(r[0], 200);
    assert.equal(r.reduce((a, b) => a + b, 0), 200);
  });

  it("cropPadded at (padding, padding) is the identity; other offsets shift and fill with 0", () => {
    assert.deepEqual(cropPadded(one, 4, 4, 2, 2, 2), one);
    const down = cropPadded(one, 4, 4, 2, 1, 3); // window one row up, one column right
    assert.equal(down[1 * 4 + 2], 200);
    assert.equal(down.reduce((a, b) => a + b, 0), 200);
    const gone = cropPadded(one, 4, 4, 2, 2, 0); // window two columns left: the pixel moves off the right edge
    assert.equal(gone.reduce((a, b) => a + b, 0), 0);
  });

  it("augment keeps the shape and type, only uses the image's own values (nearest), and is fixed by the seed", () => {
    const ds = synthetic(1, 28, 28);
    const img = ds.images as Uint8Array;
    const a = augment(img, 28, 28, rng(7));
    const b = augment(img, 28, 28, rng(7));
    const c = augment(img, 28, 28, rng(8));
    assert.ok(a instanceof Uint8Array);
    assert.equal(a.length, 784);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const values = new Set(img);
    values.add(0);
    assert.ok(a.every((v) => values.has(v)));
    const f = augment(Float32Array.from(img), 28, 28, rng(7));
    assert.ok(f instanceof Float32Array);
    assert.deepEqual(Array.from(f), Array.from(a));
  });

  it("augment works on any image size (8×8 digits)", () => {
    const img = Float32Array.from({ length: 64 }, (_, i) => i % 17);
    assert.equal(augment(img, 8, 8, rng(1), { degrees: 10, padding: 1 }).length, 64);
    assert.deepEqual(augment(img, 8, 8, rng(1), { degrees: 0, padding: 0 }), img);
  });
});

describe("batches", () => {
  const ds = synthetic(10);

  it("epochOrder is a permutation fixed by (seed, epoch) and different across epochs", () => {
    const a = epochOrder(10, 3, 0);
    assert.deepEqual(a, epochOrder(10, 3, 0));
    assert.deepEqual([...a].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(a, epochOrder(10, 3, 1));
    assert.notDeepEqual(a, epochOrder(10, 4, 0));
    assert.deepEqual(Array.from(epochOrder(4, 3, 0, false)), [0, 1, 2, 3]);
  });

  it("epochBatches covers every image once per epoch, last batch short unless dropLast", () => {
    const bs = [...epochBatches(ds, { batchSize: 4, seed: 1 }, 0)];
    assert.deepEqual(bs.map((b) => b.size), [4, 4, 2]);
    assert.deepEqual(bs.map((b) => b.index), [0, 1, 2]);
    const seen = bs.flatMap((b) => Array.from(b.y));
    assert.deepEqual(labelHistogram({ labels: Uint8Array.from(seen), classes: 3 }), labelHistogram(ds));
    assert.deepEqual([...epochBatches(ds, { batchSize: 4, seed: 1, dropLast: true }, 0)].map((b) => b.size), [4, 4]);
  });

  it("batches are normalised (default x / 255) and follow epochOrder", () => {
    const [b] = epochBatches(ds, { batchSize: 2, seed: 5 }, 1);
    const i = epochOrder(10, 5, 1)[0];
    assert.equal(b.features, 12);
    assert.ok(Math.abs(b.x[0] - ds.images[i * 12] / 255) < 1e-7);
    assert.equal(b.y[0], ds.labels[i]);
  });

  it("batches(ds, options, epochs) is deterministic, with and without augmentation", () => {
    const big = synthetic(6, 28, 28);
    const run = (augment: boolean) => [...batches(big, { batchSize: 4, seed: 9, augment: augment ? {} : false }, 2)];
    const [a, b] = [run(true), run(true)];
    assert.deepEqual(a.map((x) => [x.epoch, x.index, x.size]), [[0, 0, 4], [0, 1, 2], [1, 0, 4], [1, 1, 2]]);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((x) => x.x), run(false).map((x) => x.x));
  });

  it("rejects a bad batch size", () => {
    assert.throws(() => [...epochBatches(ds, { batchSize: 0, seed: 1 }, 0)], /batchSize must be a positive integer, got 0/);
  });
});
