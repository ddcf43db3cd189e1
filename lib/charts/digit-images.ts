/**
 * The first `count` images of an 8×8 digits dataset side by side, one pixel per square, ink 0–16 in greys.
 * Pixels are rects on linear scales: Plot.cell would put them on band scales, where a numeric [0, 90] domain
 * is two bands and every cell falls outside them (the strip drew blank).
 */
import * as Plot from "@observablehq/plot";
import type { Dataset } from "../data/dataset.js";

export interface DigitStripOptions extends Plot.PlotOptions {
  /** How many images (default 10). */
  count?: number;
}

export function digitStrip(ds: Pick<Dataset, "images" | "height" | "width">, { count = 10, width = 640, ...rest }: DigitStripOptions = {}) {
  const { height: h, width: w } = ds;
  const cells = Array.from({ length: count * h * w }, (_, i) => {
    const k = Math.floor(i / (h * w));
    const p = i % (h * w);
    return { x: k * (w + 1) + (p % w), y: Math.floor(p / w), v: ds.images[k * h * w + p] };
  });
  const columns = count * (w + 1) - 1;
  return Plot.plot({
    width,
    height: Math.round((width / columns) * h),
    axis: null,
    margin: 0,
    x: { domain: [0, columns] },
    y: { domain: [0, h], reverse: true },
    color: { scheme: "greys", domain: [0, 16] },
    ...rest,
    marks: [Plot.rect(cells, { x1: "x", x2: (d: { x: number }) => d.x + 1, y1: "y", y2: (d: { y: number }) => d.y + 1, fill: "v" }), ...(rest.marks ?? [])],
  });
}
