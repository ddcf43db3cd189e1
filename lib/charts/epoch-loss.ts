/** Mean training loss per epoch, one line with dots per run (lane), each labelled at its last epoch (log y). */
import * as Plot from "@observablehq/plot";
import type { Lane } from "../experiments/types.js";
import { valueAxis } from "./ticks.js";

export interface EpochLossOptions extends Plot.PlotOptions {
  /** The planned number of epochs: the x-axis runs 1 … max(2, epochs) from the start. */
  epochs: number;
  /** The runs' labels, for the colour domain (so colours do not move as runs start). */
  labels: string[];
}

export function epochLossChart(lanes: readonly Lane<{ epoch: number; loss: number }>[], { epochs, labels, width = 640, ...rest }: EpochLossOptions) {
  const points = lanes.flatMap((l) => l.points.map((p) => ({ optimizer: l.label, ...p })));
  // A live change (its `step` is the first epoch it applied to) is drawn between that epoch and the one before.
  const changes = lanes.flatMap((l) =>
    (l.changes ?? [])
      .filter((c) => !c.error)
      .map((c) => {
        const note = `${l.label}: ${Object.entries(c.options).map(([k, v]) => `${k} → ${v}`).join(", ")}`;
        return { at: Math.max(1, c.step - 0.5), note, title: `${note} from epoch ${c.step}` };
      }),
  );
  return Plot.plot({
    width,
    height: 300,
    marginRight: 70, // room for the run labels written after each line's last epoch
    grid: true,
    x: { label: "epoch", domain: [1, Math.max(2, epochs)] },
    y: { label: "mean training loss", type: "log", ...valueAxis },
    color: { legend: true, domain: labels },
    ...rest,
    marks: [
      Plot.line(points, { x: "epoch", y: "loss", stroke: "optimizer", marker: "dot" }),
      Plot.text(points, Plot.selectLast({ x: "epoch", y: "loss", z: "optimizer", text: "optimizer", dx: 6, textAnchor: "start", fill: "optimizer" })),
      Plot.ruleX(changes, { x: "at", stroke: "currentColor", strokeOpacity: 0.6, strokeDasharray: "5,4", title: "title" }),
      Plot.text(changes, { x: "at", text: "note", frameAnchor: "top", dx: 4, dy: 4, textAnchor: "start", fontSize: 11 }),
      ...(rest.marks ?? []),
    ],
  });
}
