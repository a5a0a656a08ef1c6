import { load } from "../../io/checkpoint.js";
import { predict } from "../../train/fit.js";
import { accuracy } from "../../train/metrics.js";
import { prepareDataset } from "../datasets.js";
import { UsageError } from "../errors.js";
import { prepareImages } from "../image-data.js";
import { parseModelInfo, readMetadata } from "../model-file.js";

export interface EvaluateResult { model: string; dataset: string; testAccuracy: number; samples: number }

/**
 * Rebuilds the model and recreates the test set it was evaluated on: the same split, seed and scaler
 * for feature models; the data set's test images, normalized as in training, for image models.
 */
export async function evaluateCommand(file: string, datasetName?: string): Promise<EvaluateResult> {
  const info = parseModelInfo(file, await readMetadata(file));
  const dataset = datasetName ?? info.dataset;
  if (dataset !== info.dataset) {
    throw new UsageError(`${file} was trained on "${info.dataset}", not "${dataset}"`);
  }
  const model = await load(file);
  if (info.input === "images") {
    const images = prepareImages(dataset, info.normalization);
    return { model: file, dataset, testAccuracy: accuracy(predict(model, images.xTest), images.yTest),
      samples: images.xTest.shape[0] };
  }
  const data = prepareDataset(dataset, info.split);
  const x = info.scaler.transform(data.scaler.inverseTransform(data.xTest));
  return { model: file, dataset, testAccuracy: accuracy(predict(model, x), data.yTest), samples: x.shape[0] };
}
