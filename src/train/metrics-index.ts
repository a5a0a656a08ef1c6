export {
  accuracy, r2Score, accuracyMetric, meanSquaredErrorMetric, meanAbsoluteErrorMetric,
  type Metric, type MetricLike,
} from "./metrics.js";
export {
  confusionMatrix, classificationReport, formatClassificationReport, topKAccuracy, meanSquaredError,
  meanAbsoluteError, type ClassificationReport, type ClassScores, type LabelsLike,
} from "./classification-metrics.js";
