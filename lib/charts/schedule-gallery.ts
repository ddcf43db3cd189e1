/**
 * Small multiples of learning-rate schedules: one panel per schedule, the rate over steps, each panel scaled to
 * its own peak so shapes compare (the peak is printed in the panel's title). Rows: {schedule, step, lr}.
 */
import * as Plot from "@observablehq/plot";
import { valueAxis } from "./ticks.js";

export interface ScheduleGalleryOptions extends Omit<Plot.PlotOptions, "x" | "y"> {
  /** Panels per row (default: as many of 240 px as fit, at most 4). */
  columns?: number;
}

export function scheduleGallery(rows: readonly { schedule: string; step: number; lr: number }[], { width = 640, columns, ...rest }: ScheduleGalleryOptions = {}) {
  const names = [...new Set(rows.map((r) => r.schedule))];
  const cols = columns ?? Math.max(1, Math.min(4, Math.floor(width / 240)));
  const peak = new Map(names.map((n) => [n, Math.max(...rows.filter((r) => r.schedule === n).map((r) => r.lr))]));
  const cell = (name: string) => ({ fx: names.indexOf(name) % cols, fy: Math.floor(names.indexOf(name) / cols) });
  const data = rows.map((r) => ({ ...r, ...cell(r.schedule), share: r.lr / (peak.get(r.schedule) || 1) }));
  const titles = names.map((n) => ({ title: `${n} (peak ${valueAxis.tickFormat(peak.get(n)!)})`, ...cell(n) }));
  return Plot.plot({
    width,
    height: Math.ceil(names.length / cols) * 130 + 40,
    marginTop: 10,
    fx: { axis: null, padding: 0.12 },
    fy: { axis: null, padding: 0.25 },
    x: { label: "step" },
    y: { label: "rate / its peak", domain: [0, 1.2], ticks: [0, 0.5, 1], ...valueAxis },
    ...rest,
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.areaY(data, { x: "step", y: "share", fx: "fx", fy: "fy", fill: "steelblue", fillOpacity: 0.15 }),
      Plot.lineY(data, { x: "step", y: "share", fx: "fx", fy: "fy", stroke: "steelblue" }),
      Plot.text(titles, { fx: "fx", fy: "fy", text: "title", frameAnchor: "top-left", dx: 4, dy: 4, fontSize: 11 }),
      ...(rest.marks ?? []),
    ],
  });
}
