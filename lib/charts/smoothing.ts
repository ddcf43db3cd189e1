/** Smoothing for noisy per-batch curves (no Plot import, so Node tests can use it). */

/**
 * Moving average over `window` consecutive values, like the optimizers-lab notebook's
 * `np.convolve(x, np.ones(w), 'valid') / w`: n − w + 1 values, the i-th the mean of x[i … i+w−1].
 * A window of 1 (or less) returns a copy; a window longer than the data returns [].
 */
export function movingAverage(values: ArrayLike<number>, window: number): number[] {
  const w = Math.max(1, Math.floor(window));
  const n = values.length;
  if (w === 1) return Array.from(values);
  if (w > n) return [];
  const out = new Array<number>(n - w + 1);
  let sum = 0;
  for (let i = 0; i < w; i++) sum += values[i];
  out[0] = sum / w;
  for (let i = w; i < n; i++) {
    sum += values[i] - values[i - w];
    out[i - w + 1] = sum / w;
  }
  return out;
}

/**
 * A moving average of rows' `y` field, each placed at the `x` of the last row in its window (so a smoothed
 * curve never runs ahead of the raw one). Other fields come from that last row.
 */
export function smoothRows<T extends Record<string, unknown>>(rows: readonly T[], window: number, y = "loss"): T[] {
  const w = Math.max(1, Math.floor(window));
  if (w === 1) return rows.slice();
  const avg = movingAverage(
    rows.map((r) => r[y] as number),
    w,
  );
  return avg.map((v, i) => ({ ...rows[i + w - 1], [y]: v }));
}
