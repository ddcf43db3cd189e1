/**
 * `npm run bench`: train the bench MLP (lib/engine/bench.ts) in headless Chromium on every backend that
 * starts, and print one JSON line per backend:
 *   {"workload":"mlp-784-256-256-10-b128-adam","backend":"wasm","stepsPerSec":…,"auto":true|false}
 * `auto` marks the backend the site picks; `"valid": false` marks a backend whose losses differ from the cpu
 * backend's (it is left out of "fastest"). Then our Adam against tf.train.adam on the auto backend.
 * Flags: --steps N (default 50), --backends wasm,webgl (default all).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEngine } from "./build-engine.js";
import { launch } from "../tests/browser/chromium.js";
import { serve } from "../tests/browser/server.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const steps = Number(arg("steps") ?? 50);
const only = arg("backends")?.split(",");

await buildEngine();
const dir = mkdtempSync(join(tmpdir(), "descent-bench-"));
copyFileSync(join(root, "src/_descent/descent.js"), join(dir, "descent.js"));
for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
  copyFileSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", f), join(dir, f));
}
// The bundle leaves Plot/d3/katex as bare imports for Framework; the bench needs none of them.
const stub = "data:text/javascript,export default {};";
const importMap = { imports: Object.fromEntries(["@observablehq/plot", "d3", "katex"].map((m) => [m, stub])) };
const html = `<!doctype html><meta charset="utf-8"><script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module">
import * as D from "./descent.js";
D.setWasmPaths(location.href.replace(/[^/]*$/, ""));
window.descent = D;
window.ready = true;
</script>`;
(await import("node:fs")).writeFileSync(join(dir, "index.html"), html);

const { server, origin } = await serve(dir);
const browser = await launch();
const results: Record<string, unknown>[] = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => (window as any).ready === true);
  const auto = await page.evaluate(async () => (await (window as any).descent.initBackend(null)).autoBackend as string);
  // Our Adam vs tf.train.adam, on the backend the site picks, interleaved to share any thermal/JIT drift.
  // Measured before any software GPU backend runs: SwiftShader keeps CPU threads busy after its turn.
  const compare = await page.evaluate(
    async ({ auto, steps }) => {
      const D = (window as any).descent;
      await D.tf.setBackend(auto);
      const runs: Record<string, number[]> = { ours: [], "tf.train.adam": [] };
      for (let round = 0; round < 2; round++) {
        for (const optimizer of ["tf.train.adam", "ours"]) {
          runs[optimizer].push((await D.benchMLP({ steps, optimizer, maxMs: 20_000 })).stepsPerSec);
        }
      }
      return { ours: Math.max(...runs.ours), tfjs: Math.max(...runs["tf.train.adam"]) };
    },
    { auto, steps },
  );
  console.log(
    JSON.stringify({
      workload: "mlp-784-256-256-10-b128-adam-vs-tf.train.adam",
      backend: auto,
      oursStepsPerSec: round(compare.ours),
      tfjsStepsPerSec: round(compare.tfjs),
      ratio: round(compare.ours / compare.tfjs),
    }),
  );
  // wasm and cpu first: software GPU backends keep CPU threads busy after they finish, which slowed the
  // backend measured next. cpu's warm-up losses are the reference every backend must reproduce.
  const measured: { backend: string; r: any }[] = [];
  for (const backend of ["wasm", "cpu", "webgl", "webgpu"]) {
    if (only && !only.includes(backend)) continue;
    const r = await page.evaluate(
      async ({ backend, steps }) => {
        const D = (window as any).descent;
        const ok = await D.tf.setBackend(backend).catch(() => false);
        if (!ok || D.tf.getBackend() !== backend) return null;
        // Best of two runs: the first run on a fresh backend still pays for JIT and heap growth.
        const a = await D.benchMLP({ steps, maxMs: 10_000 });
        const b = await D.benchMLP({ steps, maxMs: 10_000 });
        return a.stepsPerSec >= b.stepsPerSec ? a : b;
      },
      { backend, steps },
    );
    if (r) measured.push({ backend, r });
    else console.error(`${backend}: not available here`);
  }
  const reference = measured.find((m) => m.backend === "cpu")?.r.warmupLosses;
  for (const { backend, r } of measured) {
    // A backend that computes wrong numbers is not "fast"; it is excluded from the comparison.
    const valid = reference ? r.warmupLosses.every((l: number, i: number) => Math.abs(l - reference[i]) <= 1e-3 * Math.max(1, Math.abs(reference[i]))) : true;
    const line = { workload: r.workload, backend, stepsPerSec: round(r.stepsPerSec), auto: backend === auto, ...(valid ? {} : { valid: false }) };
    console.log(JSON.stringify(line));
    console.error(
      `  ${backend}: ${r.steps} steps in ${Math.round(r.ms)} ms, warm-up losses ${r.warmupLosses.slice(0, 3).map((l: number) => l.toFixed(4)).join(", ")}…` +
        `${valid ? "" : " — WRONG RESULTS (differ from cpu)"}, tensors ${r.tensorsAfterWarmup} → ${r.tensorsAtEnd}`,
    );
    if (valid) results.push(line);
  }
  const fastest = Math.max(...results.map((r) => r.stepsPerSec as number));
  const picked = results.find((r) => r.auto);
  if (picked) console.error(`auto-picked ${auto}: ${round((picked.stepsPerSec as number) / fastest)}× the fastest backend that computes correctly`);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
