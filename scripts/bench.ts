/**
 * `npm run bench`: the bench MLP (lib/engine/bench.ts) in headless Chromium, one JSON line per result:
 *  1. the automatic choice, with its calibration (what a reader's first visit measures);
 *  2. on wasm: our fused Adam (WebAssembly), the same fused step as a JS loop, the rule unfused, tf.train.adam,
 *     and forward+backward alone, interleaved round by round (median of `--rounds`, every round's figure
 *     printed), then the optimizer's share of a step; the same comparison in the page's main-thread CPU time
 *     (which a loaded machine hardly changes, unlike wall time); our wasm matMul against tfjs's XNNPACK kernel;
 *     and tfjs's own matMul gradient against our explicit-transpose one;
 *  3. every backend's steps/s and validity: its losses over warm-up + timed steps against cpu's (1e-4 relative);
 *  4. the auto pick against the fastest valid backend.
 * Every figure is stated with the machine load (`uptime`) it was taken at.
 * Flags: --steps N (default 50), --rounds N (default 5), --backends wasm,webgl (default all).
 */
import { execFileSync } from "node:child_process";
import { buildEngine } from "./build-engine.js";
import { openEnginePage } from "./engine-page.js";
import { launch } from "../tests/browser/chromium.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const steps = Number(arg("steps") ?? 50);
const rounds = Number(arg("rounds") ?? 5);
const only = arg("backends")?.split(",");
const load = () => execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");
const round = (x: number) => Math.round(x * 1000) / 1000;
const out = (line: Record<string, unknown>) => console.log(JSON.stringify({ ...line, load: load() }));
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

