/**
 * At most `n` points of a series, evenly spaced by index, always with the first and the last: a line of
 * 1,000 steps drawn 1,000 px wide looks the same from 300 points, and costs a third to draw. Live charts
 * redraw many times a second, so they draw thinned series; a finished run's exports keep every point.
 */
export function thin<P>(points: readonly P[], n = 300): P[] {
  if (n < 2) throw new Error(`thin: n must be at least 2, got ${n}`);
  if (points.length <= n) return points.slice();
  const every = (points.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => points[Math.round(i * every)]);
}

/** The same lanes with each lane's points thinned to at most `n`. */
export function thinLanes<L extends { points: readonly unknown[] }>(lanes: readonly L[], n = 300): L[] {
  return lanes.map((l) => ({ ...l, points: thin(l.points, n) }));
}
