import assert from "node:assert/strict";
import { test } from "node:test";
import { valueMargin, valueTick } from "../../lib/charts/ticks.js";

test("valueTick(v) writes values as 0.01 or 1e-4, never with an SI prefix", () => {
  const cases: [number, string][] = [
    [0, "0"], [0.01, "0.01"], [0.001, "0.001"], [1e-4, "1e-4"], [2.5e-7, "2.5e-7"], [100, "100"], [12345, "12345"],
    [1e5, "1e5"], [3e9, "3e9"], [-0.5, "−0.5"], [-1e-6, "−1e-6"], [1e308, "1e308"], [0.30000000000000004, "0.3"],
  ];
  for (const [v, want] of cases) assert.equal(valueTick(v), want, `valueTick(${v})`);
  for (const v of [1e-9, 1e-6, 1e-3, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18]) assert.doesNotMatch(valueTick(v), /[kMGTPEmµnp]$/);
});

test("valueTick(v) keeps non-finite values readable", () => {
  assert.equal(valueTick(Infinity), "Infinity");
  assert.equal(valueTick(NaN), "NaN");
});

test("valueMargin leaves room for the widest tick label, and Plot's 40 px when that is enough", () => {
  assert.equal(valueMargin([0, 1, 2]), 40, "one-character ticks");
  // A diverging run's x: ticks −3e19, −2.5e19, … (9 + 7·7 + 2 = 60 px).
  assert.equal(valueMargin([-3.1e19, 0, 1.2e19]), 60);
  // Ticks 1e-4, 1.05e-4, …: seven characters at most.
  assert.equal(valueMargin([0.0001, 0.00015]), 9 + 7 * "1.05e-4".length + 2);
  assert.equal(valueMargin([NaN, Infinity]), 40, "no finite value: the default");
  assert.equal(valueMargin([1e-12, 1], { log: true }), 9 + 7 * "1e-12".length + 2, "log ticks 1e-12 … 1");
});
