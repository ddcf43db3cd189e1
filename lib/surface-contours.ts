/**
 * A surface's filled contours as plain data, in the surface's own coordinates: computed once per surface (in
 * the page's worker, lib/experiments/race.ts), drawn at any width by the page. Tracing 24 levels on a 150-cell
 * grid takes 100–400 ms on these machines; done on the main thread (as Plot.contour does) it blocked the landing
 * page for that long each time the reader picked another surface.
 *
 * The levels are Plot.contour's for `thresholds: 24` (nice ticks over the sampled range, the ones outside it
 * dropped), and f is sampled at cell centres as Plot's raster sampler does, so the picture is Plot's.
 */
import { contours, nice, ticks } from "d3";
import type { Surface } from "./surfaces.js";

export interface ContourBand {
  /** The level: the band holds every point where the shaded value is ≥ this. */
  value: number;
  /**
   * Closed rings, one after another, as x, y pairs in the surface's coordinates (holes are rings wound the other
   * way); ring r ends before pair `ends[r]`. Two buffers per band, not one per ring: a thousand small buffers
   * cost the page more to receive than the tracing saves.
   */
  coords: Float32Array;
  ends: Uint32Array;
}

export interface SurfaceContours {
  surface: string;
  /** What is shaded: f, or log₁₀(f − f_min + 10⁻³) on surfaces whose f spans decades. */
  log: boolean;
  bands: ContourBand[];
}

/** The value the contours shade at (x, y). */
export function shadedValue(surface: Surface): (x: number, y: number) => number {
  const fmin = surface.value(...surface.minimum);
  return surface.logContours ? (x, y) => Math.log10(surface.value(x, y) - fmin + 1e-3) : (x, y) => surface.value(x, y);
}

/** `levels` contour bands of `surface` over its domain, sampled on a grid `cells` wide. */
export function surfaceContours(surface: Surface, { cells = 150, levels = 24 }: { cells?: number; levels?: number } = {}): SurfaceContours {
  const { x: [x1, x2], y: [y1, y2] } = surface.domain;
  const w = cells;
  const h = Math.max(2, Math.round((cells * (y2 - y1)) / (x2 - x1)));
  const dx = (x2 - x1) / w;
  const dy = (y2 - y1) / h;
  const f = shadedValue(surface);
  // Row 0 is the top of the picture (largest y), as on screen.
  const values = new Float64Array(w * h);
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0, i = 0; j < h; j++) {
    const y = y2 - (j + 0.5) * dy;
    for (let k = 0; k < w; k++, i++) {
      const v = f(x1 + (k + 0.5) * dx, y);
      values[i] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const thresholds = ticks(...(nice(lo, hi, levels) as [number, number]), levels);
  while (thresholds.length > 1 && thresholds[thresholds.length - 1] >= hi) thresholds.pop();
  while (thresholds.length > 1 && thresholds[1] < lo) thresholds.shift();
  const trace = contours().size([w, h]);
  const bands = thresholds.map((t) => {
    const rings = trace.contour(values as unknown as number[], t).coordinates.flat();
    const coords = new Float32Array(2 * rings.reduce((n, ring) => n + ring.length, 0));
    const ends = new Uint32Array(rings.length);
    let n = 0;
    rings.forEach((ring, r) => {
      for (const [gx, gy] of ring) {
        coords[2 * n] = x1 + gx * dx;
        coords[2 * n + 1] = y2 - gy * dy;
        n++;
      }
      ends[r] = n;
    });
    return { value: t, coords, ends };
  });
  return { surface: surface.key, log: surface.logContours, bands };
}
