export {
  accuracy, r2Score, accuracyMetric, meanSquaredErrorMetric, meanAbsoluteErrorMetric,
  type Metric, type MetricLike,
} from "./metrics.js";
