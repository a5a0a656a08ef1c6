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
}

/**
 * Summarises class probabilities [N, K] of generated samples (rows summing to 1, e.g. a classifier's
 * `predictProba`). A class counts as covered when it wins at least `minCount` samples (default 1).
 * @example
 * const coverage = zd.models.classCoverage(classifier.predictProba(gan.sample(1000).reshape([1000, 64])));
 * coverage.meanTopProbability; coverage.classesCovered;
 */
export function classCoverage(probabilities: Tensor, options: { minCount?: number } = {}): ClassCoverage {
  if (!(probabilities instanceof Tensor) || probabilities.ndim !== 2 || probabilities.shape[0] === 0 ||
      probabilities.shape[1] === 0) {
    const got = probabilities instanceof Tensor ? formatShape(probabilities.shape) : typeof probabilities;
    throw new Error(`classCoverage: probabilities must be a non-empty [samples, classes] tensor, got ${got}`);
  }
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new Error(`classCoverage: minCount must be a positive integer, got ${String(minCount)}`);
  }
  const [n, k] = probabilities.shape;
  const data = probabilities.dataSync();
  const classCounts = new Array<number>(k).fill(0);
  let topSum = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c] > data[i * k + best]) best = c;
    classCounts[best]++;
    topSum += data[i * k + best];
  }
  return {
    meanTopProbability: topSum / n, classCounts,
    classesCovered: classCounts.filter((c) => c >= minCount).length,
  };
}
