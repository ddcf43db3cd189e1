/**
 * Choosing where training runs.
 *
 * Automatic choice, by measurement: every backend that starts and computes correctly (a self-check read back
 * asynchronously) runs a short calibration of the bench MLP, and the fastest wins — except that a hardware
 * WebGPU adapter that passes the self-check is taken without calibrating (the site is built around it, and
 * calibration would cost a reader with a real GPU shader compiles on every backend). The result is cached per
 * browser and adapters in localStorage, so the calibration runs once, not on every page.
 * An explicit choice (picker or `?backend=` in the URL) wins; if it cannot start, we fall back to the
 * automatic choice and say so instead of failing.
 *
 * Backends can be loaded on demand: `setBackendLoaders` (lib/browser.ts) gives an import per backend, so a
 * page downloads only the backends it starts.
 */
import * as tf from "@tensorflow/tfjs-core";

export const BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === "string" && (BACKENDS as readonly string[]).includes(x);
}

/** What we learnt about one backend before choosing. */
export interface Probe {
  name: BackendName;
  available: boolean;
  /** Adapter or renderer description, e.g. "nvidia ampere" or "SwiftShader". */
  adapter: string;
  /** A software rasteriser or fallback adapter: available, but slower than wasm. */
  software: boolean;
}

/** One backend's calibration: bench MLP steps per second here, or why it was not used. */
export interface Calibration {
  name: BackendName;
  /** NaN when the backend did not start, failed the self-check, or was too slow to finish the calibration. */
  stepsPerSec: number;
  /** Started, passed the self-check and was measured. */
  valid: boolean;
  /** Started and passed the self-check (a backend can pass and still be too slow to measure). */
  correct?: boolean;
  /** A software GPU, not started or measured because wasm (or cpu) works (calibrateBackends says why). */
  software?: boolean;
}

export interface EngineInfo {
  backend: BackendName;
  adapter: string;
  /** True when no override was asked for (or the override failed and we fell back). */
  auto: boolean;
  /** The backend the automatic rule picks on this machine. */
  autoBackend: BackendName;
  /** Set when something did not go as asked, e.g. an override that could not start. */
  notice?: string;
  probes: Probe[];
  /** Why the automatic rule picked `autoBackend`, in words for the badge. */
  reason: string;
  /** The calibration behind the choice (empty when none ran, e.g. hardware WebGPU). */
  calibration: Calibration[];
  /** Whether the calibration came from this browser's cache. */
  cached: boolean;
  /** No calibration yet and none was run (`cacheOnly`): the caller should run one and store it. */
  needsCalibration: boolean;
}

type Loader = () => Promise<unknown>;
const loaders: Partial<Record<BackendName, Loader>> = {};
const loaded = new Map<BackendName, Promise<boolean>>();

/** Imports that register a backend when it is first needed (the browser bundle's code-split chunks). */
export function setBackendLoaders(l: Partial<Record<BackendName, Loader>>): void {
  Object.assign(loaders, l);
}

/** Make sure `name` is registered with tfjs, importing its chunk if needed. False if it cannot be. */
export function loadBackend(name: BackendName): Promise<boolean> {
  if (tf.findBackendFactory(name)) return Promise.resolve(true);
  const load = loaders[name];
  if (!load) return Promise.resolve(false);
  let p = loaded.get(name);
  if (!p) {
    p = load().then(
      () => Boolean(tf.findBackendFactory(name)),
      () => false,
    );
    loaded.set(name, p);
  }
  return p;
}

const canLoad = (name: BackendName) => Boolean(tf.findBackendFactory(name) || loaders[name]);

const SOFTWARE = /swiftshader|llvmpipe|software|basic render|microsoft basic/i;

