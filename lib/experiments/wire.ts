/**
 * Specs cross the worker boundary by structured clone, which cannot carry functions. The one non-plain value
 * a spec holds is an optimizer definition (`OptimizerChoice.def`): it travels as `{$optimizer: name}` and is
 * looked up again on the other side, in the same registry the pages use. Everything else must already be
 * plain data (numbers, strings, arrays, typed arrays, plain objects); `encode` says which field is not.
 */
import { optimizers } from "../optimizers/index.js";
import { adamWithSquaredFirstMoment } from "../optimizers/pitfalls.js";
import type { AnyOptimizerDef } from "../optimizers/types.js";

/** Every definition a spec may name: the registry plus the labelled teaching definitions. */
export function definitions(): Record<string, AnyOptimizerDef> {
  const all: Record<string, AnyOptimizerDef> = {};
  for (const def of [...Object.values(optimizers as Record<string, AnyOptimizerDef>), adamWithSquaredFirstMoment]) all[def.name] = def;
  return all;
}

function isDef(x: object): x is AnyOptimizerDef {
  const d = x as Partial<AnyOptimizerDef>;
  return typeof d.name === "string" && typeof d.update === "function" && typeof d.init === "function";
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The spec with every optimizer definition replaced by `{$optimizer: name}`. Throws on functions and class instances. */
export function encode(value: unknown, path = "spec"): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") throw new Error(`${path} is a function: a spec must be plain data`);
    return value;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return value.map((v, i) => encode(v, `${path}[${i}]`));
  if (isDef(value)) {
    if (definitions()[value.name] !== value) throw new Error(`${path}: optimizer "${value.name}" is not in the registry`);
    return { $optimizer: value.name };
  }
  if (!isPlainObject(value)) throw new Error(`${path} is a ${value.constructor?.name || Object.prototype.toString.call(value)}: a spec must be plain data`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, `${path}.${k}`)]));
}

/** The inverse of `encode`. */
export function decode(value: unknown): unknown {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return value.map(decode);
  const name = (value as { $optimizer?: unknown }).$optimizer;
  if (typeof name === "string") {
    const def = definitions()[name];
    if (!def) throw new Error(`Unknown optimizer in spec: ${name}`);
    return def;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
}
