/**
 * The MNIST races' charts: per-step loss curves of several runs (the first notebook's `plot_losses`) and the
 * evaluation curves of the second notebook (accuracy or loss against samples seen, test solid, train dashed).
 *
 * Two rules every chart of those pages keeps, so a reader can trust them:
 *  - a run keeps its colour on every chart of a page (`labels`, the page's order), and the legend lists only
 *    the runs the chart draws;
 *  - a zoomed axis (`yMax`) clamps a value above it to the top edge (the tip still says the true value), so a
 *    spike shows as a line running along the top, inside the frame.
 * Live charts pass `tips: false`: a pointer index is rebuilt on every redraw, and nobody points at a moving curve.
 */
import * as Plot from "@observablehq/plot";
import { smoothRows } from "./smoothing.js";
import { valueAxis } from "./ticks.js";

/** Plot's default categorical scheme ("observable10"), so these charts match the site's other charts. */
const palette = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0"];

/** A colour scale over the drawn series only, each in the colour its place in `labels` gives it. */
export function seriesColors(labels: readonly string[], drawn: readonly string[], legend = true) {
  const domain = [...labels.filter((l) => drawn.includes(l)), ...drawn.filter((l) => !labels.includes(l))];
  const index = (l: string) => (labels.includes(l) ? labels.indexOf(l) : labels.length + drawn.indexOf(l));
  return { legend: legend && domain.length > 0, domain, range: domain.map((l) => palette[index(l) % palette.length]) };
}

export interface RaceSeries {
  label: string;
  points: readonly { step: number; loss: number; samplesSeen?: number }[];
  /** Option changes made while it ran (lib/experiments' LaneChange): each from step `step` on. */
  changes?: readonly { step: number; options: Record<string, unknown>; error?: string }[];
}

/**
 * One row per accepted option change, at the first step that used it (on a samples axis: the samples seen
 * before that step). A change every lane took at the same place is one row, without the lanes' names.
 */
