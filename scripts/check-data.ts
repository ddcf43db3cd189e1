/**
 * Prebuild: validates the raw data files on every build — data/digits.csv.gz (sha256, then its rows) and the
 * four MNIST idx files (headers, sizes, labels, sha256) — with the loaders' own checks (src/data/digits-file.ts,
 * src/data/mnist-files.ts). Needed because `observable build` reuses a cached loader output and never reads the
 * raw file again: measured, a corrupted digits.csv.gz built with exit 0 while the cache held digits.bin. Exits 1
 * naming the file and the check that failed. $DESCENT_DIGITS_FILE and $DESCENT_MNIST_DIR point it at copies.
 */
import { readDigits } from "../src/data/digits-file.js";
import { readSplit } from "../src/data/mnist-files.js";

const started = Date.now();
try {
  readDigits();
  readSplit("train");
  readSplit("test");
} catch (e) {
  process.stderr.write(`check-data: ${(e as Error).message}\n`);
  process.exit(1);
}
process.stderr.write(`check-data: digits.csv.gz and the four MNIST idx files pass (${Date.now() - started} ms)\n`);
