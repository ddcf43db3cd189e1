import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { autoChoice, calibrateBackends, initBackend, isBackendName, selfCheck, type Probe } from "../../lib/engine/backend.js";

const probe = (name: Probe["name"], available: boolean, software = false): Probe => ({ name, available, adapter: name, software });

test("autoChoice prefers hardware WebGPU, then hardware WebGL, then wasm, then cpu", () => {
  assert.equal(autoChoice([probe("webgpu", true), probe("webgl", true), probe("wasm", true), probe("cpu", true)]), "webgpu");
  assert.equal(autoChoice([probe("webgpu", true, true), probe("webgl", true), probe("wasm", true), probe("cpu", true)]), "webgl");
  assert.equal(autoChoice([probe("webgpu", true, true), probe("webgl", true, true), probe("wasm", true), probe("cpu", true)]), "wasm");
  assert.equal(autoChoice([probe("webgpu", false), probe("webgl", false), probe("wasm", false), probe("cpu", true)]), "cpu");
});

test("isBackendName accepts only the four backends", () => {
  for (const n of ["webgpu", "webgl", "wasm", "cpu"]) assert.ok(isBackendName(n));
  for (const n of ["WASM", "tensorflow", "", "__proto__", 3]) assert.ok(!isBackendName(n));
});

test("selfCheck passes on a backend that computes correctly", async () => {
  assert.equal(await selfCheck(), true);
});

test("initBackend calibrates the backends that start, picks the fastest, and caches the result", async () => {
  const store = new Map<string, string>();
  const g = globalThis as { localStorage?: unknown };
  const saved = g.localStorage;
  g.localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  try {
    const calls: string[] = [];
    const calibrate = async (name: string) => (calls.push(name), name === "cpu" ? 12.5 : NaN);
    const first = await initBackend(null, { calibrate });
    assert.equal(first.backend, "cpu");
    assert.equal(first.cached, false);
    assert.deepEqual(calls, ["cpu"]); // only cpu is registered in these tests
    assert.match(first.reason, /fastest measured here \(steps\/s: cpu 13\)/);
    const second = await initBackend(null, { calibrate });
    assert.equal(second.cached, true);
    assert.deepEqual(calls, ["cpu"], "the cached calibration is used, not measured again");
    assert.match(second.reason, /cached/);
    await initBackend(null, { calibrate, recalibrate: true });
    assert.deepEqual(calls, ["cpu", "cpu"]);
  } finally {
    g.localStorage = saved;
  }
});

test("calibrateBackends skips a software GPU while wasm or cpu works, and measures it when neither does", async () => {
  const calls: string[] = [];
  const calibrate = async (name: string) => (calls.push(name), 12.5);
  const software = (n: string) => n === "webgl" || n === "webgpu";
  const withCpu = await calibrateBackends(calibrate, () => true, software);
  assert.deepEqual(calls, ["cpu"], "wasm is not registered in Node, cpu is measured, the software GPUs are not started");
  assert.deepEqual(withCpu.map((c) => [c.name, c.valid, c.software ?? false]), [["wasm", false, false], ["cpu", true, false], ["webgl", false, true], ["webgpu", false, true]]);
  // With no working CPU backend a software GPU is tried (here it cannot start: Node has no WebGL).
  const alone = await calibrateBackends(calibrate, (n) => n === "webgl", software);
  assert.deepEqual(alone, [{ name: "webgl", valid: false, stepsPerSec: NaN, correct: false }]);
  await tf.setBackend("cpu");
});

test("initBackend in Node falls back to cpu and reports an unknown override as a notice", async () => {
  const info = await initBackend("<b>gpu</b>");
  assert.equal(info.backend, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(info.notice ?? "", /^Unknown backend "<b>gpu<\/b>" ignored/);
});
