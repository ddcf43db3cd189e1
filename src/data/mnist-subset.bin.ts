// The default MNIST training set of a page: the first 600 training images of each digit (6,000, in file order),
// 4.7 MB, so a page can start training quickly; mnist-train.bin has all 60,000.
import { encodeDataset } from "../../lib/data/index.js";
import { readSubset, runLoader } from "./mnist-files.js";

runLoader("mnist-subset.bin.ts", () => encodeDataset(readSubset("train")));
