// Module resolution hook registered by node-tfjs.mjs: tfjs-core and its cpu backend come from one bundle.
// Any other way into tfjs (a deep import, the full @tensorflow/tfjs package, a backend that would bring its
// own copy of tfjs-core) is refused with an error instead of silently loading a second, gradient-less copy.
let bundle;

export function initialize(data) {
  bundle = data.bundle;
}

const ONE_COPY = new Set(["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-cpu"]);
// Backends (webgl, wasm, webgpu, and the cpu backend's shared kernels) may load: their tfjs-core imports
// come back here. A deep import into tfjs-core or the umbrella package would bring a second core.
const REFUSED = /^@tensorflow\/(tfjs-core\/|tfjs$|tfjs\/)/;

export async function resolve(specifier, context, next) {
  if (ONE_COPY.has(specifier)) return { url: bundle, shortCircuit: true };
  if (REFUSED.test(specifier)) {
    throw new Error(
      `node-tfjs: refusing to load "${specifier}" (from ${context.parentURL ?? "?"}): it would load a second copy of tfjs-core; import "@tensorflow/tfjs-core" instead`,
    );
  }
  return next(specifier, context);
}
