/**
 * How convincing and how varied generated samples are, judged by a classifier trained on real data
 * (the idea behind the Inception Score, Salimans et al., 2016, reduced to two readable numbers): a high
 * mean top-class probability says samples look like some class; many classes present says the
 * generator has not collapsed onto a few modes.
 */
import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";

export interface ClassCoverage {
  /** Mean over samples of the largest class probability. */
  meanTopProbability: number;
  /** How many samples each class wins (argmax), by class index. */
  classCounts: number[];
  /** Classes that win at least `minCount` samples. */
  classesCovered: number;
  /** The confidence a sample needs to count as a clear member of its class (default 0.9). */
  confidenceThreshold: number;
  /** How many samples each class wins with a top probability ≥ `confidenceThreshold`. */
  confidentClassCounts: number[];
  /** Classes that win at least `minCount` samples with that confidence: the honest coverage figure. */
  classesCoveredConfidently: number;
  /** Share of samples whose top probability is ≥ `confidenceThreshold`. */
  confidentShare: number;
}

/**
 * Summarises class probabilities [N, K] of generated samples (rows summing to 1, e.g. a classifier's
 * `predictProba`). A class counts as covered when it wins at least `minCount` samples (default 1);
 * `classesCoveredConfidently` counts only samples the classifier is sure of (top probability ≥
 * `confidenceThreshold`, default 0.9), since grey noise still has an arg-max: a judge spreading
 * 0.2–0.5 over classes "covers" many of them while showing no recognizable digit.
 * @example
 * const coverage = zd.models.classCoverage(classifier.predictProba(gan.sample(1000).reshape([1000, 64])));
 * coverage.meanTopProbability; coverage.classesCoveredConfidently; coverage.confidentShare;
 */
export function classCoverage(probabilities: Tensor,
  options: { minCount?: number; confidenceThreshold?: number } = {}): ClassCoverage {
  if (!(probabilities instanceof Tensor) || probabilities.ndim !== 2 || probabilities.shape[0] === 0 ||
      probabilities.shape[1] === 0) {
    const got = probabilities instanceof Tensor ? formatShape(probabilities.shape) : typeof probabilities;
    throw new Error(`classCoverage: probabilities must be a non-empty [samples, classes] tensor, got ${got}`);
  }
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new Error(`classCoverage: minCount must be a positive integer, got ${String(minCount)}`);
  }
  const threshold = options.confidenceThreshold ?? 0.9;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) {
    throw new Error("classCoverage: confidenceThreshold must be a number in [0, 1], got " +
      String(threshold));
  }
  const [n, k] = probabilities.shape;
  const data = probabilities.dataSync();
  const classCounts = new Array<number>(k).fill(0);
  const confidentClassCounts = new Array<number>(k).fill(0);
  let topSum = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c] > data[i * k + best]) best = c;
    classCounts[best]++;
    if (data[i * k + best] >= threshold) confidentClassCounts[best]++;
    topSum += data[i * k + best];
  }
  return {
    meanTopProbability: topSum / n, classCounts,
    classesCovered: classCounts.filter((c) => c >= minCount).length,
    confidenceThreshold: threshold, confidentClassCounts,
    classesCoveredConfidently: confidentClassCounts.filter((c) => c >= minCount).length,
    confidentShare: confidentClassCounts.reduce((a, b) => a + b, 0) / n,
  };
}
