import assert from "node:assert/strict";
import { test } from "node:test";
import { formatNumber, parseBoolean, parseKey, parseNumber, parseText, quote } from "../../lib/url/params.js";

test("parseNumber accepts plain decimals and exponents within range", () => {
  assert.deepEqual(parseNumber("0.05", { min: 0, max: 1 }), { ok: true, value: 0.05 });
  assert.deepEqual(parseNumber("5e-5", { min: 0, max: 1 }), { ok: true, value: 5e-5 });
  assert.deepEqual(parseNumber("-3", { min: -5, max: 5 }), { ok: true, value: -3 });
  assert.deepEqual(parseNumber(".5"), { ok: true, value: 0.5 });
});

test("parseNumber rejects hostile and out-of-range values with a reason", () => {
  const bad: [string, string][] = [
    ["NaN", "not a number"],
    ["Infinity", "not a number"],
    ["1e309", "not a finite number"],
    ["0x10", "not a number"],
    [" 5", "not a number"],
    ["5;alert(1)", "not a number"],
    ["<script>alert(1)</script>", "not a number"],
    ["", "not a number"],
    ["9".repeat(101), "too long"],
    ["2", "outside 0…1"],
  ];
  for (const [raw, reason] of bad) assert.deepEqual(parseNumber(raw, { min: 0, max: 1 }), { ok: false, reason }, raw);
  assert.deepEqual(parseNumber("2.5", { integer: true }), { ok: false, reason: "not a whole number" });
});

test("parseBoolean, parseKey and parseText accept only what they name", () => {
  assert.deepEqual(parseBoolean("true"), { ok: true, value: true });
  assert.deepEqual(parseBoolean("0"), { ok: true, value: false });
  assert.equal(parseBoolean("yes").ok, false);
  assert.deepEqual(parseKey("adam", ["sgd", "adam"]), { ok: true, value: "adam" });
  assert.equal(parseKey("__proto__", ["sgd", "adam"]).ok, false);
  assert.equal(parseKey("constructor", ["sgd"]).ok, false);
  assert.equal(parseText("x".repeat(101)).ok, false);
});

test("quote shortens and escapes what a notice shows", () => {
  assert.equal(quote('<img src=x onerror="a">'), '"<img src=x onerror=\\"a\\">"');
  assert.equal(quote("a".repeat(50)), `"${"a".repeat(40)}…"`);
});

test("formatNumber round-trips through parseNumber", () => {
  for (const x of [0.05, 5e-5, 1 / 3, 1e-8, 123456789, -0.25]) {
    const back = parseNumber(formatNumber(x));
    assert.ok(back.ok && back.value === x, String(x));
  }
});
