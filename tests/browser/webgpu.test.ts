/**
 * The engine on Chromium's WebGPU (SwiftShader here) and wasm, driven through a bare page with the engine bundle
 * (scripts/engine-page.ts; needs `npm run build`):
 *  - the self-check, read asynchronously, accepts WebGPU when it computes correctly;
 *  - the bench MLP trained 50 steps on WebGPU has the same losses as on cpu, to 1e-4 relative;
 *  - on wasm, the fused optimizer step gives bit for bit the losses of the same rule run op by op.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useEnginePage } from "./engine-page.js";

describe("engine on WebGPU and wasm", () => {
  const engine = useEnginePage();

  /** 50 steps of the bench MLP on `backend`, every loss read (asynchronously, 10 at a time). */
  const losses = (backend: string, optimizer = "ours") =>
    engine.page.evaluate(
      async ({ backend, optimizer }) => {
        const D = (window as any).descent;
        if (!(await D.loadBackend(backend)) || !(await D.tf.setBackend(backend))) throw new Error(`${backend} did not start`);
        const r = await D.benchMLP({ steps: 50, warmup: 0, readEvery: 10, maxMs: 600_000, optimizer });
        return { losses: r.losses as number[], selfCheck: (await D.selfCheck()) as boolean, backend: D.tf.getBackend() as string };
      },
      { backend, optimizer },
    );

  test("WebGPU passes the self-check and trains the bench MLP with cpu's losses (1e-4 relative, 50 steps)", { timeout: 600_000 }, async () => {
    const gpu = await losses("webgpu");
    const cpu = await losses("cpu");
    assert.equal(gpu.backend, "webgpu");
    assert.equal(gpu.selfCheck, true, "self-check on WebGPU");
    assert.equal(gpu.losses.length, 50);
    assert.equal(cpu.losses.length, 50);
    assert.ok(gpu.losses.every((l) => Number.isFinite(l) && l > 0), `WebGPU losses: ${gpu.losses.slice(0, 5)}`);
    const worst = Math.max(...gpu.losses.map((l, i) => Math.abs(l - cpu.losses[i]) / Math.abs(cpu.losses[i])));
    assert.ok(worst <= 1e-4, `max relative loss difference WebGPU vs cpu: ${worst}`);
    assert.ok(cpu.losses[49] < cpu.losses[0], "the loss goes down");
    console.log(`# WebGPU vs cpu, 50 steps: max relative loss difference ${worst.toExponential(2)}`);
  });

  test("on wasm, the fused Adam step gives bit for bit the losses of the rule op by op", { timeout: 300_000 }, async () => {
    const fused = await losses("wasm", "ours");
    const unfused = await losses("wasm", "unfused");
    assert.equal(fused.backend, "wasm");
    assert.deepEqual(fused.losses, unfused.losses);
  });
});
