/**
 * Adam's step alone on the bench MLP's parameters (784·256 + 256 + 256·256 + 256 + 256·10 + 10, fixed
 * gradients) in headless Chromium on wasm: per engine — the WebAssembly step ("ours"), the fused JS loop, op by
 * op — the page's main-thread CPU time (DevTools ThreadTime) and wall time per step, two blocks of 40 steps
 * after creating each optimizer (the first block includes compiling), three rounds. Needs a built engine bundle.
 *
 *   node --import tsx --import ./scripts/node-tfjs.mjs scripts/bench-optimizer-step.ts
 */
import { execFileSync } from "node:child_process";
import { buildEngine } from "./build-engine.js";
import { openEnginePage } from "./engine-page.js";
import { launch } from "../tests/browser/chromium.js";

await buildEngine();
const browser = await launch();
const engine = await openEnginePage(browser);
const cdp = await engine.page.context().newCDPSession(engine.page);
await cdp.send("Performance.enable");
const thread = async () => ((await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] }).metrics.find((m) => m.name === "ThreadTime")!.value * 1000;
const load = () => execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");
try {
  await engine.page.evaluate(async () => {
    const D = (window as any).descent;
    await D.loadBackend("wasm");
    await D.tf.setBackend("wasm");
    const tf = D.tf;
    const shapes = [[784, 256], [256], [256, 256], [256], [256, 10], [10]];
    (window as any).vars = shapes.map((s) => tf.variable(tf.randomNormal(s, 0, 0.1, "float32", 3)));
    (window as any).grads = shapes.map((s) => tf.randomNormal(s, 0, 0.01, "float32", 4));
  });
  for (let round = 0; round < 3; round++) {
    for (const kind of ["ours", "fused-js", "unfused"]) {
      await engine.page.evaluate((kind) => {
        const D = (window as any).descent;
        (window as any).opt = D.createOptimizer(D.adam, { lr: 1e-3 }, { fused: kind !== "unfused", wasm: kind !== "fused-js" });
      }, kind);
      for (const block of [0, 1]) {
        const t0 = await thread();
        const wall = await engine.page.evaluate(() => {
          const w = window as any;
          const t = performance.now();
          for (let i = 0; i < 40; i++) w.opt.step(w.vars, w.grads);
          return performance.now() - t;
        });
        const cpu = ((await thread()) - t0) / 40;
        console.log(JSON.stringify({ workload: "adam-step-270k", backend: "wasm", engine: kind, round, block, cpuMsPerStep: Math.round(cpu * 1000) / 1000, wallMsPerStep: Math.round((wall / 40) * 1000) / 1000, load: load() }));
      }
      await engine.page.evaluate(() => (window as any).opt.dispose());
    }
  }
} finally {
  await engine.close();
  await browser.close();
}
