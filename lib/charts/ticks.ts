import { ticks } from "d3";

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

/**
 * Margins for a colour-ramp legend, spread into a `color` scale with `legend: true` or into Plot.legend: Plot draws
 * a ramp edge to edge, so the end ticks' labels ("−1.0") were half cut off.
 */
export const rampMargins = Object.freeze({ marginLeft: 14, marginRight: 14 });

/**
 * A left margin wide enough for the value ticks Plot will draw for `values` on a chart `height` tall (Plot's
 * default is 40 px whatever the labels): a diverging run's "−3e19" ran past the chart's left edge. Plot's tick
 * labels are 10 px sans-serif (~7 px a character), drawn 9 px left of the frame.
 */
export function valueMargin(values: Iterable<number>, { log = false, height = 260, min = 40 }: { log?: boolean; height?: number; min?: number } = {}): number {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) if (Number.isFinite(v) && (!log || v > 0)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(lo <= hi)) return min;
  // Linear: d3's ticks, as Plot's linear scale draws them; log: the powers of ten in the domain (at least one).
  const drawn = log ? powersOfTen(lo, hi) : ticks(lo, hi, height / 35);
  const longest = Math.max(...drawn.map((t) => valueTick(t).length));
  return Math.max(min, Math.ceil(9 + 7 * longest + 2));
}

function powersOfTen(lo: number, hi: number): number[] {
  const [first, last] = [Math.ceil(Math.log10(lo)), Math.floor(Math.log10(hi))];
  return Array.from({ length: Math.max(1, last - first + 1) }, (_, k) => 10 ** (first + k));
}
