/**
 * What the Newton page says about its experiments' snapshots (lib/experiments/newton.ts): the rows its tables
 * and charts draw and the sentences under them. Pure functions of snapshots, so Node tests can read them.
 */
import type { Lane } from "./types.js";
import type { HessianSpeedPoint, NewtonPoint, NewtonRunSummary, PartialsMeta, SinesSnapshot, SpectrumMeta, StabilitySnapshot } from "./newton.js";
import type { DigitsRaceSnapshot } from "./newton.js";

/** The table of f = a²b's derivatives at (2, 3), with the notebook's names for them. */
export function partialsRows({ f, g, H }: PartialsMeta): { quantity: string; formula: string; value: number }[] {
  return [
    { quantity: "f(2, 3) = a²b", formula: "a²b", value: f },
    { quantity: "∂f/∂a (the notebook's df/dx)", formula: "2ab", value: g[0] },
    { quantity: "∂f/∂b (df/dy)", formula: "a²", value: g[1] },
    { quantity: "∂²f/∂a² (d²f/dx²)", formula: "2b", value: H[0] },
    { quantity: "∂²f/∂b∂a (d²f/dydx)", formula: "2a", value: H[2] },
    { quantity: "∂²f/∂a∂b (d²f/dxdy)", formula: "2a", value: H[1] },
    { quantity: "∂²f/∂b²", formula: "0", value: H[3] },
  ];
}

/** The line under the Hessian of Σ sin xᵢ. */
export function sinesHessianNote({ meta }: Pick<SinesSnapshot, "meta">, dim: number): string {
  const { x0, H, hessianMs } = meta!;
  const offDiagonal = Math.max(0, ...H.filter((_, k) => Math.floor(k / dim) !== k % dim).map(Math.abs));
  return (
    `x₀ = [${x0.map((v) => v.toFixed(3)).join(", ")}]; the ${dim}×${dim} Hessian took ${hessianMs.toFixed(1)} ms in the worker: ` +
    `${dim} Hessian-vector products, one per column. Largest off-diagonal |Hᵢⱼ|: ${offDiagonal.toExponential(1)}.`
  );
}

export interface NewtonIterateRow {
  iteration: number;
  loss: number;
  gradNorm: number;
  stepSize: number;
  direction: string | null;
  x: number[];
}

/** One run's iterates with x as an array and the direction each step took (null at the start). */
export function newtonIterateRows(lane: Lane<NewtonPoint>, run: NewtonRunSummary, dim: number): NewtonIterateRow[] {
  return lane.points.map((p, k) => ({
    iteration: p.iteration,
    loss: p.loss,
    gradNorm: p.gradNorm,
    stepSize: p.stepSize,
    direction: run.directions[k] || null,
    x: Array.from({ length: dim }, (_, i) => p[`x${i + 1}`]),
  }));
}

/** sin xᵢ per coordinate and iteration, for the chart of where each coordinate heads. */
export function sineRows(iterates: readonly NewtonIterateRow[]): { iteration: number; coordinate: string; "sin xᵢ": number }[] {
  return iterates.flatMap((it) => it.x.map((xi, i) => ({ iteration: it.iteration, coordinate: `x${i + 1}`, "sin xᵢ": Math.sin(xi) })));
}

/** The iterates as the page's table shows them. */
export function newtonTableRows(iterates: readonly NewtonIterateRow[]) {
  return iterates.map((it) => ({
    iteration: it.iteration,
    f: it.loss,
    "‖∇f‖": it.gradNorm,
    "step α": it.stepSize,
    direction: it.direction ?? "",
    x: it.x.map((v) => v.toFixed(3)).join(", "),
  }));
}

/** "Pure Newton: ‖∇f‖∞ ≤ … after 7 iterations; f = …, Hessian eigenvalues there […] — a saddle." */
export function describeNewtonRun(name: string, t: NewtonRunSummary): string {
  return `${name}: ${t.message}; f = ${t.loss.toFixed(6)}, Hessian eigenvalues there [${t.eigenvalues.map((v) => v.toFixed(3)).join(", ")}] — a ${t.kind}.`;
}

/** The digits race as rows {method, iteration, loss, ms}, L* (the lowest loss so far) and the error that stopped it. */
export function digitsRaceRows(race: Pick<DigitsRaceSnapshot, "lanes">) {
  const rows = race.lanes.flatMap((l) => l.points.map((p) => ({ method: l.label, ...p })));
  return { rows, best: Math.min(...rows.map((d) => d.loss)), error: race.lanes.find((l) => l.error)?.error ?? null };
}

