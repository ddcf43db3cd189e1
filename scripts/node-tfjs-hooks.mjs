// Module resolution hook registered by node-tfjs.mjs: tfjs-core and its cpu backend come from one bundle.
let bundle;

export function initialize(data) {
  bundle = data.bundle;
}

export async function resolve(specifier, context, next) {
  if (specifier === "@tensorflow/tfjs-core" || specifier === "@tensorflow/tfjs-backend-cpu") {
    return { url: bundle, shortCircuit: true };
  }
  return next(specifier, context);
}
