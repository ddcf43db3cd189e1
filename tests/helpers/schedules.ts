/**
 * The committed torch 1.13 schedule reference (tests/fixtures/schedules-torch-1.13.json, written by
 * scripts/torch-schedules.py) and the maths it recorded: glibc's cos and pow at every argument torch evaluated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScheduleMath } from "../../lib/schedules/index.js";

export interface ScheduleCase {
  name: string;
  schedule: string;
  options: Record<string, unknown>;
  steps: number;
  optimizer: { name: string; options: Record<string, unknown> };
  momentum: boolean;
  lrs: number[];
  momenta?: number[];
}

export interface ScheduleReference {
  command: string;
  torch: string;
  libm: { cos: [number, number][]; pow: [number, number, number][] };
  cases: ScheduleCase[];
}

export const referenceFile = join(import.meta.dirname, "../fixtures/schedules-torch-1.13.json");

export function readReference(): ScheduleReference {
  return JSON.parse(readFileSync(referenceFile, "utf8")) as ScheduleReference;
}

/**
 * glibc's cos and pow as torch computed them, looked up by argument. A lookup that misses throws: our rule then
 * evaluated something torch did not, i.e. its formula differs. Powers with exponent 0 or 1, or base 1 or 2, are exact
 * in every libm and computed.
 */
export function glibcMath(ref: ScheduleReference): ScheduleMath {
  const cos = new Map(ref.libm.cos.map(([x, c]) => [x, c]));
  const pow = new Map(ref.libm.pow.map(([b, e, r]) => [`${b}|${e}`, r]));
  return {
    cos(x) {
      const c = cos.get(x);
      if (c === undefined) throw new Error(`cos(${x}): torch never evaluated it`);
      return c;
    },
    pow(b, e) {
      if (e === 0 || e === 1 || b === 1 || b === 2) return b ** e;
      const r = pow.get(`${b}|${e}`);
      if (r === undefined) throw new Error(`pow(${b}, ${e}): not in the recorded powers`);
      return r;
    },
  };
}

/** The distance in float64 ulps between two numbers of the same sign. */
export function ulps(a: number, b: number): number {
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}
