// @ts-check
// The badge every page shows: backend in use, adapter, where training runs, and a picker to override it.
import {BACKENDS} from "../_descent/descent.js";

/**
 * @param {{backend: string, adapter: string, auto: boolean, autoBackend: string, notice?: string, reason?: string,
 *   probes: {name: string, available: boolean, software: boolean}[], thread?: "worker" | "main"}} engine
 * @returns {HTMLElement}
 */
export function badge(engine) {
  const root = document.createElement("div");
  root.className = "descent-engine";
  root.dataset.backend = engine.backend;
  if (engine.thread) root.dataset.thread = engine.thread;
  const label = document.createElement("span");
  label.innerHTML = `Training on <strong></strong> · <span class="adapter"></span>`;
  /** @type {HTMLElement} */ (label.querySelector("strong")).textContent = engine.backend;
  const where = engine.thread === "worker" ? ", in a background worker" : engine.thread === "main" ? ", on the page's own thread" : "";
  /** @type {HTMLElement} */ (label.querySelector(".adapter")).textContent = engine.adapter + (engine.auto ? " (automatic choice" : " (your choice") + where + ")";
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
  const why = document.createElement("span");
  why.className = "reason";
  why.textContent = engine.auto ? (engine.reason ? `auto: ${engine.reason}` : "") : `auto would pick ${engine.autoBackend}`;
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
