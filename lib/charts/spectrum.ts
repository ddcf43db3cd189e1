/**
 * A Hessian's eigenvalues by rank (largest first, log scale, floored so zeros show), coloured by whether
 * gradient descent with learning rate `lr` is stable along each (ηλ < 2), with the ceiling 2/η as a line.
 * Extra options pass straight to Plot.plot.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface SpectrumOptions extends Plot.PlotOptions {
  /** The learning rate η whose ceiling 2/η is drawn. */
  lr: number;
  /** Eigenvalues below this are drawn at it (default 1e-7). */
  floor?: number;
}

/** `eigenvalues`: ascending, as lib/newton's spectrum() returns them. */
export function spectrumChart(eigenvalues: ArrayLike<number>, { lr, floor = 1e-7, width = 640, ...rest }: SpectrumOptions) {
  const n = eigenvalues.length;
  const rows = Array.from(eigenvalues, (v, k) => ({ rank: n - k, λ: Math.max(v, floor), raw: v })).reverse();
  return Plot.plot({
    width,
    height: 260,
    grid: true,
    x: { label: "eigenvalue rank (largest first)" },
    y: { type: "log", label: "eigenvalue λ (floored at 10⁻⁷)", ...valueAxis },
    color: { domain: ["stable", "unstable at this η"], range: ["steelblue", "crimson"], legend: true },
    ...rest,
    marks: [
      Plot.dot(rows, { x: "rank", y: "λ", r: 1.8, fill: (d) => (lr * d.raw >= 2 ? "unstable at this η" : "stable"), tip: true }),
      Plot.ruleY([2 / lr], { stroke: "crimson", strokeDasharray: "4,3" }),
      Plot.text([2 / lr], { x: n, y: (d) => d, text: () => `2/η = ${(2 / lr).toFixed(3)}`, textAnchor: "end", dy: -7, fill: "crimson" }),
      ...(rest.marks ?? []),
    ],
  });
}
