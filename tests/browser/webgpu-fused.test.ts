/**
 * The fused optimizer step on the GPU backends (lib/optimizers/fused-gpu.ts), on Chromium's WebGPU and WebGL
 * (SwiftShader here), through the engine page (scripts/engine-page.ts; needs `npm run build`):
 *  - for each optimizer case, 25 steps of the fused step and of the same rule op by op, from the same start with
 *    the same gradients, on the same backend: θ and every slot agree to float32 rounding at every step, and
 *    the fused step really ran as our shaders (counted): on WebGPU one dispatch per parameter writing θ and every
 *    slot, on WebGL one program per buffer written;
 *  - steps/s of the optimizer alone on the bench MLP's parameters, and of the whole bench MLP, fused vs unfused
 *    (printed; SwiftShader is slow, so only the ratios mean anything).
 * Every value is read asynchronously (`await t.data()`): dataSync fails on SwiftShader's WebGPU.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { useEnginePage } from "./engine-page.js";

/** [optimizer, options]: every op the traces use (max in AMSGrad, division, sqrt, weight decay, nesterov). */
const CASES: [string, Record<string, unknown>][] = [
  ["sgd", { lr: 0.05, momentum: 0.9 }],
  ["sgd", { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
  ["adam", { lr: 0.01 }],
  ["adam", { lr: 0.01, amsgrad: true, weight_decay: 0.01 }],
  ["adamw", { lr: 0.01, weight_decay: 0.1 }],
  ["rmsprop", { lr: 0.01 }],
  ["rmsprop", { lr: 0.01, momentum: 0.5, centered: true }],
  ["adagrad", { lr: 0.1 }],
  ["adamax", { lr: 0.01 }],
  ["nadam", { lr: 0.01 }],
];
const STEPS = 25;
/**
 * Float32 rounding, accumulated: each step of a rule is ~10–20 float32 ops, and a shader compiler may contract
 * a·b + c into one fused multiply-add where tfjs's kernels round twice, so the two paths part by a few ulps per
 * step (2⁻²⁴ ≈ 6e-8 relative each). 25 steps × ~20 ops × 1 ulp ≈ 3e-5 is the worst case; the bound is relative
 * to max(1e-3, |value|) so values near zero (a momentum crossing zero) are held to the same absolute scale.
 * Measured on SwiftShader (WebGPU and WebGL, Dec 2026): 0 in every case — bit for bit; the bound is for real
 * GPUs' compilers. A shader whose sqrt is off by 1e-4 fails it (checked by hand: Adam 6.1e-4).
 */
const TOLERANCE = 3e-5;

const load = () => execFileSync("uptime").toString().trim().replace(/^.*load average: /, "load ");

describe("fused optimizer step on WebGPU and WebGL", () => {
  const engine = useEnginePage();

  /** Every case on `backend`: worst relative difference per case, and our shader dispatches per fused step. */
  const compare = (backend: string) =>
    engine.page.evaluate(
      async ({ backend, cases, steps }) => {
        const D = (window as any).descent;
        const tf = D.tf;
        if (!(await D.loadBackend(backend)) || !(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`${backend} did not start`);
        // Count the programs that are ours (shader key / marker), so a silent fallback to op by op fails the test.
        const b = tf.backend();
        const method = backend === "webgpu" ? "runWebGPUProgram" : "compileAndRun";
        const original = b[method].bind(b);
        let ours = 0;
        b[method] = (program: any, ...rest: unknown[]) => {
          if (String(program.shaderKey ?? program.userCode ?? "").match(/descent_fused|descent fused/)) ours++;
          return original(program, ...rest);
        };
        const shapes = [[7, 5], [5], [300], [3, 4, 2]];
        const values = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.8);
        const results: { name: string; worst: number; where: string; dispatchesPerStep: number; oneDispatchPerStep: number; buffers: number; params: number }[] = [];
        try {
          for (const [name, options] of cases) {
            const run = async (fused: boolean) => {
              const params = shapes.map((s, k) => tf.variable(tf.tensor(values(k + 1, s.reduce((a, c) => a * c, 1)), s)));
              const opt = D.createOptimizer(D[name], options, { fused });
              const trajectory: Float32Array[][] = [];
              const before = ours;
              const oneBefore = D.oneDispatchSteps();
              for (let t = 1; t <= steps; t++) {
                const grads = shapes.map((s, k) => tf.tensor(values(100 * t + k, s.reduce((a, c) => a * c, 1)), s));
                opt.step(params, grads);
                grads.forEach((g: any) => g.dispose());
                const now = [...params, ...opt.state.flatMap((s: any) => Object.keys(s.slots).sort().map((k) => s.slots[k]))];
                trajectory.push(await Promise.all(now.map((x: any) => x.data())));
              }
              const dispatches = ours - before;
              const oneDispatch = D.oneDispatchSteps() - oneBefore;
              const buffers = params.length + opt.state.reduce((a: number, s: any) => a + Object.keys(s.slots).length, 0);
              opt.dispose();
              params.forEach((p: any) => p.dispose());
              return { trajectory, dispatches, oneDispatch, buffers, params: shapes.length };
            };
            const fused = await run(true);
            const unfused = await run(false);
            let worst = 0;
            let where = "";
            fused.trajectory.forEach((step, t) =>
              step.forEach((a, j) =>
                a.forEach((x, i) => {
                  const y = unfused.trajectory[t][j][i];
                  const d = Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y) / Math.max(1e-3, Math.abs(y));
                  if (!(d <= worst)) {
                    worst = d;
                    where = `step ${t + 1}, buffer ${j}, element ${i}: fused ${x}, op by op ${y}`;
                  }
                }),
              ),
            );
            results.push({ name: `${name} ${JSON.stringify(options)}`, worst, where, dispatchesPerStep: fused.dispatches / steps, oneDispatchPerStep: fused.oneDispatch / steps, buffers: fused.buffers, params: fused.params });
            if (unfused.dispatches + unfused.oneDispatch !== 0) throw new Error(`${name}: the op-by-op run dispatched ${unfused.dispatches + unfused.oneDispatch} fused programs`);
          }
        } finally {
          b[method] = original;
        }
        return { results, limit: backend === "webgpu" ? (b.device.limits.maxStorageBuffersPerShaderStage as number) : 0 };
      },
      { backend, cases: CASES, steps: STEPS },
    );

  for (const backend of ["webgpu", "webgl"]) {
    test(`${backend}: the fused step equals the rule op by op to float32 rounding (${CASES.length} cases, ${STEPS} steps)`, { timeout: 900_000 }, async () => {
      const { results, limit } = await compare(backend);
      assert.equal(results.length, CASES.length);
      for (const r of results) {
        console.log(`# ${backend} ${r.name}: max relative difference ${r.worst.toExponential(2)}; per step ${r.oneDispatchPerStep} one-dispatch steps for ${r.params} parameters, ${r.dispatchesPerStep} one-output programs for ${r.buffers} buffers`);
        // The fused path ran, every step: on WebGPU one dispatch per parameter (θ and its slots together), on
        // WebGL one program per buffer written (θ and each slot of each parameter).
        // A rule whose step binds more storage buffers than a shader stage may (AMSGrad: 5 read, 4 written, 8
        // allowed by default) takes one program per buffer there too.
        const slots = r.buffers / r.params - 1;
        const fits = 3 + 2 * slots <= limit;
        if (backend === "webgpu" && fits) assert.deepEqual([r.oneDispatchPerStep, r.dispatchesPerStep], [r.params, 0], `${backend} ${r.name}: one dispatch per parameter`);
        else if (backend === "webgpu") assert.deepEqual([r.oneDispatchPerStep, r.dispatchesPerStep], [0, r.buffers], `${backend} ${r.name}: ${3 + 2 * slots} buffers > ${limit}, one program per buffer`);
        else assert.deepEqual([r.oneDispatchPerStep, r.dispatchesPerStep], [0, r.buffers], `${backend} ${r.name}: one program per buffer`);
        assert.ok(r.worst <= TOLERANCE, `${backend} ${r.name}: ${r.worst} at ${r.where}`);
      }
    });
  }

  test("steps/s, fused vs op by op, on WebGPU and WebGL (printed with the load)", { timeout: 900_000 }, async () => {
    for (const backend of ["webgl", "webgpu"]) {
      const r = await engine.page.evaluate(
        async ({ backend }) => {
          const D = (window as any).descent;
          const tf = D.tf;
          await D.loadBackend(backend);
          await tf.setBackend(backend);
          // The optimizer alone: Adam on the bench MLP's parameters (784·256, 256, 256·256, 256, 256·10, 10) with
          // fixed gradients, 10 steps after 2 untimed ones, one read at the end (the queue stays busy).
          const shapes = [[784, 256], [256], [256, 256], [256], [256, 10], [10]];
          const optimizerOnly = async (fused: boolean) => {
            const params = shapes.map((s) => tf.variable(tf.randomNormal(s, 0, 0.05, "float32", 3)));
            const grads = shapes.map((s) => tf.randomNormal(s, 0, 0.01, "float32", 4));
            const opt = D.createOptimizer(D.adam, { lr: 1e-3 }, { fused });
            const steps = 10;
            for (let i = 0; i < 2; i++) opt.step(params, grads);
            await params[0].data();
            const t0 = performance.now();
            for (let i = 0; i < steps; i++) opt.step(params, grads);
            await Promise.all(params.map((p: any) => p.data()));
            const ms = performance.now() - t0;
            opt.dispose();
            params.forEach((p: any) => p.dispose());
            grads.forEach((g: any) => g.dispose());
            return (steps * 1000) / ms;
          };
          const best = async (f: () => Promise<number>) => Math.max(await f(), await f());
          const optFused = await best(() => optimizerOnly(true));
          const optUnfused = await best(() => optimizerOnly(false));
          const mlp = async (optimizer: string) => (await D.benchMLP({ steps: 10, warmup: 2, readEvery: 10, maxMs: 120_000, optimizer })).stepsPerSec as number;
          const mlpFused = await best(() => mlp("ours"));
          const mlpUnfused = await best(() => mlp("unfused"));
          return { optFused, optUnfused, mlpFused, mlpUnfused, backend: tf.getBackend() };
        },
        { backend },
      );
      assert.equal(r.backend, backend);
      const f = (x: number) => x.toFixed(2);
      console.log(
        `# ${backend} (SwiftShader), ${load()}: Adam alone on the bench MLP's parameters ${f(r.optFused)} fused vs ${f(r.optUnfused)} op by op steps/s (${f(r.optFused / r.optUnfused)}×); ` +
          `whole bench MLP step ${f(r.mlpFused)} vs ${f(r.mlpUnfused)} steps/s (${f(r.mlpFused / r.mlpUnfused)}×)`,
      );
      assert.ok(r.optFused > 0 && r.optUnfused > 0 && r.mlpFused > 0 && r.mlpUnfused > 0);
    }
  });
});
