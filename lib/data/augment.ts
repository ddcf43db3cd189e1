/**
 * The optimizers-lab notebook's data augmentation, on typed arrays:
 *
 *   transforms.RandomRotation(5)          → rotate by θ ~ U(−5°, 5°) about the image centre, nearest neighbour,
 *                                           pixels from outside the image are 0 (torchvision's defaults)
 *   transforms.RandomCrop(28, padding=2)  → pad 2 zero pixels on every side, cut a 28×28 window at a random
 *                                           offset (top, left) ∈ {0,…,4}², i.e. shift by −2…+2 pixels
 *
 * Nearest neighbour, not bilinear, because that is torchvision's default for RandomRotation, and because it
 * keeps uint8 pixels uint8 (the augmented image has exactly the values the original had).
 * Works on any image size (height × width) and on Uint8Array or Float32Array images.
 *
 * Draw order per image, one `random()` each: θ, top, left (torch draws the angle, then the crop's i, j).
 */

export type Pixels = Uint8Array | Float32Array;

export interface AugmentOptions {
  /** Rotation range ±degrees; 0 turns rotation off. The optimizers-lab notebook: 5. */
  degrees?: number;
  /** Zero padding before the random crop back to the original size; 0 turns it off. The optimizers-lab notebook: 2. */
  padding?: number;
}

export const augmentDefaults: Readonly<Required<AugmentOptions>> = Object.freeze({ degrees: 5, padding: 2 });

function like<T extends Pixels>(src: T): T {
  return (src instanceof Uint8Array ? new Uint8Array(src.length) : new Float32Array(src.length)) as T;
}

/**
 * Rotates counter-clockwise (as seen on screen) by `degrees` about the centre of the image, sampling the
 * nearest source pixel for each output pixel centre; pixels whose source lies outside the image become 0.
 * `out` must not be `src`.
 */
export function rotate<T extends Pixels>(src: T, height: number, width: number, degrees: number, out: T = like(src)): T {
  const θ = (degrees * Math.PI) / 180;
  const cos = Math.cos(θ);
  const sin = Math.sin(θ);
  const cx = width / 2;
  const cy = height / 2;
  for (let i = 0; i < height; i++) {
    const y = i + 0.5 - cy;
    for (let j = 0; j < width; j++) {
      const x = j + 0.5 - cx;
      // Inverse map (rows grow downwards): the output pixel at (x, y) comes from R(−θ) applied on screen.
      const sj = Math.floor(x * cos - y * sin + cx);
      const si = Math.floor(x * sin + y * cos + cy);
      out[i * width + j] = si >= 0 && si < height && sj >= 0 && sj < width ? src[si * width + sj] : 0;
    }
  }
  return out;
}

/**
 * The window at (top, left) of the image padded by `padding` zero pixels on every side, same size as the
 * input: output (i, j) = input (top + i − padding, left + j − padding), or 0 outside. `out` must not be `src`.
 */
export function cropPadded<T extends Pixels>(
  src: T,
  height: number,
  width: number,
  padding: number,
  top: number,
  left: number,
  out: T = like(src),
): T {
  for (let i = 0; i < height; i++) {
    const si = top + i - padding;
    for (let j = 0; j < width; j++) {
      const sj = left + j - padding;
      out[i * width + j] = si >= 0 && si < height && sj >= 0 && sj < width ? src[si * width + sj] : 0;
    }
  }
  return out;
}

/**
 * One random rotation then one random padded crop, drawing θ, top, left from `random` (lib/random.ts's rng).
 * Writes into `out` (a new array by default); `scratch` is reused between calls to avoid allocations.
 */
export function augment<T extends Pixels>(
  src: T,
  height: number,
  width: number,
  random: () => number,
  options: AugmentOptions = {},
  out: T = like(src),
  scratch: T = like(src),
): T {
  const { degrees, padding } = { ...augmentDefaults, ...options };
  const θ = -degrees + 2 * degrees * random();
  const top = Math.floor(random() * (2 * padding + 1));
  const left = Math.floor(random() * (2 * padding + 1));
  rotate(src, height, width, θ, scratch);
  return cropPadded(scratch, height, width, padding, top, left, out);
}
