// The first 200 test images of each digit (2,000, in file order), 1.6 MB: what a page evaluates on until it
// chooses to fetch the full 10,000-image mnist-test.bin.
import { encodeDataset } from "../../lib/data/index.js";
import { readSubset, runLoader } from "./mnist-files.js";

runLoader("mnist-test-subset.bin.ts", () => encodeDataset(readSubset("test")));