export interface SpeedRow extends HessianSpeedPoint {
  method: string;
  label: string;
  runs: number[];
}

/** Every timing of the Hessian-speed run as one row, with its method and every timed run. */
export function speedRows(speed: { lanes: Lane<HessianSpeedPoint>[] }): SpeedRow[] {
  return speed.lanes.flatMap((l) => l.points.map((p) => ({ ...p, method: l.key, label: l.label, runs: (l.state?.[`n=${p.n}`] as number[]) ?? [] })));
}

/** The sentence under the timings: the full 650×650 Hessian three ways (the n HVPs extrapolated as n² if not measured). */
export function speedSummary(rows: readonly SpeedRow[]): string {
  const at = (method: string, n: number) => rows.find((d) => d.method === method && d.n === n);
  const hvpLast = rows.filter((d) => d.method === "hvp").at(-1);
  const blocks = at("blocks", 650);
  const kron = at("kronecker", 650);
  if (!blocks) return "Timing…";
  const hvp =
    hvpLast == null
      ? "n HVPs: …"
      : hvpLast.n === 650
        ? `650 HVPs ${(hvpLast.ms / 1000).toFixed(2)} s.`
        : `n HVPs ${hvpLast.ms.toFixed(0)} ms at n = ${hvpLast.n}; growing as n², that is about ` +
          `${((hvpLast.ms * (650 / hvpLast.n) ** 2) / 1000).toFixed(1)} s at n = 650 (an extrapolation — pick 650 above to measure it).`;
  return (
    `Full 650×650 digits Hessian, measured just now in this page's worker: block closed form ${blocks.ms.toFixed(0)} ms (median of ` +
    `${blocks.runs.length}: ${blocks.runs.map((t) => t.toFixed(0)).join(", ")} ms), Kronecker closed form ` +
    `${kron ? kron.ms.toFixed(0) + " ms" : "…"}, ` +
    hvp
  );
}

/** The sentence under the spectrum. */
export function spectrumSummary(s: SpectrumMeta, images: number): string {
  return (
    `λ_max = ${s.lambdaMax.toFixed(4)}, so η < 2/λ_max = ${s.maxStableLearningRate.toFixed(4)}; ` +
    `${s.zero} eigenvalues are zero to within 10⁻⁶·λ_max: 65 from the flat valley (one per pixel and the bias: that weight shifted alike in every class), ` +
    `the other ${s.zero - 65} from pixel directions the training images (almost) never use, nine copies each — ${s.rare} pixels are inked in at most 5 of the ` +
    `${images} images, ${s.blank} in none. ` +
    `Hessian ${s.hessianMs.toFixed(0)} ms (a cold first call, setup included), all 650 eigenvalues ${s.eigMs.toFixed(0)} ms (Householder + QL, float64 JavaScript).`
  );
}

/** The stability run as rows {function, step, loss}, its notes (how each run ended, λ_max at the end) and the two sentences under it. */
export function stabilityReport(run: Pick<StabilitySnapshot, "lanes" | "meta">, { lr, steps, maxStableLearningRate }: { lr: number; steps: number; maxStableLearningRate: number }) {
  const rows = run.lanes.flatMap((l) => l.points.map((p) => ({ function: l.key, ...p })));
  const notes: Record<string, string | number> = {};
  for (const l of run.lanes) {
    const note = l.error ?? (l.status === "done" ? `ran all ${steps} steps` : undefined);
    if (note) notes[l.key] = note;
  }
  const finalLambdaMax = run.meta?.finalLambdaMax;
  if (finalLambdaMax !== undefined) notes.finalLambdaMax = finalLambdaMax;
  const quadratic = notes["quadratic model"] as string | undefined;
  const ce = rows.filter((d) => d.function === "cross-entropy");
  return {
    rows,
    notes,
    quadratic: {
      text: `η = ${lr} is ${lr < maxStableLearningRate ? "below" : "above"} 2/λ_max = ${maxStableLearningRate.toFixed(3)}. Quadratic model: ${quadratic ?? "running…"}.`,
      diverged: /diverged/.test(quadratic ?? ""),
    },
    crossEntropy:
      `Cross-entropy: ${notes["cross-entropy"] ?? "running…"}` +
      (ce.length ? `; highest loss ${Math.max(...ce.map((d) => d.loss)).toFixed(3)}, last ${ce.at(-1)!.loss.toFixed(4)}` : "") +
      (finalLambdaMax ? `; λ_max at the end ${finalLambdaMax.toFixed(3)} (2/λ_max = ${(2 / finalLambdaMax).toFixed(2)})` : "") +
      ".",
  };
}
