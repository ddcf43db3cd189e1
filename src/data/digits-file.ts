/**
 * Reads and validates the project's data/digits.csv.gz (or $DESCENT_DIGITS_FILE): its sha256 first, then the
 * CSV itself (lib/data/digits.ts: 1,797 rows of 65 integers, pixels 0–16, labels 0–9). Shared by the loader
 * digits.bin.ts and scripts/check-data.ts, which runs on every build because Framework reuses a cached loader
 * output without looking at the raw file again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { checkDigitsSha256, DIGITS, parseDigitsCsv } from "../../lib/data/digits.js";
import type { Dataset } from "../../lib/data/dataset.js";

export function readDigits(): Dataset {
  const path = process.env.DESCENT_DIGITS_FILE ?? DIGITS.file;
  let gz: Buffer;
  try {
    gz = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  checkDigitsSha256(createHash("sha256").update(gz).digest("hex"), path);
  let text: string;
  try {
    text = gunzipSync(gz).toString("utf8");
  } catch (e) {
    throw new Error(`${path}: not a gzip file (${(e as Error).message})`);
  }
  return parseDigitsCsv(text, path);
}
