/**
 * Small random datasets with something to learn, for the classifier tests, and a server that hands them out as
 * dataset files (lib/data/format.ts), as the MNIST pages' worker fetches theirs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before } from "node:test";
import type { Dataset } from "../../lib/data/dataset.js";
import { encodeDataset } from "../../lib/data/format.js";
import { rng } from "../../lib/random.js";

/** `n` random 4×4 "images" in 2 classes (alternating) whose first pixel tells the class. */
export function twoClassToy(n: number, seed: number): Dataset {
  const random = rng(seed);
  const images = Uint8Array.from({ length: n * 16 }, () => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) images[i * 16] = labels[i] ? 250 : 5;
  return { images, labels, count: n, height: 4, width: 4, classes: 2 };
}

/** `n` random 4×4 "images", pixels from `lowest` to 255, whose label (0–2) follows a fixed rule. */
export function threeClassToy(n: number, seed = 1, { lowest = 0 }: { lowest?: number } = {}): Dataset {
  const random = rng(seed);
  const images = Uint8Array.from({ length: n * 16 }, () => lowest + Math.floor(random() * (256 - lowest)));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = images[i * 16] + images[i * 16 + 5];
    const b = images[i * 16 + 10] + images[i * 16 + 15];
    labels[i] = a > b + 40 ? 0 : b > a + 40 ? 1 : 2;
  }
  return { images, labels, count: n, height: 4, width: 4, classes: 3 };
}

/**
 * An HTTP server on 127.0.0.1 for the suite (started before its tests, closed after): a request for `path` (its
 * query ignored: a query makes a new URL, which the worker fetches anew) answers `file(path)` encoded, with its
 * content-length, or 404 when there is none, and is counted in `requests[url]`. `answer` decides when to send
 * (a test that holds a download back calls `send` later).
 */
export function serveDatasets(
  file: (path: string) => Dataset | undefined,
  { answer = (_path: string, send: () => void) => send() }: { answer?: (path: string, send: () => void) => void } = {},
): { readonly base: string; requests: Record<string, number>; total(): number } {
  const requests: Record<string, number> = {};
  let base = "";
  const server = createServer((req, res) => {
    requests[req.url!] = (requests[req.url!] ?? 0) + 1;
    const path = req.url!.split("?")[0];
    const dataset = file(path);
    if (!dataset) return void res.writeHead(404, "Not Found").end();
    const body = encodeDataset(dataset);
    answer(path, () => res.writeHead(200, { "content-length": String(body.length) }).end(body));
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  return {
    get base() {
      return base;
    },
    requests,
    total: () => Object.values(requests).reduce((a, b) => a + b, 0),
  };
}
