import {
  classificationReport, formatClassificationReport, topKAccuracy, type ClassificationReport,
} from "../../train/classification-metrics.js";
import { predictTestSet } from "../test-predictions.js";

export interface EvaluateResult {
  model: string; dataset: string; testAccuracy: number; samples: number;
  /** Share of samples whose class is among the 3 highest scores (models with more than 3 classes). */
  top3Accuracy?: number;
  classificationReport: ClassificationReport;
}

/**
 * Rebuilds the model and recreates the test set it was evaluated on (see `predictTestSet`), then scores
 * it: accuracy, the classification report and the confusion matrix.
 */
/** Options of `zendl evaluate`: `allowNan` lets non-finite features through instead of refusing them. */
export interface EvaluateOptions { allowNan?: boolean }

export async function evaluateCommand(file: string, datasetName?: string,
  options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const p = await predictTestSet(file, datasetName, options);
  const report = classificationReport(p.yTrue, p.scores, { labels: p.info.classes.map((_, i) => i) });
  const classes = p.scores.shape[1];
  return { model: file, dataset: p.dataset, testAccuracy: report.accuracy, samples: p.yTrue.shape[0],
    ...(classes > 3 ? { top3Accuracy: topKAccuracy(p.scores, p.yTrue, 3) } : {}),
    classificationReport: report };
}

/** What `zendl evaluate` prints without `--json`: the report, then the accuracy line. */
export function formatEvaluation(r: EvaluateResult, classNames: string[] = []): string {
  const top = r.top3Accuracy === undefined ? "" : `, top-3 ${r.top3Accuracy.toFixed(4)}`;
  return `${formatClassificationReport(r.classificationReport, { names: classNames })}\n\n` +
    `test accuracy: ${r.testAccuracy.toFixed(4)} (${r.samples} samples${top})`;
}