async function probeWebGPU(): Promise<Probe> {
  const none: Probe = { name: "webgpu", available: false, adapter: "no WebGPU", software: false };
  const gpu = (globalThis.navigator as Navigator & { gpu?: any })?.gpu;
  if (!gpu || !canLoad("webgpu")) return none;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return { ...none, adapter: "no WebGPU adapter" };
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "unknown adapter";
    const software = Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter) || SOFTWARE.test(text);
    return { name: "webgpu", available: true, adapter: text, software };
  } catch (e) {
    return { ...none, adapter: `WebGPU error: ${(e as Error).message}` };
  }
}

function probeWebGL(): Probe {
  const none: Probe = { name: "webgl", available: false, adapter: "no WebGL", software: false };
  if (!canLoad("webgl")) return none;
  try {
    // In a Web Worker (where training runs) there is no document; tfjs's webgl backend uses an OffscreenCanvas there.
    const canvas = typeof document !== "undefined" ? document.createElement("canvas") : typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(1, 1) : null;
    if (!canvas) return none;
    const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null;
    if (!gl) return none;
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const text = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return { name: "webgl", available: true, adapter: text, software: SOFTWARE.test(text) };
  } catch (e) {
    return { ...none, adapter: `WebGL error: ${(e as Error).message}` };
  }
}

function probeSimple(name: "wasm" | "cpu"): Probe {
  const available = canLoad(name);
  const adapter = name === "wasm" ? "WebAssembly (XNNPACK)" : "JavaScript";
  return { name, available, adapter, software: false };
}

export async function probeBackends(): Promise<Probe[]> {
  return [await probeWebGPU(), probeWebGL(), probeSimple("wasm"), probeSimple("cpu")];
}

/**
 * The rule used without a measurement: the first available hardware GPU backend, else wasm, else cpu.
 * (Software GPUs are slower than wasm on every machine measured so far; calibration measures them only when
 * neither wasm nor cpu works.)
 */
export function autoChoice(probes: Probe[]): BackendName {
  const usable = (n: BackendName) => probes.find((p) => p.name === n && p.available && !p.software);
  return (["webgpu", "webgl", "wasm", "cpu"] as const).find(usable) ?? "cpu";
}

/**
 * Does the active backend compute correctly? Some software GPUs start fine and then return zeros, so a backend
 * is only used after it gets a small matMul, exp and sum right. Read back asynchronously, the way training
 * reads: a synchronous read on WebGPU goes through a canvas copy that returns zeros where canvas interop is
 * missing (SwiftShader in headless Chromium), although the computation itself is right.
 */
export async function selfCheck(): Promise<boolean> {
  try {
    const out = tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tf.tensor2d([0.5, -1, 0.25, 2, -0.5, 1], [3, 2]);
      const c = tf.matMul(a, b); // [[-0.5, 6], [0.25, 12]]
      return tf.concat([tf.reshape(tf.sum(tf.exp(tf.mul(c, 0.1))), [1]), tf.reshape(c, [4])]);
    });
    const got = await out.data();
    out.dispose();
    const want = [Math.exp(-0.05) + Math.exp(0.6) + Math.exp(0.025) + Math.exp(1.2), -0.5, 6, 0.25, 12];
    return want.every((w, i) => Math.abs(got[i] - w) <= 1e-4 * Math.max(1, Math.abs(w)));
  } catch {
    return false;
  }
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    if (!(await loadBackend(name))) return false;
    return (await tf.setBackend(name)) === true && tf.getBackend() === name && (await selfCheck());
  } catch {
    return false;
  }
}

/** Where the calibration is kept: one entry per browser and set of adapters (a new GPU or driver recalibrates). */
export function calibrationKey(probes: Probe[]): string {
  const ua = typeof navigator !== "undefined" ? navigator.userAgent : "node";
  return `descent-backend-v1|${ua}|${probes.map((p) => `${p.name}:${p.available ? p.adapter : "-"}`).join("|")}`;
}

/** A short measurement of one backend: the bench MLP's steps per second (see bench.ts), or NaN. */
export type Calibrate = (name: BackendName) => Promise<number>;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // storage disabled (privacy settings, sandboxed frames)
  }
}

