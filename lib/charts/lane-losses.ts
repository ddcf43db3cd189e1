/**
 * The loss curves of an experiment's lanes on a log scale, one colour per lane (lib/charts/curves.ts). Points
 * whose loss a log axis cannot place (≤ 0, or not finite) are left out.
 */
import type { Lane } from "../experiments/types.js";
import { laneRows } from "../experiments/lanes.js";
import { curves, type CurvesOptions } from "./curves.js";

export interface LaneLossOptions extends CurvesOptions {
  /** One colour per lane, in lane order; the legend lists the lanes' labels. */
  colors: string[];
}

export function laneLosses(lanes: readonly Lane<{ step: number; loss: number }>[], { colors, ...rest }: LaneLossOptions) {
  const rows = laneRows(lanes).filter((d) => d.loss > 0 && Number.isFinite(d.loss));
  return curves(rows, { x: "step", y: "loss", z: "optimizer", logY: true, color: { legend: true, domain: lanes.map((l) => l.label), range: colors }, ...rest });
}
