/**
 * Two implementations of one rule trained side by side (the Adam page: Descent's Adam and tf.train.adam). Their
 * loss curves coincide, so drawing both as lines hides one under the other: here the first is a line, the
 * second dots on it (every few steps, so the line shows between them), and a second panel plots what the eye
 * cannot see, their relative difference |a − b| / max(|a|, |b|) per step, on a log scale. Steps where the two
 * are bit-for-bit equal have no place on a log axis: the panel's title counts them.
 */
import * as Plot from "@observablehq/plot";
import { acceptedChanges } from "../experiments/lanes.js";
import type { Lane } from "../experiments/types.js";
import { changeMarks } from "./change-marker.js";
import { thin } from "./thin.js";
import { valueAxis } from "./ticks.js";

export interface AgreementOptions {
  width?: number;
  /** The two lanes' colours: line, dots. */
  colors?: [string, string];
  /** Points drawn per line at most (live charts redraw often). */
  points?: number;
}

type LossLane = Lane<{ step: number; loss: number }>;

export function agreementRows([a, b]: readonly LossLane[]): { step: number; rel: number }[] {
  const n = Math.min(a.points.length, b.points.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a.points[i].loss;
    const y = b.points[i].loss;
    return { step: a.points[i].step, rel: Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)) };
  });
}

/** Where a lane's options changed mid-run (lib/experiments' LaneChange), as notes for changeMarks. */
export function laneChangeNotes(lane: Pick<LossLane, "changes">): { step: number; note: string }[] {
  return acceptedChanges(lane).map((c) => ({ step: c.step, note: Object.entries(c.options).map(([k, v]) => `${k} → ${v}`).join(", ") }));
}

/** The two losses: the first lane a line, the second dots on it. */
export function agreementLosses(lanes: readonly LossLane[], { width = 640, colors = ["steelblue", "orange"], points = 300 }: AgreementOptions = {}) {
  const [a, b] = lanes;
  const line = thin(a.points.filter((p) => p.loss > 0 && Number.isFinite(p.loss)), points);
  const dots = thin(b.points.filter((p) => p.loss > 0 && Number.isFinite(p.loss)), 40);
  return Plot.plot({
    width, height: 280, grid: true, marginLeft: 60,
    y: { type: "log", label: "loss (summed squared error)", ...valueAxis },
    color: { legend: true, domain: [a.label, b.label], range: colors },
    marks: [Plot.lineY(line, { x: "step", y: "loss", stroke: () => a.label, strokeWidth: 2 }), Plot.dot(dots, { x: "step", y: "loss", fill: () => b.label, r: 3 }), ...changeMarks(laneChangeNotes(a))],
  });
}

/** Their relative difference per step, log scale; the title counts the steps where they are equal. */
export function agreementDifference(lanes: readonly LossLane[], { width = 640, points = 300 }: AgreementOptions = {}) {
  const rel = agreementRows(lanes);
  const equal = rel.filter((d) => d.rel === 0).length;
  return Plot.plot({
    width, height: 180, grid: true, marginLeft: 60,
    title: `Relative difference of the two losses${equal ? ` (identical at ${equal} of ${rel.length} steps, not drawn)` : ""}`,
    y: { type: "log", label: "|a − b| / max(|a|, |b|)", ...valueAxis },
    marks: [Plot.lineY(thin(rel.filter((d) => d.rel > 0), points), { x: "step", y: "rel", stroke: "#555" }), ...changeMarks(laneChangeNotes(lanes[0]))],
  });
}