function readCache(key: string): Calibration[] | undefined {
  try {
    const v = JSON.parse(storage()?.getItem(key) ?? "null");
    if (!Array.isArray(v) || !v.every((c) => isBackendName(c?.name) && typeof c.valid === "boolean")) return undefined;
    return v.map((c) => ({ name: c.name, valid: c.valid, stepsPerSec: c.stepsPerSec ?? NaN, correct: c.correct === true, ...(c.software === true && { software: true }) }));
  } catch {
    return undefined;
  }
}

/** The fastest valid entry of a calibration. */
export function fastest(calibration: readonly Calibration[]): Calibration | undefined {
  return calibration.filter((c) => c.valid && Number.isFinite(c.stepsPerSec)).sort((a, b) => b.stepsPerSec - a.stepsPerSec)[0];
}

const describe = (cal: readonly Calibration[]) =>
  cal
    .map((c) => (c.valid ? `${c.name} ${c.stepsPerSec.toFixed(c.stepsPerSec < 10 ? 1 : 0)}` : c.software ? `${c.name} not measured (software GPU)` : c.correct ? `${c.name} too slow to measure` : `${c.name} failed its self-check`))
    .join(", ");

export interface InitOptions {
  /** The measurement used for the automatic choice (default: none, the rule in `autoChoice`). */
  calibrate?: Calibrate;
  /** Ignore a cached calibration and measure again. */
  recalibrate?: boolean;
  /**
   * Use a cached calibration but never measure here: without one, take the rule and set `needsCalibration`, so
   * the caller can calibrate elsewhere (pages do it in a Worker, after the page has started) and `storeCalibration`.
   */
  cacheOnly?: boolean;
}

/**
 * Measure every backend that starts and passes the self-check, in an order that keeps GPUs (which keep CPU
 * threads busy after their turn) last. cpu is measured only when wasm fails: both run the same kernels,
 * wasm's compiled with SIMD, and cpu has been 8–14× slower on every machine measured. A software GPU
 * (`software`) is measured only when neither wasm nor cpu works: on this project's machines SwiftShader's WebGL
 * and WebGPU compute correctly but did not finish the calibration's budget (wasm: 64 steps/s), and measuring
 * them cost a first visit their download and left the browser's GPU process busy for ~2 s afterwards, which
 * stalled the page's frames (a paused run's last step appeared 1.6–2.5 s late).
 */
export async function calibrateBackends(calibrate: Calibrate, available: (name: BackendName) => boolean = () => true, software: (name: BackendName) => boolean = () => false): Promise<Calibration[]> {
  const calibration: Calibration[] = [];
  for (const name of ["wasm", "cpu", "webgl", "webgpu"] as const) {
    if (!available(name)) continue;
    if (name === "cpu" && calibration.some((c) => c.name === "wasm" && c.valid)) continue;
    if (software(name) && calibration.some((c) => c.valid)) {
      calibration.push({ name, valid: false, stepsPerSec: NaN, software: true });
      continue;
    }
    const valid = await trySet(name);
    const stepsPerSec = valid ? await calibrate(name).catch(() => NaN) : NaN;
    // A GPU backend cut off by the budget still has its queued steps to run (SwiftShader: ~10 s of shader
    // compiles and kernels on the CPU). Wait for them here, so they slow down the calibration, not the first run.
    if (valid && (name === "webgl" || name === "webgpu")) await drain();
    calibration.push({ name, valid: valid && Number.isFinite(stepsPerSec), stepsPerSec, correct: valid });
  }
  return calibration;
}

/** Resolves once the active backend has finished the work queued before it (a read waits behind it). */
async function drain(): Promise<void> {
  const t = tf.zeros([1]);
  try {
    await t.data();
  } catch {
    // a lost device: nothing left to wait for
  } finally {
    t.dispose();
  }
}

