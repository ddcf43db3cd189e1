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

/** "m, v [784×256]" for slots of one shape, "R [784×1], C [1×256]" otherwise. */
function describeSlots(slots: readonly MemoryBar[]): string {
  const byShape = new Map<string, string[]>();
  for (const d of slots) byShape.set(d.shapeOfSlot.join("×"), [...(byShape.get(d.shapeOfSlot.join("×")) ?? []), d.slot]);
  return [...byShape].map(([shape, names]) => `${names.join(", ")} [${shape}]`).join(", ");
}

export function memoryChart(data: readonly MemoryBar[], { width = 640, ...rest }: Omit<Plot.PlotOptions, "x" | "y"> = {}) {
  const keys = [...new Set(data.map((d) => `${d.tensor}\u0000${d.optimizer}`))];
  const bars = keys.map((key) => {
    const [tensor, optimizer] = key.split("\u0000");
    const slots = data.filter((d) => d.tensor === tensor && d.optimizer === optimizer);
    const bytes = slots.reduce((n, d) => n + d.bytes, 0);
    return { tensor, optimizer, bytes, log: Math.log10(bytes), slots: describeSlots(slots) };
  });
  // Each bar's label runs past its end: the x domain leaves it room in pixels (at ~5.6 px a character), and on a
  // narrow chart the label takes two lines (its total, then its slots), or it ran past the chart's edge.
  const [marginLeft, marginRight] = [80, 30];
  const inner = width - marginLeft - marginRight;
  const textPx = (lines: string[]) => 5.6 * Math.max(...lines.map((l) => l.length)) + 8;
  const wide = bars.map((b) => `${formatBytes(b.bytes)} · ${b.slots}`);
  const oneLine = textPx(wide) <= 0.55 * inner;
  const labels = oneLine ? wide : bars.map((b) => `${formatBytes(b.bytes)}\n${b.slots}`);
  const room = Math.min(0.6, textPx(labels.flatMap((l) => l.split("\n"))) / inner);
  // A linear scale over log10(bytes), so that every tick keeps its label (a log scale thins them out).
  const longest = Math.log10(Math.max(16, ...bars.map((b) => b.bytes)));
  const top = Math.max(longest + 1.6, longest / (1 - room));
  // Ticks 16× apart, thinned to one per ~48 px: a phone's narrow chart ran "16 B256 B4 KiB…" together.
  const stride = Math.ceil(48 / ((Math.log10(16) * inner) / top));
  const ticks = [16, 256, 4096, 65536, 1048576, 16777216, 268435456].map(Math.log10).filter((t, i) => t <= top && i % stride === 0);
  return Plot.plot({
    width,
    height: 50 + (oneLine ? 22 : 26) * bars.length,
    marginLeft,
    marginRight,
    x: { domain: [0, top], ticks, tickFormat: (v: number) => formatBytes(Math.round(10 ** v)), grid: true, label: "bytes of optimizer state (log scale)" },
    y: { label: null },
    fy: { label: null },
    color: { legend: true },
    ...rest,
    marks: [
      Plot.barX(bars, { x1: 0, x2: "log", y: "optimizer", fy: "tensor", fill: "optimizer", title: (d: (typeof bars)[number]) => `${d.optimizer}, ${d.tensor}: ${formatBytes(d.bytes)}\n${d.slots}` }),
      Plot.text(bars, { x: "log", y: "optimizer", fy: "tensor", text: labels, dx: 4, textAnchor: "start", fontSize: 10, lineHeight: 1 }),
      ...(rest.marks ?? []),
    ],
  });
}
