/**
 * k-means clustering (Lloyd's algorithm) with the k-means++ start of Arthur & Vassilvitskii (2007).
 * The RBF network places its Gaussian units at the centres it finds.
 */
import { noGrad } from "../core/autograd.js";
import { fromFlat } from "../core/creation.js";
import { Generator } from "../core/random.js";
import type { NestedArray, Tensor } from "../core/tensor.js";
import {
  checkFeatureCount, checkNonNegativeNumber, checkPositiveInteger, checkSeed, seedOrRandom, toFeatureMatrix,
} from "./estimator-checks.js";

export interface KMeansOptions {
  /** Number of clusters k. Default 8. */
  nClusters?: number;
  /** Most Lloyd iterations. Default 300. */
  maxIter?: number;
  /**
   * Stop when the centres move less than this in total squared distance, relative to the mean variance
   * of the features (scikit-learn's rule). Default 1e-4.
   */
  tol?: number;
  /** Seed of the k-means++ draws. Default: a random seed. */
  randomState?: number;
}

const NAME = "KMeans";

/**
 * Squared distances [n, k] between rows of x and rows of c, as |x|² − 2·x·cᵀ + |c|²: one matrix
 * product
 * instead of n·k difference vectors. Rounding can make a tiny distance negative, so it is clipped at 0.
 * `xNorms` ([n, 1], the |x|²) saves recomputing them when x is compared with many centre sets.
 */
export function squaredDistances(x: Tensor, c: Tensor, xNorms?: Tensor): Tensor {
  return noGrad(() => (xNorms ?? x.square().sum(1, true)).sub(x.matmul(c.T).mul(2))
    .add(c.square().sum(1).reshape([1, -1])).clamp(0));
}

/**
 * k-means clustering. @example const km = new zd.models.KMeans({ nClusters: 2, randomState: 0 }).fit([[0, 0],
 * [0, 1], [9, 9], [9, 8]]);
 * km.predict([[0, 0.5], [9, 8.5]]).toArray(); // the two points land in different clusters
 */
export class KMeans {
  readonly nClusters: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly randomState: number | undefined;
  /** Centres [k, features] after `fit`. */
  clusterCenters: Tensor | null = null;
  /** The cluster of each training sample. */
  labels: Int32Array = new Int32Array(0);
  /** Each training sample's squared distance to its centre. */
  distances: Float64Array = new Float64Array(0);
  /** Sum of squared distances of the samples to their centres. */
  inertia = NaN;
  nIter = 0;

  constructor(options: KMeansOptions = {}) {
    this.nClusters = checkPositiveInteger(NAME, "nClusters", options.nClusters ?? 8);
    this.maxIter = checkPositiveInteger(NAME, "maxIter", options.maxIter ?? 300);
    this.tol = checkNonNegativeNumber(NAME, "tol", options.tol ?? 1e-4);
    this.randomState = checkSeed(NAME, options.randomState);
  }

  fit(x: Tensor | NestedArray): this {
    const data = toFeatureMatrix(NAME, x);
    const [n, d] = data.shape;
    const k = this.nClusters;
    if (n < k) throw new Error(`${NAME}: nClusters is ${k} but X has only ${n} samples`);
    const values = data.dataSync();
    const generator = new Generator(seedOrRandom(this.randomState));
    const norms = noGrad(() => data.square().sum(1, true));
    let centres = this.plusPlus(data, values, norms, generator);
    const threshold = this.tol * meanVariance(values, n, d);
    let labels: Int32Array = new Int32Array(n), distances: Float64Array = new Float64Array(n);
    for (this.nIter = 1; this.nIter <= this.maxIter; this.nIter++) {
      ({ labels, distances } = nearest(data, centres, norms));
      const next = updateCentres(values, labels, distances, n, d, k);
      const shift = noGrad(() => next.sub(centres).square().sum().item());
      centres = next;
      if (shift <= threshold) break;
    }
    this.nIter = Math.min(this.nIter, this.maxIter);
    ({ labels, distances } = nearest(data, centres, norms));
    this.clusterCenters = centres;
    this.labels = labels;
    this.distances = distances;
    this.inertia = distances.reduce((a, b) => a + b, 0);
    return this;
  }

  /** The index of the nearest centre of each row (int32). */
  predict(x: Tensor | NestedArray): Tensor {
    if (this.clusterCenters === null) throw new Error(`${NAME}: call fit() before predict()`);
    const data = toFeatureMatrix(NAME, x);
    checkFeatureCount(NAME, data, this.clusterCenters.shape[1]);
    const { labels } = nearest(data, this.clusterCenters);
    return fromFlat(labels, [labels.length], "int32");
  }

  /**
   * k-means++: the first centre is a uniformly drawn sample, each next one a sample drawn with probability
   * proportional to its squared distance to the nearest centre chosen so far.
   */
  private plusPlus(data: Tensor, values: ArrayLike<number>, norms: Tensor, generator: Generator): Tensor {
    const [n, d] = data.shape;
    const chosen = [generator.int(0, n)];
    const closest = new Float64Array(n).fill(Infinity);
    for (let c = 1; c < this.nClusters; c++) {
      const last = data.slice(0, chosen[c - 1], chosen[c - 1] + 1);
      const dist = squaredDistances(data, last, norms).dataSync();
      let total = 0;
      for (let i = 0; i < n; i++) total += (closest[i] = Math.min(closest[i], dist[i]));
      let pick = -1;
      if (total > 0) {
        let r = generator.random() * total;
        for (let i = 0; i < n && pick < 0; i++) if ((r -= closest[i]) < 0) pick = i;
      }
      // Fewer distinct points than clusters (or rounding at the end of the sum): any unchosen sample.
      if (pick < 0) pick = Array.from({ length: n }, (_, i) => i).find((i) => !chosen.includes(i)) ?? 0;
      chosen.push(pick);
    }
    const out = new Float32Array(this.nClusters * d);
    chosen.forEach((row, c) => { for (let j = 0; j < d; j++) out[c * d + j] = values[row * d + j]; });
    return fromFlat(out, [this.nClusters, d], "float32");
  }
}

function meanVariance(values: ArrayLike<number>, n: number, d: number): number {
  let total = 0;
  for (let j = 0; j < d; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) { const v = values[i * d + j]; s += v; s2 += v * v; }
    total += Math.max(0, s2 / n - (s / n) ** 2);
  }
  return total / d;
}

/** Each row's nearest centre and its squared distance. */
export function nearest(data: Tensor, centres: Tensor,
  norms?: Tensor): { labels: Int32Array; distances: Float64Array } {
  const k = centres.shape[0];
  const dist = squaredDistances(data, centres, norms).dataSync();
  const n = dist.length / k;
  const labels = new Int32Array(n), distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (dist[i * k + c] < dist[i * k + best]) best = c;
    labels[i] = best;
    distances[i] = dist[i * k + best];
  }
  return { labels, distances };
}

/**
 * Means of the members of each cluster. An empty cluster takes the sample farthest from its centre, as
 * scikit-learn relocates them, so k centres always stay in use.
 */
function updateCentres(values: ArrayLike<number>, labels: Int32Array, distances: Float64Array,
  n: number, d: number, k: number): Tensor {
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += values[i * d + j];
  }
  let far: number[] | null = null, nextFar = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      for (let j = 0; j < d; j++) sums[c * d + j] /= counts[c];
    } else {
      far ??= Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[b] - distances[a]);
      const row = far[nextFar++];
      for (let j = 0; j < d; j++) sums[c * d + j] = values[row * d + j];
    }
  }
  return fromFlat(sums, [k, d], "float32");
}
