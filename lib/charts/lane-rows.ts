/**
 * Each lane's mean of `key` over its last `n` points, to two significant figures, as one line for under a chart:
 * "constant 0.21 · StepLR 0.18". Lanes without points are left out.
 */
export function tailMeans(lanes: readonly { label: string; points: readonly Record<string, number>[] }[], { key = "loss", n = 50 }: { key?: string; n?: number } = {}): string {
  return lanes
    .filter((l) => l.points.length > 0)
    .map((l) => {
      const tail = l.points.slice(-n);
      const mean = tail.reduce((s, p) => s + p[key], 0) / tail.length;
      return `${l.label} ${mean < 1e-3 ? mean.toExponential(1) : String(+mean.toPrecision(2))}`;
    })
    .join(" · ");
}