/** Keep a calibration for this browser and these adapters. */
export function storeCalibration(probes: Probe[], calibration: Calibration[]): void {
  try {
    storage()?.setItem(calibrationKey(probes), JSON.stringify(calibration));
  } catch {
    // quota or disabled storage: calibrate again next time
  }
}

type Decision = Pick<EngineInfo, "autoBackend" | "reason" | "calibration" | "cached" | "needsCalibration">;

/** Decide the automatic backend: hardware WebGPU, cached calibration, fresh calibration, or the rule. */
async function decide(probes: Probe[], { calibrate, recalibrate, cacheOnly }: InitOptions): Promise<Decision> {
  const webgpu = probes.find((p) => p.name === "webgpu");
  if (webgpu?.available && !webgpu.software && (await trySet("webgpu"))) {
    return { autoBackend: "webgpu", reason: "hardware WebGPU, preferred", calibration: [], cached: false, needsCalibration: false };
  }
  const rule = autoChoice(probes);
  let calibration = recalibrate ? undefined : readCache(calibrationKey(probes));
  const cached = calibration !== undefined;
  if (!calibration && cacheOnly) {
    return { autoBackend: rule, reason: "rule (hardware GPU, else wasm) until this browser's calibration has run", calibration: [], cached: false, needsCalibration: true };
  }
  if (!calibration && !calibrate) return { autoBackend: rule, reason: "rule: hardware GPU, else wasm", calibration: [], cached: false, needsCalibration: false };
  if (!calibration) {
    const probe = (n: BackendName) => probes.find((p) => p.name === n);
    calibration = await calibrateBackends(calibrate!, (n) => Boolean(probe(n)?.available), (n) => Boolean(probe(n)?.software));
    storeCalibration(probes, calibration);
  }
  const best = fastest(calibration);
  if (!best) return { autoBackend: rule, reason: "no backend passed calibration; rule", calibration, cached, needsCalibration: false };
  return { autoBackend: best.name, reason: `fastest measured here (steps/s: ${describe(calibration)})${cached ? ", cached" : ""}`, calibration, cached, needsCalibration: false };
}

/**
 * Pick and start a backend. `override` comes from the picker or the URL; anything not a backend name is
 * reported in `notice` and ignored.
 */
export async function initBackend(override?: string | null, options: InitOptions = {}): Promise<EngineInfo> {
  const probes = await probeBackends();
  const adapterOf = (n: BackendName) => probes.find((p) => p.name === n)?.adapter ?? "";
  let notice: string | undefined;
  const explicit = override != null && override !== "" && override !== "auto";
  if (explicit && isBackendName(override) && (await trySet(override))) {
    // The automatic choice is still worked out for the picker's "auto (…)" label, from the cache when there is one.
    const auto = readCache(calibrationKey(probes));
    const best = auto && fastest(auto);
    const autoBackend = best?.name ?? autoChoice(probes);
    return { backend: override, adapter: adapterOf(override), auto: false, autoBackend, probes, reason: "your choice", calibration: auto ?? [], cached: Boolean(auto), needsCalibration: false };
  }
  const decision = await decide(probes, options);
  const { autoBackend } = decision;
  if (explicit) {
    notice = isBackendName(override)
      ? `The ${override} backend could not start here, or computed wrong results; fell back to ${autoBackend}.`
      : `Unknown backend "${String(override).slice(0, 40)}" ignored; using ${autoBackend}.`;
  }
  // Walk down the preference list until one starts: a probe can pass and the backend still fail to init.
  const order = [autoBackend, ...BACKENDS.filter((b) => b !== autoBackend && b !== "webgpu" && b !== "webgl"), "cpu" as const];
  for (const name of order) {
    if (await trySet(name)) {
      if (name !== autoBackend) notice = `${notice ?? ""} ${autoBackend} could not start; using ${name}.`.trim();
      return { backend: name, adapter: adapterOf(name), auto: true, notice, probes, ...decision };
    }
  }
  throw new Error("No TensorFlow.js backend could start (tried webgpu, webgl, wasm, cpu).");
}
