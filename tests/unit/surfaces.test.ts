import "../helpers/node-tfjs.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { rng } from "../../lib/random.js";
import { surfaces } from "../../lib/surfaces.js";

// Points spread over each surface's view, plus its start and minimum.
function points(s: (typeof surfaces)[number]): [number, number][] {
  const { x: [x1, x2], y: [y1, y2] } = s.domain;
  const out: [number, number][] = [s.start, s.minimum];
  for (const [u, v] of [[0.1, 0.2], [0.5, 0.5], [0.8, 0.3], [0.25, 0.9], [0.7, 0.75], [0.05, 0.95]]) out.push([x1 + u * (x2 - x1), y1 + v * (y2 - y1)]);
  return out;
}

for (const s of surfaces) {
  test(`${s.label}: grad is bit-equal to tf.grad of f in float32 (2,000 points)`, () => {
    const df = tf.grad((p: tf.Tensor) => s.f(p as tf.Tensor1D));
    const random = rng(17);
    const { x: [x1, x2], y: [y1, y2] } = s.domain;
    const spread = Array.from({ length: 2000 }, () => [x1 + (x2 - x1) * random(), y1 + (y2 - y1) * random()] as [number, number]);
    for (const [x, y] of [...points(s), ...spread].map(([x, y]) => [Math.fround(x), Math.fround(y)])) {
      const [ax, ay] = s.grad(x, y);
      const g = tf.tidy(() => df(tf.tensor1d([x, y], "float32")).dataSync());
      // Exact, not close: the race (this grad) and the optimizers page (tf.grad) must not part over 3,000 steps.
      assert.ok(ax === g[0] && ay === g[1], `∇f(${x}, ${y}): grad [${ax}, ${ay}], tf [${g[0]}, ${g[1]}]`);
    }
  });

  test(`${s.label}: value equals tf f, the minimum is stationary, and f keeps no tensors`, () => {
    const before = tf.memory().numTensors;
    for (const [x, y] of points(s)) {
      const p = tf.tensor1d([x, y], "float32");
      const v = s.f(p);
      const want = s.value(Math.fround(x), Math.fround(y));
      assert.ok(Math.abs(v.dataSync()[0] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `f(${x}, ${y})`);
      v.dispose();
      p.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    const [gx, gy] = s.grad(...s.minimum);
    assert.ok(Math.hypot(gx, gy) < 1e-9, `∇f at the minimum = [${gx}, ${gy}]`);
    const { x, y } = s.domain;
    assert.ok(s.start[0] > x[0] && s.start[0] < x[1] && s.start[1] > y[0] && s.start[1] < y[1], "the start is in view");
  });
}
