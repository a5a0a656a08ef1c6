/**
 * Radial basis function networks (Broomhead & Lowe, 1988; Moody & Darken, 1989): a layer of Gaussian units
 * placed by k-means, then a linear readout fitted by regularised least squares, the classic "hybrid"
 * training; optionally every parameter (centres, widths, readout) is then refined by gradient descent.
 */
import { noGrad } from "../core/autograd.js";
import { fromFlat, tensor } from "../core/creation.js";
import { formatShape } from "../core/shape.js";
import { Tensor, type NestedArray } from "../core/tensor.js";
import { Sequential } from "../nn/layers/container.js";
import { Linear } from "../nn/layers/linear.js";
import { mseLoss } from "../nn/functional/losses.js";
import { Adam } from "../optim/adam.js";
import type { Callback } from "../train/callbacks.js";
import { fit, predict } from "../train/fit.js";
import { r2Score } from "../train/metrics.js";
import {
  accuracyOf, checkFeatureCount, checkNonNegativeInteger, checkNonNegativeNumber, checkPositiveInteger,
  checkPositiveNumber, checkSeed, encodeClasses, seedOrRandom, toClassLabels, toFeatureMatrix,
} from "./estimator-checks.js";
import { KMeans } from "./kmeans.js";
import { RBFLayer, rbfWidths, type RBFWidthHeuristic } from "./rbf-layer.js";
import { ridgeFit } from "./ridge.js";

export interface RBFOptions {
  /** Gaussian units, one per k-means centre. Default 100. */
  nCenters?: number;
  /** How widths follow from the centres (see {@link RBFWidthHeuristic}). Default "nearest". */
  widthHeuristic?: RBFWidthHeuristic;
  /** p of the "nearest" rule. Default 2. */
  nearestNeighbors?: number;
  /** Factor applied to every width the heuristic gives. Default 1. */
  widthScale?: number;
  /** Ridge penalty λ of the least-squares readout (the bias is not penalised). Default 1e-3. */
  alpha?: number;
  /** Most k-means iterations. Default 100. */
  kmeansMaxIter?: number;
  /** Epochs of end-to-end gradient descent (Adam on the squared error) after the hybrid fit. Default 0. */
  gradientEpochs?: number;
  /** Adam's learning rate for those epochs. Default 1e-3. */
  learningRate?: number;
  /** Mini-batch size for those epochs. Default 32. */
  batchSize?: number;
  /** Seed of k-means++ and of the batch order. Default: a random seed. */
  randomState?: number;
  /** Extra `fit` callbacks for the gradient epochs, e.g. a `ProgressLogger`. */
  callbacks?: Callback[];
}

type Resolved = Required<Omit<RBFOptions, "randomState">> & { randomState: number | undefined };

function resolve(name: string, o: RBFOptions): Resolved {
  const heuristic = o.widthHeuristic ?? "nearest";
  if (!["nearest", "max-distance", "cluster"].includes(heuristic)) {
    throw new Error(`${name}: widthHeuristic must be "nearest", "max-distance" or "cluster", ` +
      `got "${heuristic}"`);
  }
  return {
    nCenters: checkPositiveInteger(name, "nCenters", o.nCenters ?? 100), widthHeuristic: heuristic,
    nearestNeighbors: checkPositiveInteger(name, "nearestNeighbors", o.nearestNeighbors ?? 2),
    widthScale: checkPositiveNumber(name, "widthScale", o.widthScale ?? 1),
    alpha: checkNonNegativeNumber(name, "alpha", o.alpha ?? 1e-3),
    kmeansMaxIter: checkPositiveInteger(name, "kmeansMaxIter", o.kmeansMaxIter ?? 100),
    gradientEpochs: checkNonNegativeInteger(name, "gradientEpochs", o.gradientEpochs ?? 0),
    learningRate: checkPositiveNumber(name, "learningRate", o.learningRate ?? 1e-3),
    batchSize: checkPositiveInteger(name, "batchSize", o.batchSize ?? 32),
    randomState: checkSeed(name, o.randomState), callbacks: o.callbacks ?? [],
  };
}

/** What RBFClassifier and RBFRegressor share: placing the units, the readout, the gradient epochs. */
abstract class BaseRBF {
  protected readonly options: Resolved;
  /** The network after `fit`: `Sequential(RBFLayer, Linear)`; `zd.save(est.model)` stores it. */
  model: Sequential | null = null;
  /** Mean squared error of the outputs on the training data after the hybrid fit, then after each epoch. */
  lossCurve: number[] = [];
  /** The k-means run that placed the centres. */
  kmeans: KMeans | null = null;

  constructor(protected readonly estimatorName: string, options: RBFOptions) {
    this.options = resolve(estimatorName, options);
  }

