// MNIST's full train split in Descent's .bin format (lib/data/format.ts), validated on the way.
import { encodeDataset } from "../../lib/data/index.js";
import { readSplit, runLoader } from "./mnist-files.js";

runLoader("mnist-train.bin.ts", () => encodeDataset(readSplit("train")));
