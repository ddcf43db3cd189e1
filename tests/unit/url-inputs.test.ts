import assert from "node:assert/strict";
import { test } from "node:test";
import { adam, sgd } from "../../lib/optimizers/index.js";
import {
  accepted,
  checkTable,
  noticeText,
  optimizerRows,
  parseChoice,
  parseNumberText,
  parseRowText,
  rowKeys,
  typedMessage,
  type NumberRow,
} from "../../lib/url/inputs.js";
import { decodeComponent, readQuery, unknownKeys, withoutUnsafePairs } from "../../lib/url/query.js";

const lr: NumberRow = { name: "lr", label: "learning rate η", input: "range", default: 0.05, range: [0.001, 1.5], step: 0.001 };

test("readQuery decodes each pair on its own: a bad escape is a problem, not an exception", () => {
  assert.equal(decodeComponent("%E0%A4%A"), null);
  const q = readQuery("?lr=%E0%A4%A&steps=20&%ZZ=1&a+b=c+d");
  assert.equal(q.values.get("steps"), "20");
  assert.equal(q.values.get("a b"), "c d");
  assert.equal(q.values.has("lr"), false);
  assert.deepEqual(q.problems, [
    { name: "lr", raw: "%E0%A4%A", reason: "not valid percent-encoding" },
    { name: "%ZZ", raw: "1", reason: "the name is not valid percent-encoding" },
  ]);
});

test("readQuery: the first of repeated keys wins, the rest are listed; prototype names are plain keys", () => {
  const q = readQuery("lr=0.1&lr=0.2&__proto__=1&constructor=x&&=");
  assert.equal(q.values.get("lr"), "0.1");
  assert.equal(q.values.get("__proto__"), "1");
  assert.equal(q.values.get("constructor"), "x");
  assert.deepEqual(q.problems, [{ name: "lr", raw: "0.2", reason: "repeated; the first lr= is used" }]);
  assert.deepEqual(
    unknownKeys(q, (n) => n === "lr").map((p) => p.name),
    ["__proto__", "constructor", ""],
  );
  assert.deepEqual(unknownKeys(readQuery("backend=cpu"), () => false), [], "backend belongs to every page");
});

test("tfjsflags is refused, and withoutUnsafePairs keeps everything else byte for byte", () => {
  const q = readQuery("tfjsflags=DEBUG:true&lr=0.1");
  assert.equal(q.values.has("tfjsflags"), false);
  assert.match(q.problems[0].reason, /tfjsflags is ignored/);
  const cleaned = withoutUnsafePairs("?tfjsflags=DEBUG%3Atrue&lr=%2E5&x=%E0%A4%A&%=1&b=2");
  assert.equal(cleaned.search, "?lr=%2E5&b=2");
  assert.deepEqual(cleaned.removed.map((p) => p.name), ["tfjsflags", "x", "%"]);
  assert.deepEqual(withoutUnsafePairs("?a=1"), { search: "?a=1", removed: [] });
});

test("number rows accept values in range on the step grid, and say what they accept otherwise", () => {
  assert.deepEqual(parseNumberText(lr, "0.123"), { ok: true, value: 0.123 });
  assert.deepEqual(parseNumberText(lr, "1.5"), { ok: true, value: 1.5 });
  assert.equal(accepted(lr), "0.001 to 1.5 in steps of 0.001");
  const reasons: [string, RegExp][] = [
    ["", /^empty; accepted: 0.001 to 1.5/],
    ["abc", /^not a number/],
    ["NaN", /^not a number/],
    ["1e308", /outside the accepted range, 0.001 to 1.5/],
    ["1e309", /not a finite number/],
    ["-1", /outside the accepted range/],
    ["0.0005", /outside the accepted range/],
    ["0.0123", /not a multiple of the step 0.001 from 0.001/],
    ["9".repeat(5000), /too long \(5000 characters\)/],
  ];
  for (const [text, reason] of reasons) {
    const parsed = parseNumberText(lr, text);
    assert.ok(!parsed.ok && reason.test(parsed.reason), `${text.slice(0, 10)}: ${JSON.stringify(parsed)}`);
  }
  const seed: NumberRow = { name: "seed", label: "seed", input: "number", default: 1, range: [1, 2 ** 31], step: 1 };
  assert.equal(accepted(seed), "a whole number from 1 to 2³¹");
  assert.match((parseNumberText(seed, "2.5") as { reason: string }).reason, /^not a whole number/);
  assert.equal(parseNumberText(seed, "2147483648").ok, true);
  const log: NumberRow = { name: "lr", label: "lr", input: "range", default: 0.01, range: [1e-4, 0.3], scale: "log" };
  assert.deepEqual(parseNumberText(log, "0.0123"), { ok: true, value: 0.0123 }, "a log slider takes any value in range");
});

