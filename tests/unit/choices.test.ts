import assert from "node:assert/strict";
import { test } from "node:test";
import { presetChoices } from "../../lib/experiments/choices.js";

test("presetChoices: the presets' settings with the given options on top, and a clear error for a typo", () => {
  const [m, a] = presetChoices(["momentum", "adam"], { lr: 0.05 });
  assert.equal(m.key, "momentum");
  assert.equal(m.options.lr, 0.05);
  assert.equal(m.options.momentum, 0.9);
  assert.equal(a.def.name, "adam");
  assert.throws(() => presetChoices(["adma"]), /Unknown optimizer preset "adma"/);
});
