// @ts-check
// The page's data files (.bin datasets): fetched, decoded and checked here, so that a truncated or corrupted file
// gives one notice at the top of the page naming the file and what is wrong, instead of an error in every cell
// that uses it. A file that fails never resolves: the cells that need it wait (their placeholder says why), and
// everything else on the page keeps working.
import {decodeDataset} from "../_descent/descent.js";

/** File name → what is wrong with it, in the order found. */
const broken = new Map();
/** @type {HTMLElement | null} */
let notice = null;

function show() {
  if (!notice) {
    notice = document.createElement("div");
    notice.className = "descent-status error descent-data-notice";
    notice.setAttribute("role", "alert");
    const main = document.querySelector("main") ?? document.body;
    const title = main.querySelector("h1");
    if (title) title.after(notice);
    else main.prepend(notice);
    // Cells waiting for a broken file would spin forever: say instead what they are waiting for.
    const style = document.createElement("style");
    style.textContent =
      "html[data-broken-data] observablehq-loading { animation: none; }" +
      "html[data-broken-data] observablehq-loading::before { content: '…'; }" +
      "html[data-broken-data] .observablehq--block observablehq-loading::before { content: 'Not drawn: this needs a data file that did not load (see the notice at the top of the page).'; font: var(--sans-serif); font-size: 0.9em; }";
    document.head.append(style);
  }
  document.documentElement.dataset.brokenData = [...broken.keys()].join(" ");
  const lines = [...broken].map(([file, problem]) => `${file}: ${problem}`);
  notice.textContent =
    `${broken.size === 1 ? "A data file" : "Data files"} of this page could not be used, so the sections that need ` +
    `${broken.size === 1 ? "it" : "them"} are not drawn; the rest of the page works. ${lines.join(" ")}` +
    (lines.at(-1)?.endsWith(".") ? "" : ".");
}

/**
 * Reports a data file that cannot be used (`problem` says why, without the file name) in the page's notice.
 * @param {string} file
 * @param {string} problem
 */
export function dataProblem(file, problem) {
  if (broken.get(file) === problem) return;
  broken.set(file, problem);
  show();
}

/**
 * An error message that starts with a data file's name ("mnist-subset.bin: 123 bytes, …", what lib/data's
 * decoders and the worker's fetch throw) is reported in the notice; returns whether it was one.
 * @param {string} message
 */
export function reportDataError(message) {
  const m = /^([\w.-]+\.bin): (.+)$/s.exec(message);
  if (m) dataProblem(m[1], m[2]);
  return m !== null;
}

/**
 * The dataset in a .bin file attachment, decoded (lib/data/format.ts checks its header, length and labels) and
 * checked by `check` (checkDigits, say). When the file cannot be fetched or fails a check: the notice says so and
 * the promise never settles, so the cells that need the data wait instead of failing one by one.
 * @template T
 * @param {{name: string, arrayBuffer(): Promise<ArrayBuffer>}} file FileAttachment("data/x.bin")
 * @param {{check?: (dataset: ReturnType<typeof decodeDataset>, name: string) => T}} [options]
 * @returns {Promise<T | ReturnType<typeof decodeDataset>>}
 */
export async function loadDataset(file, {check} = {}) {
  const name = file.name.split("/").pop() ?? file.name;
  let buffer;
  try {
    buffer = await file.arrayBuffer();
  } catch (e) {
    dataProblem(name, `could not be downloaded (${/** @type {Error} */ (e).message})`);
    return new Promise(() => {});
  }
  try {
    const dataset = decodeDataset(buffer, name);
    return check ? check(dataset, name) : dataset;
  } catch (e) {
    const message = /** @type {Error} */ (e).message;
    if (!reportDataError(message)) dataProblem(name, message);
    return new Promise(() => {});
  }
}

/**
 * A dataset the page downloaded itself into `bytes` (preallocated at the size the build recorded), `received`
 * bytes of it actually arrived: a short download would otherwise decode as a file ending in zeros. Reported and
 * never settling like loadDataset when it is short or fails the decoder's checks.
 * @param {Uint8Array} bytes
 * @param {number} received
 * @param {string} name
 */
export function decodeDownloaded(bytes, received, name) {
  if (received !== bytes.length) {
    dataProblem(name, `${received} bytes arrived, but the build wrote ${bytes.length}`);
    return new Promise(() => {});
  }
  try {
    return Promise.resolve(decodeDataset(bytes, name));
  } catch (e) {
    const message = /** @type {Error} */ (e).message;
    if (!reportDataError(message)) dataProblem(name, message);
    return new Promise(() => {});
  }
}

/**
 * Downloads .bin datasets one after the other, with progress: yields {loaded, total, data: null} at most every
 * 200 ms, then {loaded, total, data} with data[key] each decoded dataset. A file that cannot be downloaded, is
 * short or long, or fails the decoder's checks is reported in the notice, and the generator waits for ever (the
 * page keeps its last progress line; nothing trains on bad data).
 * @param {[key: string, file: {name: string, stream(): Promise<ReadableStream<Uint8Array>>}, bytes: number][]} files
 *   the key, FileAttachment("data/x.bin") and the size the build wrote (the page's metadata)
 * @returns {AsyncGenerator<{loaded: number, total: number, data: Record<string, ReturnType<typeof decodeDataset>> | null}>}
 */
export async function* downloadDatasets(files) {
  const total = files.reduce((a, f) => a + f[2], 0);
  /** @type {Record<string, ReturnType<typeof decodeDataset>>} */
  const out = {};
  let loaded = 0;
  let reported = 0;
  for (const [key, file, size] of files) {
    const name = file.name.split("/").pop() ?? file.name;
    const bytes = new Uint8Array(size);
    let at = 0;
    try {
      const reader = (await file.stream()).getReader();
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        if (at + value.length > size) throw new Error(`more than the ${size} bytes the build wrote arrived`);
        bytes.set(value, at);
        at += value.length;
        loaded += value.length;
        if (performance.now() - reported > 200) {
          reported = performance.now();
          yield {loaded, total, data: null};
        }
      }
    } catch (e) {
      const message = /** @type {Error} */ (e).message;
      dataProblem(name, /^more than/.test(message) ? message : `could not be downloaded (${message})`);
      await new Promise(() => {});
    }
    out[key] = await decodeDownloaded(bytes, at, name);
  }
  yield {loaded, total, data: out};
}
