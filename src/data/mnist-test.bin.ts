// MNIST's full test split in Descent's .bin format (lib/data/format.ts), validated on the way.
import { encodeDataset } from "../../lib/data/index.js";
import { readSplit, runLoader } from "./mnist-files.js";

runLoader("mnist-test.bin.ts", () => encodeDataset(readSplit("test")));
