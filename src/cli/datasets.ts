import type { Tensor } from "../core/tensor.js";
import { loadDigits } from "../data/datasets/digits.js";
import { trainTestSplit } from "../data/split.js";
import { StandardScaler } from "../data/transforms.js";
import { UsageError } from "./errors.js";

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
  digits: { description: "8x8 handwritten digits (1,797 images, 10 classes), shipped with zendl", load: loadDigits, numClasses: 10 },
};

export function checkDataset(name: string): DatasetEntry {
  const entry = DATASETS[name];
  if (!entry) throw new UsageError(`unknown dataset "${name}"; available: ${Object.keys(DATASETS).join(", ")}`);
  return entry;
}

/** Loads, splits 75/25 with `seed` and standardizes; the same call recreates the same test set later. */
export function prepareDataset(name: string, split = { testSize: 0.25, seed: 0 }): PreparedData {
  const entry = checkDataset(name);
  const { x, y } = entry.load();
  const [xTrainRaw, xTestRaw, yTrain, yTest] = trainTestSplit(x, y, { testSize: split.testSize, seed: split.seed });
  const scaler = new StandardScaler().fit(xTrainRaw);
  return {
    name, xTrain: scaler.transform(xTrainRaw), xTest: scaler.transform(xTestRaw), yTrain, yTest, scaler,
    numClasses: entry.numClasses, split,
  };
}
