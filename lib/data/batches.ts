/**
 * Mini-batches from a Dataset, like torch's DataLoader(shuffle=True) followed by the seed's transforms:
 * a fresh seeded permutation every epoch, optional augmentation (augment.ts), normalisation, and batches as
 * flat Float32Array features ready for `tf.tensor2d(x, [size, features])`.
 *
 * Deterministic: (seed, epoch) fixes the order and the augmentation of every image, so epoch 3 of a run is
 * the same whether or not epochs 1 and 2 were computed.
 */
import { permutation, rng } from "../random.js";
import { augment, type AugmentOptions } from "./augment.js";
import { features, normalize, type Dataset, type Normalization } from "./dataset.js";

export interface BatchOptions {
  batchSize: number;
  /** Seeds the shuffle and the augmentation; never used as a tfjs seed. */
  seed: number;
  /** Default true. False keeps file order (evaluation). */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (torch's drop_last). Default false. */
  dropLast?: boolean;
  /** The optimizers-lab notebook's random rotation and crop; off unless given. */
  augment?: AugmentOptions | false;
  /**
   * (x / scale − mean) / std. Default: scale 255, mean 0, std 1 for Uint8 images (torch's ToTensor), the
   * identity for Float32 images.
   */
  normalize?: Normalization;
}

export interface Batch {
  /** size·features values, normalised. */
  x: Float32Array;
  /** Class indices, int32 as tfjs expects. */
  y: Int32Array;
  size: number;
  features: number;
  /** 0-based epoch and batch index within it. */
  epoch: number;
  index: number;
}

/** A 32-bit hash of (seed, epoch, stream), so every epoch and purpose gets an independent generator. */
export function mixSeed(seed: number, epoch: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35) ^ Math.imul(stream + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

/** The order in which epoch `epoch` visits the images. */
export function epochOrder(count: number, seed: number, epoch: number, shuffle = true): Uint32Array {
  if (!shuffle) return Uint32Array.from({ length: count }, (_, i) => i);
  return permutation(count, rng(mixSeed(seed, epoch, 0)));
}

export function batchesPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

export function defaultNormalization(ds: Dataset): Normalization {
  return ds.images instanceof Uint8Array ? { scale: 255, mean: 0, std: 1 } : { scale: 1, mean: 0, std: 1 };
}

/** The batches of one epoch, in order. */
export function* epochBatches(ds: Dataset, options: BatchOptions, epoch: number): Generator<Batch> {
  const { batchSize, seed, shuffle = true, dropLast = false } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const norm = options.normalize ?? defaultNormalization(ds);
  const f = features(ds);
  const order = epochOrder(ds.count, seed, epoch, shuffle);
  const random = options.augment ? rng(mixSeed(seed, epoch, 1)) : undefined;
  const aug = options.augment || {};
  const isU8 = ds.images instanceof Uint8Array;
  const image = isU8 ? new Uint8Array(f) : new Float32Array(f);
  const scratch = isU8 ? new Uint8Array(f) : new Float32Array(f);
  const n = batchesPerEpoch(ds.count, batchSize, dropLast);
  for (let b = 0; b < n; b++) {
    const start = b * batchSize;
    const size = Math.min(batchSize, ds.count - start);
    const x = new Float32Array(size * f);
    const y = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const i = order[start + k];
      let src = ds.images.subarray(i * f, (i + 1) * f);
      if (random) src = augment(src, ds.height, ds.width, random, aug, image, scratch);
      normalize(src, norm, x.subarray(k * f, (k + 1) * f));
      y[k] = ds.labels[i];
    }
    yield { x, y, size, features: f, epoch, index: b };
  }
}

/** Batches over `epochs` epochs (forever if omitted), epoch after epoch. */
export function* batches(ds: Dataset, options: BatchOptions, epochs = Infinity): Generator<Batch> {
  for (let e = 0; e < epochs; e++) yield* epochBatches(ds, options, e);
}
