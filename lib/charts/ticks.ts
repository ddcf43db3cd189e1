/**
 * Tick labels for values — losses, gradients, weights, rates — as a reader writes them: 0.01, 250, 1e-4,
 * 2.5e-7, 3e9, never Plot's SI prefixes ("10m" reads as ten metres, "100µ" as a unit). Counts (steps, samples)
 * may keep Plot's defaults.
 */
export function valueTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(+v.toPrecision(6)).replace("-", "−");
  const [mantissa, exponent] = v.toExponential().split("e");
  return `${String(+(+mantissa).toPrecision(3)).replace("-", "−")}e${exponent.replace("+", "")}`;
}

/** Plot axis options for a value axis: `{tickFormat: valueTick}`, spread into `y: {...}` or `x: {...}`. */
export const valueAxis = Object.freeze({ tickFormat: valueTick });
