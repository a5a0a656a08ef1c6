/**
 * Transforms of NCHW image batches: per-channel normalization and the two classic augmentations
 * (random horizontal flip, zero-padded random crop). Augmentations work on the values, not the graph:
 * they prepare inputs and are never differentiated through.
 */
import { tensor } from "../core/creation.js";
import { formatShape } from "../core/shape.js";
import { generatorFor } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { checkInt } from "../util/check.js";

function checkImages(op: string, x: Tensor): [number, number, number, number] {
  if (x.ndim !== 4) {
    throw new Error(`${op}: expected a batch of images [N, C, H, W], got shape ${formatShape(x.shape)}`);
  }
  if (x.dtype === "int32") throw new Error(`${op}: expected float images, got dtype int32`);
  return x.shape as [number, number, number, number];
}

function perChannel(op: string, name: string, value: number | readonly number[], channels: number): number[] {
  const values = typeof value === "number" ? new Array<number>(channels).fill(value) : [...value];
  if (values.length !== channels || values.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new Error(`${op}: ${name} must be a finite number or ${channels} of them (one per channel), ` +
      `got ${JSON.stringify(value)}`);
  }
  return values;
}

/**
 * (x - mean[c]) / std[c] for every channel c of an [N, C, H, W] batch; `mean` and `std` are one number
 * for all channels or one per channel. Differentiable (built from sub and div).
 * @example
 * // Fashion-MNIST's training-set statistics
 * const xs = data.normalizeImages(xTrain, 0.2860, 0.3530);
 */
export function normalizeImages(x: Tensor, mean: number | readonly number[],
  std: number | readonly number[]): Tensor {
  const op = "normalizeImages";
  const [, channels] = checkImages(op, x);
  const means = perChannel(op, "mean", mean, channels);
  const stds = perChannel(op, "std", std, channels);
  if (stds.some((s) => s <= 0)) throw new Error(`${op}: std must be positive, got ${JSON.stringify(std)}`);
  const shape = [1, channels, 1, 1];
  return x.sub(tensor(means, { shape, dtype: x.dtype })).div(tensor(stds, { shape, dtype: x.dtype }));
}

export interface RandomFlipOptions {
  /** Probability that each image is flipped. Default 0.5. */
  p?: number;
  /** Seed for this call; without it the global generator (`manualSeed`) is used. */
  seed?: number;
}

/**
 * Mirrors each image of an [N, C, H, W] batch left to right with probability `p` (one draw per image).
 * @example
 * const augmented = data.randomHorizontalFlip(xb, { p: 0.5, seed: epoch });
 */
export function randomHorizontalFlip(x: Tensor, options: RandomFlipOptions = {}): Tensor {
  const op = "randomHorizontalFlip";
  const [n, c, h, w] = checkImages(op, x);
  const p = options.p ?? 0.5;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be in [0, 1], got ${p}`);
  const rng = generatorFor(options.seed);
  const source = x.dataSync();
  const out = source.slice();
  const imageSize = c * h * w;
  for (let i = 0; i < n; i++) {
    if (!(rng.random() < p)) continue;
    for (let row = i * imageSize; row < (i + 1) * imageSize; row += w) {
      for (let col = 0; col < w; col++) out[row + col] = source[row + w - 1 - col];
    }
  }
  return tensor(out, { shape: [...x.shape], dtype: x.dtype });
}

export interface RandomCropOptions {
  /** Output height and width: one number for a square. */
  size: number | readonly [number, number];
  /** Zeros added on every side before cropping. Default 0. */
  padding?: number;
  /** Seed for this call; without it the global generator (`manualSeed`) is used. */
  seed?: number;
}

/**
 * Pads each image of an [N, C, H, W] batch with `padding` zeros on every side, then cuts a
 * `size` window at a random offset drawn per image (the CIFAR augmentation of He et al., 2016).
 * @example
 * const augmented = data.randomCrop(xb, { size: 28, padding: 4, seed: 1 }); // still [N, 1, 28, 28]
 */
export function randomCrop(x: Tensor, options: RandomCropOptions): Tensor {
  const op = "randomCrop";
  const [n, c, h, w] = checkImages(op, x);
  if (typeof options !== "object" || options === null) throw new Error(`${op}: options.size is required`);
  const padding = checkInt(op, "padding", options.padding ?? 0, 0);
  const size = typeof options.size === "number" ? [options.size, options.size] : options.size;
  if (!Array.isArray(size) || size.length !== 2) {
    throw new Error(`${op}: size must be a number or [height, width], got ${JSON.stringify(options.size)}`);
  }
  const outH = checkInt(op, "size[0]", size[0], 1);
  const outW = checkInt(op, "size[1]", size[1], 1);
  if (outH > h + 2 * padding || outW > w + 2 * padding) {
    throw new Error(`${op}: size [${outH}, ${outW}] is larger than the padded images ` +
      `[${h + 2 * padding}, ${w + 2 * padding}] (shape ${formatShape(x.shape)}, padding ${padding})`);
  }
  const rng = generatorFor(options.seed);
  const source = x.dataSync();
  const out = new (source.constructor as new (length: number) => typeof source)(n * c * outH * outW);
  for (let i = 0; i < n; i++) {
    // Offsets in padded coordinates; subtracting the padding gives the source row/column.
    const top = rng.int(0, h + 2 * padding - outH + 1) - padding;
    const left = rng.int(0, w + 2 * padding - outW + 1) - padding;
    for (let ch = 0; ch < c; ch++) {
      const src = (i * c + ch) * h * w, dst = (i * c + ch) * outH * outW;
      for (let r = 0; r < outH; r++) {
        const sr = top + r;
        if (sr < 0 || sr >= h) continue;
        for (let col = 0; col < outW; col++) {
          const sc = left + col;
          if (sc >= 0 && sc < w) out[dst + r * outW + col] = source[src + sr * w + sc];
        }
      }
    }
  }
  return tensor(out, { shape: [n, c, outH, outW], dtype: x.dtype });
}