  protected train(x: Tensor, target: Tensor): void {
    const o = this.options, [n, d] = x.shape;
    if (n < o.nCenters) {
      throw new Error(`${this.estimatorName}: nCenters is ${o.nCenters} but X has only ${n} samples`);
    }
    const seed = seedOrRandom(o.randomState);
    const kmeans = new KMeans({ nClusters: o.nCenters, maxIter: o.kmeansMaxIter, randomState: seed }).fit(x);
    const centers = kmeans.clusterCenters!;
    const widths = rbfWidths(centers, o.widthHeuristic, { neighbors: o.nearestNeighbors, scale: o.widthScale,
      labels: kmeans.labels, distances: kmeans.distances });
    const rbf = new RBFLayer(d, o.nCenters);
    const readout = new Linear(o.nCenters, target.shape[1]);
    noGrad(() => {
      rbf.centers.assign(centers);
      rbf.widths.assign(fromFlat(widths, [o.nCenters], "float32"));
      const phi = rbf.forward(x);
      const solution = ridgeFit(this.estimatorName, phi, target, o.alpha);
      readout.weight.assign(fromFlat(solution.weight, readout.weight.shape, "float32"));
      readout.bias!.assign(fromFlat(solution.bias, [target.shape[1]], "float32"));
    });
    const model = new Sequential(rbf, readout);
    this.kmeans = kmeans;
    this.model = model;
    const trainError = (): number => noGrad(() => mseLoss(predict(model, x), target).item());
    this.lossCurve = [trainError()];
    if (o.gradientEpochs === 0) return;
    fit(model, x, target, {
      loss: (output, t) => mseLoss(output, t),
      optimizer: new Adam(model.parameters(), { lr: o.learningRate }), epochs: o.gradientEpochs,
      batchSize: Math.min(o.batchSize, n), seed, verbose: 0,
      callbacks: [{ onEpochEnd: () => { this.lossCurve.push(trainError()); } }, ...o.callbacks],
    });
  }

  protected outputs(x: Tensor | NestedArray): Tensor {
    if (this.model === null) throw new Error(`${this.estimatorName}: call fit() before predicting`);
    const features = toFeatureMatrix(this.estimatorName, x);
    checkFeatureCount(this.estimatorName, features, (this.model.at(0) as RBFLayer).inFeatures);
    return predict(this.model, features);
  }

  /** The Gaussian units' activations [samples, nCenters] (the hidden layer). */
  transform(x: Tensor | NestedArray): Tensor {
    if (this.model === null) throw new Error(`${this.estimatorName}: call fit() before transform()`);
    const features = toFeatureMatrix(this.estimatorName, x);
    const rbf = this.model.at(0) as RBFLayer;
    checkFeatureCount(this.estimatorName, features, rbf.inFeatures);
    return noGrad(() => rbf.forward(features));
  }
}

/**
 * An RBF network classifier: one output per class fitted to one-hot targets, the class with the largest
 * output wins.
 * @example
 * const { x, y } = zd.data.loadDigits();
 * const clf = new zd.models.RBFClassifier({ nCenters: 200, randomState: 0 }).fit(x.div(16), y);
 * clf.score(x.div(16), y); // training accuracy
 */
export class RBFClassifier extends BaseRBF {
  classes: number[] = [];

  constructor(options: RBFOptions = {}) {
    super("RBFClassifier", options);
  }

  fit(x: Tensor | NestedArray, y: Tensor | readonly number[]): this {
    const features = toFeatureMatrix(this.estimatorName, x);
    const labels = toClassLabels(this.estimatorName, y, features.shape[0]);
    const { classes, index } = encodeClasses(this.estimatorName, labels);
    const oneHot = new Float32Array(index.length * classes.length);
    index.forEach((c, i) => { oneHot[i * classes.length + c] = 1; });
    this.train(features, fromFlat(oneHot, [index.length, classes.length], "float32"));
    this.classes = classes;
    return this;
  }

  /** The network's outputs [samples, classes] (least-squares estimates of the one-hot targets). */
  decisionFunction(x: Tensor | NestedArray): Tensor {
    return this.outputs(x);
  }

  predict(x: Tensor | NestedArray): Tensor {
    const best = noGrad(() => this.outputs(x).argmax(1)).dataSync();
    return tensor(Int32Array.from(best, (i) => this.classes[i]), { dtype: "int32" });
  }

  /** Mean accuracy on (X, y). */
  score(x: Tensor | NestedArray, y: Tensor | readonly number[]): number {
    const predicted = this.predict(x).dataSync();
    return accuracyOf(predicted, toClassLabels(this.estimatorName, y, predicted.length));
  }
}

/**
 * An RBF network regressor (one or several outputs).
 * @example
 * const x = zd.linspace(-3, 3, 200).reshape([-1, 1]);
 * const reg = new zd.models.RBFRegressor({ nCenters: 12, randomState: 0 }).fit(x, x.sin().reshape([-1]));
 * reg.score(x, x.sin().reshape([-1])); // R² close to 1
 */
export class RBFRegressor extends BaseRBF {
  private flatTarget = true;

  constructor(options: RBFOptions = {}) {
    super("RBFRegressor", options);
  }

  fit(x: Tensor | NestedArray, y: Tensor | NestedArray): this {
    const features = toFeatureMatrix(this.estimatorName, x);
    let target = y instanceof Tensor ? y.float() : tensor(y);
    if (target.ndim < 1 || target.ndim > 2 || target.shape[0] !== features.shape[0]) {
      const n = features.shape[0];
      throw new Error(`${this.estimatorName}: X has ${n} samples, so y must be [${n}] or [${n}, outputs], ` +
        `got ${formatShape(target.shape)}`);
    }
    this.flatTarget = target.ndim === 1;
    if (this.flatTarget) target = target.reshape([-1, 1]);
    toFeatureMatrix(this.estimatorName, target, "y");
    this.train(features, target);
    return this;
  }

  predict(x: Tensor | NestedArray): Tensor {
    const out = this.outputs(x);
    return this.flatTarget ? out.reshape([-1]) : out;
  }

  /** R² of the prediction. */
  score(x: Tensor | NestedArray, y: Tensor | NestedArray): number {
    return r2Score(this.predict(x), y instanceof Tensor ? y : tensor(y));
  }
}
