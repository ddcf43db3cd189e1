/** The first `count` images of an 8×8 digits dataset side by side, one pixel per cell, ink 0–16 in greys. */
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
  return Plot.plot({
    width,
    height: 80,
    axis: null,
    margin: 0,
    x: { domain: [0, count * (w + 1)] },
    y: { domain: [0, h + 1], reverse: true },
    color: { scheme: "greys", domain: [0, 16] },
    ...rest,
    marks: [Plot.cell(cells, { x: "x", y: "y", fill: "v", inset: 0 }), ...(rest.marks ?? [])],
  });
}
