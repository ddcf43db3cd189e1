/**
 * A histogram computed where the data is (the worker), so a page draws a few dozen bins instead of binning
 * 100,000 values on every frame. The thresholds are the ones Plot's `binX({thresholds: count})` picks over
 * the data's extent (nice steps, the first ≤ the minimum and the last > the maximum), so passing them back
 * to `Plot.binX({y: "sum"}, {x: "mid", y: "count", thresholds})` draws exactly the chart Plot would have
 * drawn from the raw values. No Plot import, so the worker and Node tests can use it.
 */
import { bisectRight, tickIncrement } from "d3";

export interface Histogram {
  /** Ascending bin edges; bin i holds values v with thresholds[i] ≤ v < thresholds[i + 1]. */
  thresholds: number[];
  /** The non-empty bins: their middle and how many values fall in them. */
  bins: { mid: number; count: number }[];
}

/** Plot's thresholds for `count` bins over [min, max] (plot/src/transforms/bin.js, domain = extent). */
export function binThresholds(min: number, max: number, count: number): number[] {
  let step = tickIncrement(min, max, count);
  if (!Number.isFinite(step) || step === 0) return [min];
  const scaled = step > 0;
  step = Math.abs(step);
  const at = (r: number) => (scaled ? r * step : r / step);
  let r0 = Math.round(scaled ? min / step : min * step);
  let r1 = Math.round(scaled ? max / step : max * step);
  if (!(at(r0) <= min)) --r0;
  if (!(at(r1) > max)) ++r1;
  return Array.from({ length: r1 - r0 + 1 }, (_, i) => at(r0 + i));
}

export function histogram(values: ArrayLike<number>, count: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  if (!(min <= max)) return { thresholds: [], bins: [] };
  const thresholds = binThresholds(min, max, count);
  if (thresholds.length === 1) return { thresholds, bins: [{ mid: min, count: values.length }] };
  const counts = new Array<number>(thresholds.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = bisectRight(thresholds, values[i]) - 1;
    if (b >= 0 && b < counts.length) counts[b]++;
  }
  const bins = counts.flatMap((n, i) => (n > 0 ? [{ mid: (thresholds[i] + thresholds[i + 1]) / 2, count: n }] : []));
  return { thresholds, bins };
}
