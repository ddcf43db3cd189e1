import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { autoChoice, initBackend, isBackendName, selfCheck, type Probe } from "../../lib/engine/backend.js";

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

test("selfCheck passes on a backend that computes correctly", () => {
  assert.equal(selfCheck(), true);
});

test("initBackend in Node falls back to cpu and reports an unknown override as a notice", async () => {
  const info = await initBackend("<b>gpu</b>");
  assert.equal(info.backend, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(info.notice ?? "", /^Unknown backend "<b>gpu<\/b>" ignored/);
});
