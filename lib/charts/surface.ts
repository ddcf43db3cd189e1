/**
 * A 2-D surface's contours with an optimizer's path over them. The contours are the expensive part (Plot
 * evaluates f on a grid and traces 24 levels, ~100 ms), so they are drawn once per surface and width; each
 * new snapshot of a run only rewrites the path, its head and its markers (`draw`), which takes well under a
 * millisecond — so a live run does not hold up the page.
 *
 * ```ts
 * const chart = surfaceChart(surface, {width});   // once per surface
 * chart.draw(points, {marks: [{step: 120, title: "learning rate changed"}]});   // every snapshot
 * ```
 */
import * as Plot from "@observablehq/plot";
import type { Surface } from "../surfaces.js";
import { valueTick } from "./ticks.js";

export interface SurfaceChartOptions {
  width?: number;
  /** Colour of the path. */
  stroke?: string;
}

export interface PathMark {
  /** Index of the point (its step) to mark. */
  step: number;
  title: string;
}

export interface SurfaceChart {
  readonly element: SVGSVGElement;
  /** Redraw the path through `points` (θ₀ first) and a ring at each of `marks`. */
  draw(points: readonly { x: number; y: number }[], options?: { marks?: readonly PathMark[] }): void;
}

const SVG = "http://www.w3.org/2000/svg";

function svgEl(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function surfaceChart(surface: Surface, { width = 640, stroke = "orangered" }: SurfaceChartOptions = {}): SurfaceChart {
  const { x: [x1, x2], y: [y1, y2] } = surface.domain;
  const w = Math.min(width, 640);
  const fmin = surface.value(...surface.minimum);
  const element = Plot.plot({
    width: w,
    height: Math.round((w * (y2 - y1)) / (x2 - x1)),
    x: { domain: [x1, x2], label: "x", tickFormat: valueTick },
    y: { domain: [y1, y2], label: "y", tickFormat: valueTick },
    color: { type: "linear", scheme: "blues", reverse: true, legend: false },
    marks: [
      Plot.contour({
        fill: surface.logContours ? (x: number, y: number) => Math.log10(surface.value(x, y) - fmin + 1e-2) : (x: number, y: number) => surface.value(x, y),
        x1,
        x2,
        y1,
        y2,
        stroke: "white",
        strokeOpacity: 0.4,
        thresholds: 24,
      }),
      Plot.dot([surface.start], { x: (d: number[]) => d[0], y: (d: number[]) => d[1], fill: stroke, r: 4 }),
      Plot.dot([surface.minimum], { x: (d: number[]) => d[0], y: (d: number[]) => d[1], symbol: "star", fill: "gold", stroke: "black", r: 6 }),
    ],
  }) as unknown as SVGSVGElement & { scale(name: string): { apply(v: number): number } };
  element.setAttribute("aria-label", `Contours of the ${surface.label} surface with the optimizer's path`);
  const sx = element.scale("x");
  const sy = element.scale("y");
  const [px1, px2, py1, py2] = [sx.apply(x1), sx.apply(x2), sy.apply(y2), sy.apply(y1)];
  // A path far outside the view is clipped to the frame, and coordinates are bounded so a diverging run
  // cannot produce numbers the SVG renderer chokes on.
  const limit = 10 * Math.max(px2, py2);
  const clamp = (v: number) => (v < -limit ? -limit : v > limit ? limit : v);
  const clipId = `descent-surface-clip-${Math.random().toString(36).slice(2)}`;
  const clip = svgEl("clipPath", { id: clipId });
  clip.append(svgEl("rect", { x: px1, y: py1, width: px2 - px1, height: py2 - py1 }));
  const overlay = svgEl("g", { "clip-path": `url(#${clipId})`, "aria-label": "path" });
  const line = svgEl("path", { fill: "none", stroke, "stroke-width": 1.5, "stroke-linejoin": "round" });
  const rings = svgEl("g", { "aria-label": "marks" });
  overlay.append(line, rings);
  element.append(clip, overlay);

  return {
    element,
    draw(points, { marks = [] } = {}) {
      let d = "";
      for (let i = 0; i < points.length; i++) d += `${i ? "L" : "M"}${clamp(sx.apply(points[i].x)).toFixed(1)},${clamp(sy.apply(points[i].y)).toFixed(1)}`;
      line.setAttribute("d", d);
      rings.replaceChildren(
        ...marks
          .filter((m) => m.step < points.length)
          .map((m) => {
            const c = svgEl("circle", { cx: clamp(sx.apply(points[m.step].x)), cy: clamp(sy.apply(points[m.step].y)), r: 4, fill: "white", stroke: "black" });
            const t = document.createElementNS(SVG, "title");
            t.textContent = m.title;
            c.append(t);
            return c;
          }),
      );
    },
  };
}
