/**
 * A labelled image dataset as flat typed arrays — the one shape every page's data takes (MNIST 28×28 here,
 * sklearn's 8×8 digits elsewhere). Nothing in lib/data assumes a particular image size.
 */

export interface Dataset {
  /** count·height·width values, image after image, row-major. Uint8 for raw pixels, Float32 once transformed. */
  images: Uint8Array | Float32Array;
  /** One class index per image, 0 ≤ label < classes. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  classes: number;
}

/** x′ = (x / scale − mean) / std: torchvision's ToTensor (scale 255) followed by Normalize(mean, std). */
export interface Normalization {
  scale: number;
  mean: number;
  std: number;
}

/** Values per image (height·width). */
export function features(ds: Dataset): number {
  return ds.height * ds.width;
}

/** How many images carry each label. */
export function labelHistogram(ds: Pick<Dataset, "labels" | "classes">): number[] {
  const h = new Array<number>(ds.classes).fill(0);
  for (let i = 0; i < ds.labels.length; i++) h[ds.labels[i]]++;
  return h;
}

/**
 * Mean and (population) standard deviation of every pixel of every image divided by `scale` — the numbers
 * the optimizers-lab notebook passes to Normalize (0.1307, 0.3081 for MNIST's training set). For Uint8 images it counts a
 * 256-bin histogram first, so the sums are exact integers and the result does not depend on summation order.
 */
export function pixelStats(ds: Pick<Dataset, "images">, scale = 255): { mean: number; std: number } {
  const x = ds.images;
  const n = x.length;
  if (n === 0) throw new Error("pixelStats: dataset has no pixels");
  let sum = 0;
  let sumSq = 0;
  if (x instanceof Uint8Array) {
    const hist = new Float64Array(256);
    for (let i = 0; i < n; i++) hist[x[i]]++;
    for (let v = 0; v < 256; v++) {
      sum += v * hist[v];
      sumSq += v * v * hist[v];
    }
  } else {
    for (let i = 0; i < n; i++) {
      sum += x[i];
      sumSq += x[i] * x[i];
    }
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  return { mean: mean / scale, std: Math.sqrt(variance) / scale };
}

/** The images at `indices`, in that order, as a new dataset (copies). */
export function take(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const f = features(ds);
  const images = ds.images instanceof Uint8Array ? new Uint8Array(indices.length * f) : new Float32Array(indices.length * f);
  const labels = new Uint8Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!(i >= 0 && i < ds.count)) throw new Error(`take: index ${i} outside 0–${ds.count - 1}`);
    images.set(ds.images.subarray(i * f, (i + 1) * f), j * f);
    labels[j] = ds.labels[i];
  }
  return { ...ds, images, labels, count: indices.length };
}

/**
 * The first `perClass` images of each class, kept in file order: a balanced subset that is the same every time
 * (no randomness, so the loader's output and the meta file agree without a seed). Throws if a class is short.
 */
export function stratifiedIndices(ds: Pick<Dataset, "labels" | "classes">, perClass: number): Uint32Array {
  const taken = new Array<number>(ds.classes).fill(0);
  const out = new Uint32Array(perClass * ds.classes);
  let j = 0;
  for (let i = 0; i < ds.labels.length && j < out.length; i++) {
    const c = ds.labels[i];
    if (taken[c] < perClass) {
      taken[c]++;
      out[j++] = i;
    }
  }
  if (j < out.length) {
    const short = taken.findIndex((t) => t < perClass);
    throw new Error(`stratifiedIndices: class ${short} has only ${taken[short]} images, fewer than ${perClass}`);
  }
  return out;
}

export function stratifiedSubset(ds: Dataset, perClass: number): Dataset {
  return take(ds, stratifiedIndices(ds, perClass));
}

/** Writes (x / scale − mean) / std for every value of `src` into `out` (a new Float32Array by default). */
export function normalize(
  src: ArrayLike<number>,
  { scale, mean, std }: Normalization,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  if (!(std > 0)) throw new Error(`normalize: std must be positive, got ${std}`);
  const a = 1 / (scale * std);
  const b = -mean / std;
  for (let i = 0; i < src.length; i++) out[i] = src[i] * a + b;
  return out;
}