test("the typed message names the parameter, the text and the accepted range, and what is still shown", () => {
  assert.equal(typedMessage(lr, "0.2", 0.05), null);
  assert.equal(
    typedMessage(lr, "12345", 0.05),
    'learning rate η (lr): "12345" cannot run: outside the accepted range, 0.001 to 1.5 in steps of 0.001. Still showing the run for 0.05.',
  );
});

test("optimizer rows validate with the optimizer's own checks (torch's wording) before the range", () => {
  const rows = optimizerRows(sgd, { lr: 1e-3 }, "sgd");
  assert.deepEqual(
    rows.map((r) => r.name),
    ["sgd.lr", "sgd.momentum", "sgd.dampening", "sgd.weight_decay", "sgd.nesterov"].filter((n) => rows.some((r) => r.name === n)),
  );
  const lrRow = rows.find((r) => r.name === "sgd.lr")!;
  const bad = parseRowText(lrRow, "-1");
  assert.ok(!bad.ok && bad.reason.startsWith("Invalid learning rate: -1 (lr); accepted: "), JSON.stringify(bad));
  const adamRows = optimizerRows(adam, {}, "adam");
  const beta1 = adamRows.find((r) => r.name === "adam.beta1")!;
  const b = parseRowText(beta1, "1");
  assert.ok(!b.ok && b.reason === "Invalid beta parameter at index 0: 1 (betas[0]); accepted: 0 to 0.999 in steps of 0.001", JSON.stringify(b));
  assert.equal(parseRowText(beta1, "0.5").ok, true);
});

test("choices are matched as keys only; the notice quotes raw text and lists each problem once", () => {
  const surface = { name: "surface", label: "surface", input: "select" as const, default: "a", options: ["a", "b"] };
  assert.deepEqual(parseChoice(surface, "b"), { ok: true, value: "b" });
  assert.equal(parseChoice(surface, "__proto__").ok, false);
  assert.equal(parseChoice(surface, "toString").ok, false);
  const markup = '<img src=x onerror="alert(1)">';
  const text = noticeText([
    { name: "lr", raw: markup, reason: "not a number" },
    { name: "lr", raw: markup, reason: "not a number" },
    { name: "x".repeat(61), raw: "1", reason: "this page has no such setting" },
  ]);
  assert.equal(text, `Some settings in this link were ignored: lr="<img src=x onerror=\\"alert(1)\\">" (not a number); "${"x".repeat(40)}…"="1" (this page has no such setting).`);
  assert.equal(noticeText([]), "");
});

test("a table may not bind a key twice or mark two main inputs", () => {
  assert.throws(() => checkTable([lr, { ...lr }]), /lr is bound twice/);
  assert.throws(() => checkTable([{ ...lr, main: 0.1 }, { ...lr, name: "lr2", main: 0.2 }]), /more than one main input/);
  assert.throws(() => checkTable([{ name: "sgd", input: "optimizer", def: sgd, default: {} }, { ...lr, name: "sgd.lr" }]), /sgd.lr is bound twice/);
  assert.deepEqual(rowKeys({ name: "cmp1", input: "chart", default: { yMax: 3, smoothing: 1 } }).map((k) => k.name), ["cmp1.y", "cmp1.avg"]);
});

test("an optimizer row's check sees the form's other fields as they are now", () => {
  let current: Record<string, unknown> = { lr: 0.01, momentum: 0.9, nesterov: true };
  const rows = optimizerRows(sgd, { lr: 0.01, momentum: 0.9, nesterov: true }, "nesterov", () => current);
  const momentum = rows.find((r) => r.name === "nesterov.momentum")!;
  assert.match((parseRowText(momentum, "0") as { reason: string }).reason, /^Nesterov momentum requires a momentum and zero dampening/);
  current = { ...current, nesterov: false };
  assert.deepEqual(parseRowText(momentum, "0"), { ok: true, value: 0 }, "with nesterov off, momentum 0 is fine");
});
