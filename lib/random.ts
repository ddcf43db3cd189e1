/**
 * Seeded randomness. Everything random in Descent (initial weights, shuffles, augmentation, synthetic data)
 * draws from here, so one seed gives the same run on every backend and in Node.
 */

/** mulberry32: a small, fast 32-bit generator; returns uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9; // seed 0 would be a fixed point of nothing useful; map it to a constant
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller. */
export function normals(n: number, random: () => number, mean = 0, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - random(); // (0, 1]: log never sees 0
    const r = Math.sqrt(-2 * Math.log(u));
    const φ = 2 * Math.PI * random();
    out[i] = mean + std * r * Math.cos(φ);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(φ);
  }
  return out;
}

/** Uniform draws in [lo, hi). */
export function uniforms(n: number, random: () => number, lo = 0, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
