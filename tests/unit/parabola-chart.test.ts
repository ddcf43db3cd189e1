import assert from "node:assert/strict";
import { test } from "node:test";
import { inView, parabolaDomain } from "../../lib/charts/parabola.js";

test("the parabola's view holds the start and the first iterates; a diverging path is cut where it leaves", () => {
  const converging = [15, 13.5, 12.15].map((x) => ({ x }));
  assert.equal(parabolaDomain(converging, 15), 15);
  assert.equal(inView(converging, 15).length, 3);
  // η = 1.5: x ← −2x, so the 9th iterate is outside the view set by the first 8
  const diverging = Array.from({ length: 30 }, (_, k) => ({ x: 15 * (-2) ** k }));
  const r = parabolaDomain(diverging, 15);
  assert.equal(r, 15 * 2 ** 7);
  assert.equal(inView(diverging, r).length, 8);
  assert.equal(inView([{ x: 1 }, { x: NaN }, { x: 0 }], 1).length, 1);
});

test("stateRows: one row per step, slot and coordinate, skipping the start", async () => {
  const { stateRows } = await import("../../lib/charts/optimizer-state.js");
  const rows = stateRows([{ step: 0, "m.x": 0, "m.y": 0 }, { step: 1, "m.x": 0.1, "m.y": -0.2 }], ["m"]);
  assert.deepEqual(rows, [
    { step: 1, slot: "m", coordinate: "x", value: 0.1 },
    { step: 1, slot: "m", coordinate: "y", value: -0.2 },
  ]);
});
