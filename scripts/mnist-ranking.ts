// The six optimizers of /mnist-from-scratch at its defaults, ranked by the mean loss of their last 5 batches (sixNote's measure), for
// seeds 1–5 (SEEDS=1,2 for others): the numbers of the page's table at the end of section 6. One race of the six per seed, on the
// wasm backend in Node (BACKEND=cpu for the other); ~2.5 min per seed on a loaded 2-core machine.
//   node --import tsx --import ./scripts/node-tfjs.mjs scripts/mnist-ranking.ts
// Reads the subset and its statistics from the data loaders' cache (src/.observablehq/cache/data): build once first.
import "../tests/helpers/node-tfjs.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { mnistRace, mnistRaceSpec, mnistInputs, mnistPageSetup } from "../lib/experiments/mnist-from-scratch.js";
import { lastLossMean } from "../lib/experiments/mnist-report.js";
import { sgd, adagrad, adadelta, rmsprop, adam } from "../lib/optimizers/index.js";
import { useFastMatMulGradient, useWasmMatMul } from "../lib/engine/index.js";
await import("@tensorflow/tfjs-backend-wasm/dist/index.js");
tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
if (!(await tf.setBackend(process.env.BACKEND ?? "wasm"))) throw new Error("no backend");
useFastMatMulGradient();
useWasmMatMul();
console.error("backend", tf.getBackend());
const body = readFileSync("src/.observablehq/cache/data/mnist-subset.bin");
const meta = JSON.parse(readFileSync("src/.observablehq/cache/data/mnist-meta.json", "utf8"));
const server = createServer((_q, r) => r.writeHead(200, { "content-length": String(body.length) }).end(body));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const d = (n: string) => (mnistInputs.find((r) => r.name === n) as any).default;
const choices = [
  { key: "sgd", label: "SGD", def: sgd, options: d("sgd") },
  { key: "momentum", label: "SGD with momentum", def: sgd, options: d("momentum") },
  { key: "adagrad", label: "Adagrad", def: adagrad, options: d("adagrad") },
  { key: "adadelta", label: "Adadelta", def: adadelta, options: d("adadelta") },
  { key: "rmsprop", label: "RMSprop", def: rmsprop, options: d("rmsprop") },
  { key: "adam", label: "Adam", def: adam, options: d("adam") },
];
const seeds = (process.env.SEEDS ?? "1,2,3,4,5").split(",").map(Number);
for (const seed of seeds) {
  const v = { epochs: d("epochs"), batch: d("batch"), images: d("images"), seed, augment: d("augment"), full: false };
  const { settings, steps } = mnistPageSetup(v, meta, { subset: `${base}/s.bin`, full: `${base}/f.bin` });
  const t0 = Date.now();
  let last: any;
  for await (const s of mnistRace(mnistRaceSpec(choices, 1, settings), { signal: new AbortController().signal })) last = s;
  const r = last.lanes.map((l: any) => ({ label: l.label, status: l.status, last5: lastLossMean(l.points), first: l.points[0]?.loss, max: Math.max(...l.points.map((p: any) => p.loss)), n: l.points.length }));
  const order = [...r].sort((a, b) => a.last5 - b.last5);
  console.log(JSON.stringify({ seed, steps, s: ((Date.now() - t0) / 1000).toFixed(0), lanes: r.map((x: any) => ({ ...x, last5: +x.last5.toFixed(4), first: +x.first.toFixed(3), max: +x.max.toFixed(2) })), order: order.map((x) => x.label) }));
}
server.close();
