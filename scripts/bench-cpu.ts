/**
 * The optimizer comparison of `npm run bench` (step 2) in Node, on the same tfjs wasm backend, timed in the
 * process's CPU time (user + system) as well as wall time: on a machine shared with other work, wall time
 * mostly measures the others, CPU time what this process did. Kinds interleaved, the order rotating each round;
 * medians of `--rounds`. One JSON line per result, with the load (`uptime`) it was taken at.
 *
 *   node --import tsx --import ./scripts/node-tfjs.mjs scripts/bench-cpu.ts --rounds 7 --steps 40
 */
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import { benchMLP, type BenchOptimizer } from "../lib/engine/bench.js";
import { useFastMatMulGradient } from "../lib/engine/matmul-gradient.js";
import { useWasmMatMul } from "../lib/engine/wasm-matmul.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const steps = Number(arg("steps") ?? 40);
const rounds = Number(arg("rounds") ?? 7);
const load = () => execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");
const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

await import("@tensorflow/tfjs-backend-wasm/dist/index.js");
tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
useFastMatMulGradient();
if (!process.argv.includes("--stock-matmul")) useWasmMatMul();

const loadBefore = load();
const kinds: BenchOptimizer[] = ["none", "copy", "tf.train.adam", "unfused", "fused-js", "ours"];
const cpuRate: Record<string, number[]> = {};
const wallRate: Record<string, number[]> = {};
// Per run, the share of its CPU time spent inside the optimizer's step: `optimizerShare`, as npm run bench reports it.
const inRun: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < kinds.length; k++) {
    const optimizer = kinds[(k + r) % kinds.length];
    const w0 = performance.now();
    const b = await benchMLP({ steps, optimizer, maxMs: 600_000, clock: cpu });
    (cpuRate[optimizer] ??= []).push(b.stepsPerSec);
    (inRun[optimizer] ??= []).push(b.optimizerMs / b.ms);
    // Wall time of the whole call: its 25 warm-up steps and the model's set-up included.
    (wallRate[optimizer] ??= []).push(((b.steps + 25) * 1000) / (performance.now() - w0));
  }
}
const m = (x: Record<string, number[]>) => Object.fromEntries(kinds.map((k) => [k, median(x[k])]));
const c = m(cpuRate);
const w = m(wallRate);
const share = (x: Record<string, number>, k: string) => round(1 - x[k] / x.none);
console.log(JSON.stringify({ workload: "mlp-784-256-256-10-b128", backend: "wasm (Node)", clock: "cpu", rounds, steps, stepsPerCpuSec: Object.fromEntries(kinds.map((k) => [k, round(c[k])])), all: Object.fromEntries(kinds.map((k) => [k, cpuRate[k].map(round)])), load: `${loadBefore} → ${load()}` }));
console.log(JSON.stringify({ workload: "mlp-784-256-256-10-b128-adam", backend: "wasm (Node)", clock: "cpu", optimizerShare: round(median(inRun.ours)), optimizerShareRounds: inRun.ours.map(round), optimizerShareByDifference: share(c, "ours"), fusedJsShare: share(c, "fused-js"), unfusedShare: share(c, "unfused"), tfTrainAdamShare: share(c, "tf.train.adam"), copyShare: share(c, "copy"), optimizerShareOverCopy: round(1 - c.ours / c.copy) }));
console.log(JSON.stringify({ workload: "mlp-784-256-256-10-b128-adam", backend: "wasm (Node)", clock: "wall", stepsPerSec: Object.fromEntries(kinds.map((k) => [k, round(w[k])])), optimizerShare: share(w, "ours"), fusedJsShare: share(w, "fused-js"), unfusedShare: share(w, "unfused"), tfTrainAdamShare: share(w, "tf.train.adam"), load: load() }));