await buildEngine();
const browser = await launch();
const engine = await openEnginePage(browser);
const { page } = engine;
page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
try {
  // 1. The automatic choice, measured as a reader's first visit measures it.
  const auto = await page.evaluate(async () => {
    const D = (window as any).descent;
    const t0 = performance.now();
    const info = await D.initBackend(null, { calibrate: () => D.calibrateMLP(), recalibrate: true });
    return { backend: info.backend as string, reason: info.reason as string, calibration: info.calibration, ms: performance.now() - t0 };
  });
  out({ workload: "auto-choice", picked: auto.backend, reason: auto.reason, calibrationMs: Math.round(auto.ms), calibration: auto.calibration });

  // 2. Optimizers on wasm, interleaved so machine load drifts hit all alike (the order rotates each round);
  // the median of `rounds`. The share compares medians of runs taken side by side.
  const compare = await page.evaluate(
    async ({ steps, rounds }) => {
      const D = (window as any).descent;
      await D.loadBackend("wasm");
      await D.tf.setBackend("wasm");
      const kinds = ["none", "tf.train.adam", "unfused", "fused-js", "ours"];
      const all: Record<string, number[]> = {};
      // Per round, the share of the timed steps spent inside the optimizer's step (same run, same clock).
      const inRun: Record<string, number[]> = {};
      const losses: Record<string, number[]> = {};
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < kinds.length; k++) {
          const optimizer = kinds[(k + r) % kinds.length];
          const b = await D.benchMLP({ steps, optimizer, maxMs: 20_000 });
          (all[optimizer] ??= []).push(b.stepsPerSec);
          (inRun[optimizer] ??= []).push(b.optimizerMs / b.ms);
          losses[optimizer] = [...b.warmupLosses, ...b.losses];
        }
      }
      const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      };
      const best = Object.fromEntries(Object.entries(all).map(([k, xs]) => [k, median(xs)]));
      // The explicit-transpose matMul gradient against tfjs's own, same interleaving.
      const grad: Record<string, number> = {};
      for (let r = 0; r < rounds; r++) {
        for (const g of ["stock", "explicit"]) {
          if (g === "stock") D.useStockMatMulGradient();
          else D.useFastMatMulGradient();
          const b = await D.benchMLP({ steps, maxMs: 20_000 });
          grad[g] = Math.max(grad[g] ?? 0, b.stepsPerSec);
        }
      }
      D.useFastMatMulGradient();
      // Our matMul (lib/engine/wasm-matmul.ts) against tfjs's XNNPACK kernel, training with our Adam.
      const matMul: Record<string, number[]> = {};
      const matMulLosses: Record<string, number[]> = {};
      for (let r = 0; r < rounds; r++) {
        for (const m of r % 2 ? ["xnnpack", "ours"] : ["ours", "xnnpack"]) {
          if (m === "xnnpack") D.useStockWasmMatMul();
          else D.useWasmMatMul();
          const b = await D.benchMLP({ steps, maxMs: 20_000 });
          (matMul[m] ??= []).push(b.stepsPerSec);
          matMulLosses[m] = [...b.warmupLosses, ...b.losses];
        }
      }
      D.useWasmMatMul();
      const equal = (a: number[], b: number[]) => a.length === b.length && a.every((l, i) => l === b[i]);
      return { best, all, inRun, grad, matMul, matMulSame: equal(matMulLosses.ours, matMulLosses.xnnpack), same: equal(losses.ours, losses.unfused), sameJs: equal(losses["fused-js"], losses.unfused) };
    },
    { steps, rounds },
  );
  const b = compare.best;
  out({
    workload: "mlp-784-256-256-10-b128",
    backend: "wasm",
    stepsPerSec: { fusedAdam: round(b.ours), fusedJsAdam: round(b["fused-js"]), unfusedAdam: round(b.unfused), tfTrainAdam: round(b["tf.train.adam"]), forwardBackwardOnly: round(b.none) },
    rounds: Object.fromEntries(Object.entries(compare.all).map(([k, xs]) => [k, xs.map(round)])),
    fusedVsUnfused: round(b.ours / b.unfused),
    fusedVsFusedJs: round(b.ours / b["fused-js"]),
    fusedVsTfTrainAdam: round(b.ours / b["tf.train.adam"]),
    fusedLossesEqualUnfused: compare.same,
    fusedJsLossesEqualUnfused: compare.sameJs,
  });
  // Share of a step's time the optimizer takes, two ways. Measured inside each run: the time in the optimizer's step
  // over the step's (wasm runs a kernel when it is called), the median over rounds — drift in the machine's load
  // between runs does not enter. By difference: 1 − (steps/s with it) / (steps/s without), medians of runs taken
  // side by side; here the rounds' spread (±20 % on this machine) is larger than the effect.
  const share = (x: number) => round(1 - x / b.none);
  const inRunShare = (k: string) => round(median(compare.inRun[k]));
  out({
    workload: "mlp-784-256-256-10-b128-adam",
    backend: "wasm",
    optimizerShare: inRunShare("ours"),
    fusedJsShare: inRunShare("fused-js"),
    unfusedShare: inRunShare("unfused"),
    tfTrainAdamShare: inRunShare("tf.train.adam"),
    optimizerShareRounds: compare.inRun.ours.map(round),
    byDifference: { optimizerShare: share(b.ours), fusedJsShare: share(b["fused-js"]), unfusedShare: share(b.unfused), tfTrainAdamShare: share(b["tf.train.adam"]) },
  });
  // 2b. The same comparison in the page's main-thread CPU time (Chromium's ThreadTime, over DevTools): on a
  // machine shared with other work, wall time mostly measures the others. Per kind, a run of `steps` minus a run
  // of none (set-up and warm-up alone), divided by `steps`; interleaved, the order rotating; medians.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const threadMs = async () => {
    const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
    return (metrics.find((m) => m.name === "ThreadTime")?.value ?? NaN) * 1000;
  };
  const cpuKinds = ["none", "copy", "tf.train.adam", "unfused", "fused-js", "ours"];
  const cpuMs: Record<string, number[]> = {};
  const cpuRun = async (optimizer: string, n: number) => {
    const t0 = await threadMs();
    await page.evaluate(({ optimizer, n }) => (window as any).descent.benchMLP({ steps: n, warmup: 10, optimizer, maxMs: 600_000 }), { optimizer, n });
    return (await threadMs()) - t0;
  };
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cpuKinds.length; k++) {
      const optimizer = cpuKinds[(k + r) % cpuKinds.length];
      (cpuMs[optimizer] ??= []).push(((await cpuRun(optimizer, steps)) - (await cpuRun(optimizer, 0))) / steps);
    }
  }
  const c = Object.fromEntries(cpuKinds.map((k) => [k, median(cpuMs[k])]));
  const cpuShare = (k: string) => round(1 - c.none / c[k]);
  out({ workload: "mlp-784-256-256-10-b128", backend: "wasm", clock: "main-thread CPU", msPerStep: Object.fromEntries(cpuKinds.map((k) => [k, round(c[k])])), rounds: Object.fromEntries(cpuKinds.map((k) => [k, cpuMs[k].map(round)])) });
  // Over "copy" (weights replaced by new tensors, no arithmetic): the step's arithmetic alone, without the cost of
  // making new weights (with tfjs's XNNPACK matMul that included re-packing every weight matrix; with ours, nothing).
  out({ workload: "mlp-784-256-256-10-b128-adam", backend: "wasm", clock: "main-thread CPU", optimizerShareByDifference: cpuShare("ours"), fusedJsShare: cpuShare("fused-js"), unfusedShare: cpuShare("unfused"), tfTrainAdamShare: cpuShare("tf.train.adam"), copyShare: cpuShare("copy"), optimizerShareOverCopy: round(1 - c.copy / c.ours) });
  const mm = compare.matMul;
  out({ workload: "mlp-784-256-256-10-b128-adam", backend: "wasm", matMul: "ours vs tfjs's XNNPACK", oursStepsPerSec: round(median(mm.ours)), xnnpackStepsPerSec: round(median(mm.xnnpack)), ratio: round(median(mm.ours) / median(mm.xnnpack)), rounds: { ours: mm.ours.map(round), xnnpack: mm.xnnpack.map(round) }, lossesEqual: compare.matMulSame });
  out({ workload: "matmul-gradient", backend: "wasm", explicitTransposeStepsPerSec: round(compare.grad.explicit), stockStepsPerSec: round(compare.grad.stock), ratio: round(compare.grad.explicit / compare.grad.stock) });

  // 3. Every backend. wasm and cpu first: software GPU backends keep CPU threads busy after their turn.
  const measured: { backend: string; r: any }[] = [];
  for (const backend of ["cpu", "wasm", "webgl", "webgpu"]) {
    if (only && !only.includes(backend) && backend !== "cpu") continue;
    const r = await page.evaluate(
      async ({ backend, steps }) => {
        const D = (window as any).descent;
        if (!(await D.loadBackend(backend))) return null;
        const ok = await D.tf.setBackend(backend).catch(() => false);
        if (!ok || D.tf.getBackend() !== backend) return null;
        const selfCheck = await D.selfCheck();
        // Best of two runs: the first run on a fresh backend still pays for JIT, shader compiles and heap growth.
        const a = await D.benchMLP({ steps, maxMs: 15_000 });
        const b = await D.benchMLP({ steps, maxMs: 15_000 });
        return { ...(a.stepsPerSec >= b.stepsPerSec ? a : b), selfCheck };
      },
      { backend, steps },
    );
    if (r) measured.push({ backend, r });
    else console.error(`${backend}: not available here`);
  }
  const reference = measured.find((m) => m.backend === "cpu")?.r;
  const results: { backend: string; stepsPerSec: number }[] = [];
  for (const { backend, r } of measured) {
    const ours = [...r.warmupLosses, ...r.losses];
    const ref = reference ? [...reference.warmupLosses, ...reference.losses] : ours;
    const n = Math.min(ours.length, ref.length);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1e-12));
    const valid = r.selfCheck && n > 0 && worst <= 1e-4;
    out({ workload: r.workload, backend, stepsPerSec: round(r.stepsPerSec), valid, lossesCompared: n, maxRelLossDiffVsCpu: worst, auto: backend === auto.backend, tensors: `${r.tensorsAfterWarmup}→${r.tensorsAtEnd}` });
    if (valid) results.push({ backend, stepsPerSec: r.stepsPerSec });
  }
  // 4. The auto pick against the fastest valid backend, both from step 3's longer runs.
  const fastest = results.reduce((a, c) => (c.stepsPerSec > a.stepsPerSec ? c : a), results[0]);
  const picked = results.find((r) => r.backend === auto.backend);
  out({ workload: "auto-vs-fastest", auto: auto.backend, fastest: fastest?.backend, ratio: picked && fastest ? round(picked.stepsPerSec / fastest.stepsPerSec) : null });
  if (engine.errors.length) console.error(`page errors: ${engine.errors.join("; ")}`);
} finally {
  await engine.close();
  await browser.close();
}
