/**
 * Imported first by every test that uses tfjs: fails with a clear message when the test was started without
 * `--import ./scripts/node-tfjs.mjs` (then tfjs-core's Node build loads with no gradients registered, and
 * tests fail far from the cause). Run tests through `npm test` / `npm run test:unit`, or pass the flag.
 */
import "@tensorflow/tfjs-core";

if (!(globalThis as { __descentNodeTfjs?: boolean }).__descentNodeTfjs) {
  throw new Error("this test needs tfjs set up by scripts/node-tfjs.mjs: run it with `node --import tsx --import ./scripts/node-tfjs.mjs --test <file>` or `npm run test:unit`");
}
export {};
