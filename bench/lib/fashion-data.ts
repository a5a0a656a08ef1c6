/**
 * Fashion-MNIST for the benchmarks: the full set where `apt-get install dataset-fashion-mnist` put it,
 * else the 2,000-image subset shipped in data/ (then runs repeat it to the same number of steps).
 */
import { dirname } from "node:path";
import { packageDataPath } from "../../src/data/datasets/package-data.js";
import { findIdxFiles, searchFolders } from "../../src/data/datasets/idx-images.js";
import { readIdx } from "../../src/data/datasets/idx.js";
import type { MlpData } from "./mlp-runners.js";

export const FULL_TRAIN = 60000;

export interface FashionData { data: MlpData; files: Record<string, string>; folder: string; note: string }

export function loadFashionData(title: string): FashionData {
  const keys = ["trainImages", "trainLabels", "testImages", "testLabels"] as const;
  const dataset = { title, folder: "fashion-mnist", howToGet: "apt-get install dataset-fashion-mnist" };
  let files: Record<string, string>, note = "";
  try {
    files = findIdxFiles(dataset, searchFolders("fashion-mnist"), keys);
  } catch {
    const subset = [{ path: packageDataPath("fashion-mnist-subset"), why: "shipped subset" }];
    files = findIdxFiles(dataset, subset, keys);
    note = "  the full Fashion-MNIST was not found (`apt-get install dataset-fashion-mnist`); the shipped " +
      "2,000-image subset is repeated to the same number of steps, so accuracies are not comparable";
  }
  const pixels = (path: string): Float32Array => Float32Array.from(readIdx(path).data, (v) => v / 255);
  const labels = (path: string): Int32Array => Int32Array.from(readIdx(path).data);
  const data = { xTrain: pixels(files.trainImages), yTrain: labels(files.trainLabels),
    xTest: pixels(files.testImages), yTest: labels(files.testLabels), nTrain: 0, nTest: 0 };
  data.nTrain = data.yTrain.length;
  data.nTest = data.yTest.length;
  if (data.xTrain.length !== data.nTrain * 784) {
    throw new Error(`${title}: ${files.trainImages}: images are not 28x28`);
  }
  return { data, files, folder: dirname(files.trainImages), note };
}
