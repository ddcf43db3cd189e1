/**
 * torch's `lerp_`, which torch ≥ 2 uses for every running average (`exp_avg.lerp_(grad, 1 − β₁)` is
 * m ← β₁m + (1 − β₁)g). It is written as two different formulas depending on the weight, and which one runs
 * decides the float32 roundings: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w), with w rounded to
 * float32 first (ATen's `lerp` in Lerp.h). Adafactor's weight t^τ crosses 0.5, so both forms occur.
 */
import type { Vec } from "./types.js";

export function lerp<T extends Vec<T>>(a: T, b: T, w: number): T {
  const w32 = Math.fround(w);
  return Math.abs(w32) < 0.5 ? a.add(b.sub(a).mul(w32)) : b.sub(b.sub(a).mul(1 - w32));
}
