import { load } from "../../io/checkpoint.js";
import { predict } from "../../train/fit.js";
import { accuracy } from "../../train/metrics.js";
import { prepareDataset } from "../datasets.js";
import { UsageError } from "../errors.js";
import { parseModelInfo, readMetadata } from "../model-file.js";

export interface EvaluateResult { model: string; dataset: string; testAccuracy: number; samples: number }

/** Rebuilds the model and recreates the test split it was trained with (same seed and scaler). */
export async function evaluateCommand(file: string, datasetName?: string): Promise<EvaluateResult> {
  const info = parseModelInfo(file, await readMetadata(file));
  const dataset = datasetName ?? info.dataset;
  if (dataset !== info.dataset) {
    throw new UsageError(`${file} was trained on "${info.dataset}", not "${dataset}"`);
  }
  const data = prepareDataset(dataset, info.split);
  const model = await load(file);
  const x = info.scaler.transform(data.scaler.inverseTransform(data.xTest));
  return { model: file, dataset, testAccuracy: accuracy(predict(model, x), data.yTest), samples: x.shape[0] };
}
