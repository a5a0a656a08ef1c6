import type { Tensor } from "../core/tensor.js";
import { loadDigits } from "../data/datasets/digits.js";
import { trainTestSplit } from "../data/split.js";
import { StandardScaler } from "../data/transforms.js";
import { UsageError } from "./errors.js";
import { IMAGE_DATASETS, isImageDataset, loadImageDataset } from "./image-data.js";

/** A data set as the CLI uses it: split, standardized with statistics of the training part. */
export interface PreparedData {
  name: string;
  xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor;
  scaler: StandardScaler;
  numClasses: number;
  split: { testSize: number; seed: number };
}

interface DatasetEntry { description: string; load(): { x: Tensor; y: Tensor }; numClasses: number }

export const DATASETS: Record<string, DatasetEntry> = {
  digits: { description: "8x8 handwritten digits (1,797 images, 10 classes), shipped with zendl",
    load: loadDigits, numClasses: 10 },
};

/** Every data set name the CLI knows: the tabular ones above, then the image ones. */
export function datasetNames(): string[] {
  return [...Object.keys(DATASETS), ...Object.keys(IMAGE_DATASETS)];
}

export function checkDataset(name: string): void {
  if (!Object.hasOwn(DATASETS, name) && !isImageDataset(name)) {
    throw new UsageError(`unknown dataset "${name}"; available: ${datasetNames().join(", ")}`);
  }
}

/**
 * Loads, splits 75/25 with `seed` and standardizes; the same call recreates the same test set later.
 * Image data sets keep their own train/test parts (the split is then unused), flattened to rows.
 */
export function prepareDataset(name: string, split = { testSize: 0.25, seed: 0 }): PreparedData {
  const { parts, numClasses } = splitDataset(name, split);
  const [xTrainRaw, xTestRaw, yTrain, yTest] = parts;
  const scaler = new StandardScaler().fit(xTrainRaw);
  return {
    name, xTrain: scaler.transform(xTrainRaw), xTest: scaler.transform(xTestRaw), yTrain, yTest, scaler,
    numClasses, split,
  };
}

/** The raw [xTrain, xTest, yTrain, yTest] of a data set: its own parts for images, else a seeded split. */
export function splitDataset(name: string, split: { testSize: number; seed: number }):
  { parts: [Tensor, Tensor, Tensor, Tensor]; numClasses: number } {
  checkDataset(name);
  if (isImageDataset(name)) {
    const raw = loadImageDataset(name, true);
    return { parts: [raw.xTrain, raw.xTest, raw.yTrain, raw.yTest],
      numClasses: IMAGE_DATASETS[name].numClasses };
  }
  const { x, y } = DATASETS[name].load();
  return { parts: trainTestSplit(x, y, split), numClasses: DATASETS[name].numClasses };
}
