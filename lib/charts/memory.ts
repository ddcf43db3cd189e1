/**
 * Bytes of optimizer state per parameter tensor: one bar per (tensor, optimizer), labelled with its total and
 * the slots that make it up (from the state buffers' shapes). Log x, with ticks at 16 B, 256 B, 4 KiB, …: a
 * factored state is hundreds of times smaller than a full one, and both must stay readable.
 */
import * as Plot from "@observablehq/plot";

export type MemoryBar = { optimizer: string; tensor: string; slot: string; shapeOfSlot: number[]; bytes: number };

export function formatBytes(b: number): string {
  if (b >= 1024 * 1024) return `${+(b / 1024 / 1024).toPrecision(3)} MiB`;
  if (b >= 1024) return `${+(b / 1024).toPrecision(3)} KiB`;
  return `${b} B`;
}

export function memoryChart(data: readonly MemoryBar[], { width = 640, ...rest }: Omit<Plot.PlotOptions, "x" | "y"> = {}) {
  const keys = [...new Set(data.map((d) => `${d.tensor}\u0000${d.optimizer}`))];
  const bars = keys.map((key) => {
    const [tensor, optimizer] = key.split("\u0000");
    const slots = data.filter((d) => d.tensor === tensor && d.optimizer === optimizer);
    return { tensor, optimizer, bytes: slots.reduce((n, d) => n + d.bytes, 0), slots: slots.map((d) => `${d.slot} [${d.shapeOfSlot.join("×")}]`).join(", ") };
  });
  const max = Math.max(16, ...bars.map((b) => b.bytes));
  const ticks = [16, 256, 4096, 65536, 1048576, 16777216, 268435456].filter((t) => t <= max * 16);
  return Plot.plot({
    width,
    height: 50 + 22 * bars.length,
    marginLeft: 80,
    marginRight: 40,
    x: { type: "log", domain: [1, max * 16], ticks, tickFormat: formatBytes, grid: true, label: "bytes of optimizer state (log scale)" },
    y: { label: null },
    fy: { label: null },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.barX(bars, { x1: 1, x2: "bytes", y: "optimizer", fy: "tensor", fill: "optimizer", title: (d: (typeof bars)[number]) => `${d.optimizer}, ${d.tensor}: ${formatBytes(d.bytes)}\n${d.slots}` }),
      Plot.text(bars, { x: "bytes", y: "optimizer", fy: "tensor", text: (d: (typeof bars)[number]) => `${formatBytes(d.bytes)} · ${d.slots}`, dx: 4, textAnchor: "start", fontSize: 10 }),
      ...(rest.marks ?? []),
    ],
  });
}
