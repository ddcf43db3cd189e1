import assert from "node:assert/strict";
import { test } from "node:test";
import { thin, thinLanes } from "../../lib/charts/thin.js";

test("thin keeps short series whole and long ones to n points with both ends", () => {
  const short = [1, 2, 3];
  assert.deepEqual(thin(short, 5), short);
  assert.notEqual(thin(short, 5), short, "a copy, not the array itself");
  const long = Array.from({ length: 1000 }, (_, i) => i);
  const t = thin(long, 300);
  assert.equal(t.length, 300);
  assert.equal(t[0], 0);
  assert.equal(t.at(-1), 999);
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], "in order, no repeats");
  assert.throws(() => thin(long, 1), /at least 2, got 1/);
});

test("thinLanes thins every lane and keeps its other fields", () => {
  const lanes = [{ key: "a", points: Array.from({ length: 50 }, (_, i) => ({ step: i })) }];
  const [l] = thinLanes(lanes, 10);
  assert.equal(l.key, "a");
  assert.equal(l.points.length, 10);
  assert.equal(l.points.at(-1)!.step, 49);
});
