// Starts the tfjs engine for a page: wasm binaries served by this site, backend from the URL or the automatic
// choice (a short calibration on the first visit, cached per browser; lib/engine/backend.ts).
import {tf, setWasmPaths, initBackend, calibrateMLP, BACKENDS} from "../_descent/descent.js";

const wasmPaths = {
  "tfjs-backend-wasm.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
  "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")
};
setWasmPaths(wasmPaths);

const requested = new URLSearchParams(location.search).get("backend");

// Start downloading the wasm binary now, not after the engine chunk has run: wasm is the backend here unless
// a GPU is asked for. Same mode and credentials as tfjs's own fetch, so the browser reuses this response.
// (Without threads, since the site is not cross-origin isolated, tfjs loads the SIMD binary.)
if (requested !== "webgpu" && requested !== "webgl" && requested !== "cpu") {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = wasmPaths["tfjs-backend-wasm-simd.wasm"];
  document.head.append(link);
}

/** Which backend trains on this page, the adapter behind it, and why (see lib/engine/backend.ts). */
export const engine = await initBackend(requested, {calibrate: () => calibrateMLP()});
export {tf};

/** The badge every page shows: backend in use, adapter, the automatic choice, and a picker to override it. */
export function engineBadge() {
  const root = document.createElement("div");
  root.className = "descent-engine";
  const label = document.createElement("span");
  label.innerHTML = `Training on <strong></strong> · <span class="adapter"></span>`;
  label.querySelector("strong").textContent = engine.backend;
  label.querySelector(".adapter").textContent = engine.adapter + (engine.auto ? " (automatic choice)" : " (your choice)");
  const why = document.createElement("span");
  why.className = "reason";
  why.textContent = engine.auto ? `auto: ${engine.reason}` : `auto would pick ${engine.autoBackend}`;
  const picker = document.createElement("select");
  picker.setAttribute("aria-label", "Backend");
  for (const name of ["auto", ...BACKENDS]) {
    const probe = engine.probes.find((p) => p.name === name);
    const option = new Option(
      name === "auto" ? `auto (${engine.autoBackend})` : `${name}${probe && !probe.available ? " — unavailable" : probe?.software ? " — software GPU" : ""}`,
      name
    );
    option.disabled = probe ? !probe.available : false;
    picker.append(option);
  }
  picker.value = engine.auto ? "auto" : engine.backend;
  picker.onchange = () => {
    // Switching backends mid-page would strand every tensor; a reload with ?backend= is clean and shareable.
    const url = new URL(location.href);
    if (picker.value === "auto") url.searchParams.delete("backend");
    else url.searchParams.set("backend", picker.value);
    location.assign(url);
  };
  const pick = document.createElement("label");
  pick.append("Backend ", picker);
  root.append(label, pick, why);
  if (engine.notice) {
    const notice = document.createElement("span");
    notice.className = "notice";
    notice.setAttribute("role", "status");
    notice.textContent = engine.notice;
    root.append(notice);
  }
  return root;
}
