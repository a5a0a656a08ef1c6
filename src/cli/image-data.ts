import type { Tensor } from "../core/tensor.js";
import { loadFashionMnist } from "../data/datasets/fashion-mnist.js";
import { normalizeImages } from "../data/transforms-image.js";
import { UsageError } from "./errors.js";

/** Per-channel statistics the images are normalized with; stored in model files as `cli.normalize`. */
export interface ImageNormalization { mean: number[]; std: number[] }

/** An image data set as the CLI trains on it: its own train/test split, images [N, C, H, W]. */
export interface ImageData {
  name: string;
  xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor;
  numClasses: number;
  normalization: ImageNormalization;
}

interface ImageDatasetEntry {
  description: string; subset: boolean; numClasses: number; normalization: ImageNormalization;
}

// Pixel mean and standard deviation of the 60,000 Fashion-MNIST training images scaled to [0, 1].
const FASHION_MNIST_STATS: ImageNormalization = { mean: [0.2860], std: [0.3530] };

export const IMAGE_DATASETS: Record<string, ImageDatasetEntry> = {
  "fashion-mnist": {
    description: "Fashion-MNIST, 60,000 + 10,000 28x28 images (files installed separately)",
    subset: false, numClasses: 10, normalization: FASHION_MNIST_STATS,
  },
  "fashion-mnist-subset": {
    description: "2,000 + 500 Fashion-MNIST images shipped with zendl (quick runs)",
    subset: true, numClasses: 10, normalization: FASHION_MNIST_STATS,
  },
};

export function isImageDataset(name: string): boolean {
  return Object.hasOwn(IMAGE_DATASETS, name);
}

/** The raw train and test parts ([0, 1] pixels); a missing-files error becomes a one-line usage error. */
export function loadImageDataset(name: string, flatten: boolean): { xTrain: Tensor; yTrain: Tensor;
  xTest: Tensor; yTest: Tensor } {
  const entry = IMAGE_DATASETS[name];
  try {
    return loadFashionMnist({ subset: entry.subset, flatten });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The loader lists each folder it searched on its own line; the CLI reports errors in one line.
    if (/not found/.test(message)) throw new UsageError(message.replace(/\s*\n\s*/g, " "));
    throw error;
  }
}

/** Images normalized per channel with `normalization` (default: the data set's training statistics). */
export function prepareImages(name: string, normalization?: ImageNormalization): ImageData {
  const entry = IMAGE_DATASETS[name];
  const stats = normalization ?? entry.normalization;
  const raw = loadImageDataset(name, false);
  return {
    name, yTrain: raw.yTrain, yTest: raw.yTest, numClasses: entry.numClasses, normalization: stats,
    xTrain: normalizeImages(raw.xTrain, stats.mean, stats.std),
    xTest: normalizeImages(raw.xTest, stats.mean, stats.std),
  };
}
