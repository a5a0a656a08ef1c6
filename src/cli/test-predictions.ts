import { noGrad } from "../core/autograd.js";
import { softmax } from "../core/composite.js";
import { concat } from "../core/ops/movement.js";
import type { Tensor } from "../core/tensor.js";
import { load } from "../io/checkpoint.js";
import type { AnyModule } from "../nn/module.js";
import { predict } from "../train/fit.js";
import { prepareDataset } from "./datasets.js";
import { UsageError } from "./errors.js";
import { checkFiniteRows } from "./finite-rows.js";
import { IMAGE_DATASETS, isImageDataset, prepareImages } from "./image-data.js";
import { parseModelInfo, readMetadata, type ModelInfo } from "./model-file.js";
import { imageSide } from "./unit-data.js";

/** A classifier's outputs on the test split it was evaluated on, and what is needed to show the inputs. */
export interface TestPredictions {
  model: AnyModule;
  info: ModelInfo;
  dataset: string;
  /** Model outputs [N, classes] (logits or probabilities). */
  scores: Tensor;
  yTrue: Tensor;
  /** Inputs as pictures [N, C, H, W] when they are square images (raw pixels), else null. */
  pictures: Tensor | null;
  /** The input shape of one sample, with a batch dimension of 1 (for `model.summary`). */
  inputShape: number[];
}

/** The Fashion-MNIST subset is a part of the full set: same images, same classes, so models move freely. */
function sameImages(a: string, b: string): boolean {
  const family = (name: string): string => name.replace(/-subset$/, "");
  return isImageDataset(a) && isImageDataset(b) && family(a) === family(b) &&
    IMAGE_DATASETS[a].numClasses === IMAGE_DATASETS[b].numClasses;
}

/**
 * Rebuilds the model and recreates the test set it was evaluated on: the same split, seed and scaler
 * for feature models; the data set's test images, normalized as in training, for image models.
 */
export async function predictTestSet(file: string, datasetName?: string,
  options: { allowNan?: boolean } = {}): Promise<TestPredictions> {
  const info = parseModelInfo(file, await readMetadata(file));
  const dataset = datasetName ?? info.dataset;
  if (dataset !== info.dataset && !sameImages(dataset, info.dataset)) {
    throw new UsageError(`${file} was trained on "${info.dataset}", not "${dataset}"`);
  }
  const model = await load(file);
  if (info.input === "images") {
    const images = prepareImages(dataset, info.normalization);
    if (!options.allowNan) checkFiniteRows(images.xTest.reshape([images.xTest.shape[0], -1]), dataset);
    return { model, info, dataset, scores: predict(model, images.xTest), yTrue: images.yTest,
      pictures: images.xTest, inputShape: [1, ...images.xTest.shape.slice(1)] };
  }
  const data = prepareDataset(dataset, info.split);
  const raw = data.scaler.inverseTransform(data.xTest);
  if (!options.allowNan) checkFiniteRows(raw, dataset);
  const x = info.scaler.transform(raw);
  const [n, features] = x.shape;
  const side = imageSide(features);
  return { model, info, dataset, scores: predict(model, x), yTrue: data.yTest,
    pictures: side === null ? null : raw.reshape([n, 1, side, side]), inputShape: [1, features] };
}

/** Class probabilities from scores: softmax of logits, or sigmoid for a single binary column. */
export function probabilities(scores: Tensor): Tensor {
  return noGrad(() => {
    if (scores.shape[1] !== 1) return softmax(scores, -1);
    const p = scores.sigmoid();
    return concat([p.neg().add(1), p], 1);
  });
}
