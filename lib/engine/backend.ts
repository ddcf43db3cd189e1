/**
 * Choosing where training runs.
 *
 * Order of preference: WebGPU on a hardware adapter, WebGL on a hardware GPU, then wasm, then plain JS (cpu).
 * Software GPUs (SwiftShader, the fallback adapter) are skipped: on them wasm is several times faster
 * (measured on a 2-core machine, bench MLP: wasm 15, webgl 6–11, webgpu 1.4 steps/s before our fixes).
 * An explicit choice (picker or `?backend=` in the URL) wins; if it cannot start, we fall back to the
 * automatic choice and say so instead of failing.
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
}

const SOFTWARE = /swiftshader|llvmpipe|software|basic render|microsoft basic/i;

async function probeWebGPU(): Promise<Probe> {
  const none: Probe = { name: "webgpu", available: false, adapter: "no WebGPU", software: false };
  const gpu = (globalThis.navigator as Navigator & { gpu?: any })?.gpu;
  if (!gpu || !tf.findBackendFactory("webgpu")) return none;
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
  if (!tf.findBackendFactory("webgl")) return none;
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
  const available = Boolean(tf.findBackendFactory(name));
  const adapter = name === "wasm" ? "WebAssembly (XNNPACK)" : "JavaScript";
  return { name, available, adapter, software: false };
}

export async function probeBackends(): Promise<Probe[]> {
  return [await probeWebGPU(), probeWebGL(), probeSimple("wasm"), probeSimple("cpu")];
}

/** The automatic rule: the first available hardware GPU backend, else wasm, else cpu. */
export function autoChoice(probes: Probe[]): BackendName {
  const usable = (n: BackendName) => probes.find((p) => p.name === n && p.available && !p.software);
  return (["webgpu", "webgl", "wasm", "cpu"] as const).find(usable) ?? "cpu";
}

/**
 * Does the active backend compute correctly, read back the way pages read (dataSync)? Some software GPUs
 * start fine and then return zeros (SwiftShader's WebGPU on a 2-core Linux machine did), so a backend is only
 * used after it gets a small matMul, exp and sum right.
 */
export function selfCheck(): boolean {
  try {
    const got = tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tf.tensor2d([0.5, -1, 0.25, 2, -0.5, 1], [3, 2]);
      const c = tf.matMul(a, b); // [[-0.5, 6], [0.25, 12]]
      return [...tf.sum(tf.exp(tf.mul(c, 0.1))).dataSync(), ...c.dataSync()];
    });
    const want = [Math.exp(-0.05) + Math.exp(0.6) + Math.exp(0.025) + Math.exp(1.2), -0.5, 6, 0.25, 12];
    return want.every((w, i) => Math.abs(got[i] - w) <= 1e-4 * Math.max(1, Math.abs(w)));
  } catch {
    return false;
  }
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) === true && tf.getBackend() === name && selfCheck();
  } catch {
    return false;
  }
}

/**
 * Pick and start a backend. `override` comes from the picker or the URL; anything not a backend name is
 * reported in `notice` and ignored.
 */
export async function initBackend(override?: string | null): Promise<EngineInfo> {
  const probes = await probeBackends();
  const autoBackend = autoChoice(probes);
  const adapterOf = (n: BackendName) => probes.find((p) => p.name === n)?.adapter ?? "";
  let notice: string | undefined;
  if (override != null && override !== "" && override !== "auto") {
    if (!isBackendName(override)) {
      notice = `Unknown backend "${String(override).slice(0, 40)}" ignored; using ${autoBackend}.`;
    } else if (await trySet(override)) {
      return { backend: override, adapter: adapterOf(override), auto: false, autoBackend, probes };
    } else {
      notice = `The ${override} backend could not start here, or computed wrong results; fell back to ${autoBackend}.`;
    }
  }
  // Walk down the preference list until one starts: a probe can pass and the backend still fail to init.
  const order = [autoBackend, ...BACKENDS.filter((b) => b !== autoBackend && b !== "webgpu" && b !== "webgl"), "cpu" as const];
  for (const name of order) {
    if (await trySet(name)) {
      if (name !== autoBackend) notice = `${notice ?? ""} ${autoBackend} could not start; using ${name}.`.trim();
      return { backend: name, adapter: adapterOf(name), auto: true, autoBackend, notice, probes };
    }
  }
  throw new Error("No TensorFlow.js backend could start (tried webgpu, webgl, wasm, cpu).");
}