export function changeRows(series: readonly RaceSeries[], x: "step" | "samplesSeen" = "step") {
  const all = series.flatMap((s) =>
    (s.changes ?? [])
      .filter((c) => !c.error)
      .map((c) => ({
        label: s.label,
        step: c.step,
        at: x === "step" ? c.step : (s.points.find((p) => p.step === c.step - 1)?.samplesSeen ?? 0),
        note: Object.entries(c.options).map(([k, v]) => `${k} → ${v}`).join(", "),
      })),
  );
  const rows = new Map<string, { at: number; note: string; title: string; labels: string[] }>();
  for (const c of all) {
    const key = `${c.at}|${c.note}`;
    const row = rows.get(key) ?? { at: c.at, note: c.note, title: "", labels: [] };
    row.labels.push(c.label);
    row.title = `${c.note} from step ${c.step}${row.labels.length < series.length ? ` (${row.labels.join(", ")})` : ""}`;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export interface RaceLossOptions {
  width?: number;
  height?: number;
  /** Upper end of the y-axis (values above are clamped to it); undefined or non-finite: fit the data. */
  yMax?: number;
  /** Moving-average window in steps; 1 (default) draws the raw losses. */
  smoothing?: number;
  x?: "step" | "samplesSeen";
  /** Fixed x-axis end, so a live curve grows into a fixed frame. */
  xMax?: number;
  /** The page's runs in order (their colours); default: the series' labels. */
  labels?: readonly string[];
  legend?: boolean;
  tips?: boolean;
}

/** Rows {label, step, loss, shown, samplesSeen?}: `loss` the (smoothed) value, `shown` clamped to yMax. */
export function raceLossRows(series: readonly RaceSeries[], smoothing = 1, yMax = Infinity) {
  return series.flatMap((s) => smoothRows(s.points.map((p) => ({ ...p, label: s.label })), smoothing).map((r) => ({ ...r, shown: Math.min(r.loss, yMax) })));
}

export function raceLossChart(series: readonly RaceSeries[], { width = 640, height = 260, yMax, smoothing = 1, x = "step", xMax, labels, legend = true, tips = true }: RaceLossOptions = {}) {
  const zoom = yMax !== undefined && Number.isFinite(yMax);
  const rows = raceLossRows(series, smoothing, zoom ? yMax : Infinity);
  const channels = { x, y: "shown", stroke: "label" } as const;
  const changes = changeRows(series, x);
  return Plot.plot({
    width,
    height,
    grid: true,
    x: { label: x === "step" ? "update step" : "samples seen", ...(xMax !== undefined && { domain: [0, xMax] }) },
    y: { label: `${smoothing > 1 ? `loss (moving average of ${Math.floor(smoothing)})` : "loss"}${zoom ? `, clamped at ${yMax}` : ""}`, ...valueAxis, ...(zoom ? { domain: [0, yMax] } : { zero: true }) },
    color: seriesColors(labels ?? series.map((s) => s.label), series.filter((s) => s.points.length).map((s) => s.label), legend),
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(rows, channels),
      // Where the reader changed an option mid-run: a dashed rule from that step on, its change written at the top.
      Plot.ruleX(changes, { x: "at", stroke: "currentColor", strokeOpacity: 0.6, strokeDasharray: "5,4", title: "title" }),
      Plot.text(changes, { x: "at", text: "note", frameAnchor: "top", dx: 4, dy: 4, textAnchor: "start", fontSize: 11 }),
      ...(tips ? [Plot.tip(rows, Plot.pointerX({ ...channels, title: (d: (typeof rows)[number]) => `${d.label}\n${x === "step" ? "step" : "samples"} ${d[x]}\nloss ${d.loss.toFixed(4)}` }))] : []),
    ],
  });
}

export interface EvalRow {
  label: string;
  samplesSeen: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
}

export interface EvalChartOptions {
  width?: number;
  height?: number;
  /** "accuracy" or "loss". */
  measure?: "accuracy" | "loss";
  /** Draw the training set's curve too, dashed (default: the test set only). */
  train?: boolean;
  xMax?: number;
  labels?: readonly string[];
  tips?: boolean;
}

/** Accuracy or loss at each evaluation against samples seen, one colour per run: test solid (with dots), train dashed. */
export function evalChart(lanes: readonly { label: string; points: readonly Omit<EvalRow, "label">[] }[], { width = 640, height = 260, measure = "accuracy", train = false, xMax, labels, tips = true }: EvalChartOptions = {}) {
  const key = measure === "accuracy" ? "Acc" : "Loss";
  const rows = lanes.flatMap((l) => l.points.map((p) => ({ label: l.label, samplesSeen: p.samplesSeen, test: p[`test${key}`], train: p[`train${key}`] })));
  const z = { x: "samplesSeen", stroke: "label" } as const;
  return Plot.plot({
    width,
    height,
    grid: true,
    x: { label: "samples seen", ...(xMax !== undefined && { domain: [0, xMax] }) },
    y: { label: `${train ? "" : "test "}${measure}`, ...(measure === "accuracy" ? { domain: [0, 1] } : { zero: true }), ...valueAxis },
    color: seriesColors(labels ?? lanes.map((l) => l.label), lanes.filter((l) => l.points.length).map((l) => l.label)),
    marks: [
      Plot.line(rows, { ...z, y: "test" }),
      Plot.dot(rows, { ...z, y: "test", r: 2 }),
      ...(train ? [Plot.line(rows, { ...z, y: "train", strokeDasharray: "4,3" })] : []),
      ...(tips
        ? [Plot.tip(rows, Plot.pointer({ ...z, y: "test", title: (d: (typeof rows)[number]) => `${d.label}\n${d.samplesSeen.toLocaleString("en-US")} samples\ntest ${measure} ${d.test.toFixed(4)}${train ? `\ntrain ${measure} ${d.train.toFixed(4)}` : ""}` }))]
        : []),
    ],
  });
}
