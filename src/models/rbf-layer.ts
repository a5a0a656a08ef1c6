/**
 * A layer of Gaussian radial basis units, φ_j(x) = exp(−|x − c_j|² / (2σ_j²)), and the heuristics
 * that set the widths σ_j from the centres c_j (Moody & Darken, 1989; Haykin, "Neural Networks", §5).
 */
import { ones, randn } from "../core/creation.js";
import { formatShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { Module, type ModuleConfig } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { registerModule } from "../nn/registry.js";
import { checkPositiveInteger } from "./estimator-checks.js";
import { squaredDistances } from "./kmeans.js";

/**
 * How the widths follow from the centres:
 * - `"nearest"`: σ_j is the root-mean-square distance from c_j to its `p` nearest other centres
 *   (Moody & Darken's p-nearest-neighbour rule), so units are wide where centres are sparse.
 * - `"max-distance"`: one width for all, σ = d_max / √(2k) with d_max the largest distance between two
 *   centres (Haykin's rule for k centres), which keeps the units neither too peaked nor too flat.
 * - `"cluster"`: σ_j is the root-mean-square distance of the members of cluster j to c_j (the
 *   "nearest" rule for clusters of a single sample).
 */
export type RBFWidthHeuristic = "nearest" | "max-distance" | "cluster";

/**
 * exp(−|x_i − c_j|² / (2σ_j²)) for rows x_i of `x` [samples, features], centres `centers` [k,
 * features]
 * and widths `widths` [k]: [samples, k]. The squared distance is expanded as |x|² − 2x·c + |c|² so the
 * work is one matrix product; rounding can leave it slightly negative, hence the clamp at 0.
 * Differentiable in all three.
 */
export function rbfActivations(x: Tensor, centers: Tensor, widths: Tensor): Tensor {
  const d2 = x.square().sum(1, true).sub(x.matmul(centers.T).mul(2))
    .add(centers.square().sum(1).reshape([1, -1])).clamp(0);
  return d2.div(widths.square().mul(-2).reshape([1, -1])).exp();
}

/**
 * Gaussian radial basis units: [samples, inFeatures] → [samples, numCenters]. The centres and widths are
 * parameters, so the layer can be trained by gradient descent; `zd.save` stores both.
 * @example const rbf = new zd.models.RBFLayer(2, 3);
 * rbf.forward(zd.randn([4, 2])).shape; // [4, 3], each value in (0, 1]
 */
export class RBFLayer extends Module {
  /** Centres c_j, [numCenters, inFeatures]. */
  centers: Parameter;
  /**
   * Widths σ_j, [numCenters]; only σ² enters the formula, so a sign flip by a gradient step is harmless.
   */
  widths: Parameter;

  constructor(readonly inFeatures: number, readonly numCenters: number) {
    super();
    checkPositiveInteger("RBFLayer", "inFeatures", inFeatures);
    checkPositiveInteger("RBFLayer", "numCenters", numCenters);
    this.centers = new Parameter(randn([numCenters, inFeatures]));
    this.widths = new Parameter(ones([numCenters]));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new Error(`RBFLayer(${this.inFeatures} → ${this.numCenters}): expected input [samples, ` +
        `${this.inFeatures}], got ${formatShape(x.shape)}`);
    }
    return rbfActivations(x, this.centers, this.widths);
  }

  override getConfig(): ModuleConfig {
    return { type: "RBFLayer", args: { inFeatures: this.inFeatures, numCenters: this.numCenters } };
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, num_centers=${this.numCenters}`;
  }
}

registerModule("RBFLayer", (args, children) => {
  if (children.length > 0) throw new Error(`RBFLayer takes no children, got ${children.length}`);
  return new RBFLayer(args.inFeatures as number, args.numCenters as number);
});

/**
 * Widths [k] for the centres by `heuristic`, scaled by `scale`. `labels` and `distances` (each training
 * sample's cluster and squared distance to its centre) are needed by `"cluster"` only.
 */
export function rbfWidths(centers: Tensor, heuristic: RBFWidthHeuristic, options: { neighbors: number;
  scale: number; labels?: Int32Array; distances?: Float64Array }): Float64Array {
  const k = centers.shape[0];
  const d2 = squaredDistances(centers, centers).dataSync();
  const widths = new Float64Array(k);
  const nearestRule = (j: number): number => {
    const others = Array.from({ length: k }, (_, i) => d2[j * k + i]).filter((_, i) => i !== j)
      .sort((a, b) => a - b);
    const p = Math.min(options.neighbors, others.length);
    return p === 0 ? 1 : Math.sqrt(others.slice(0, p).reduce((a, b) => a + b, 0) / p);
  };
  if (heuristic === "max-distance") {
    const width = k === 1 ? 1 : Math.sqrt(Math.max(...d2)) / Math.sqrt(2 * k);
    widths.fill(width);
  } else if (heuristic === "cluster" && options.labels && options.distances) {
    const sums = new Float64Array(k), counts = new Float64Array(k);
    options.labels.forEach((c, i) => { sums[c] += options.distances![i]; counts[c]++; });
    for (let j = 0; j < k; j++) {
      widths[j] = counts[j] > 1 && sums[j] > 0 ? Math.sqrt(sums[j] / counts[j]) : nearestRule(j);
    }
  } else {
    for (let j = 0; j < k; j++) widths[j] = nearestRule(j);
  }
  // Two identical centres would give a zero width and a division by zero in the layer.
  const positive = widths.filter((w) => w > 0);
  const fallback = positive.length > 0 ? Math.min(...positive) : 1;
  return widths.map((w) => (w > 0 ? w : fallback) * options.scale);
}
