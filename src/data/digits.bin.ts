// sklearn's digits (the Adam-on-digits notebook), all 1,797 rows in Descent's .bin format (lib/data/format.ts): 24-byte header,
// 64 uint8 pixels per image, uint8 labels. Read from the project's data/digits.csv.gz, whose sha256 is checked
// first, then parsed and validated by lib/data/digits.ts (1,797 rows of 65 integers, pixels 0–16, labels 0–9).
// The page splits it as the seed does (first 898 rows train). $DESCENT_DIGITS_FILE points tests at other files.
import { encodeDataset } from "../../lib/data/format.js";
import { readDigits } from "./digits-file.js";
import { runLoader } from "./mnist-files.js";

runLoader("digits.bin.ts", () => encodeDataset(readDigits()));
