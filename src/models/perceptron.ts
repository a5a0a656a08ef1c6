/**
 * Rosenblatt's perceptron (1958): a linear unit with a sign activation, trained by the error-correction
 * rule. Several classes are handled one-vs-rest, as scikit-learn's `Perceptron`.
 */
import { noGrad } from "../core/autograd.js";
import { fromFlat, tensor } from "../core/creation.js";
import { concat } from "../core/ops/movement.js";
import { Generator } from "../core/random.js";
import type { NestedArray, Tensor } from "../core/tensor.js";
import { Linear } from "../nn/layers/linear.js";
import {
  accuracyOf, checkFeatureCount, checkFlag, checkPositiveInteger, checkPositiveNumber, checkSeed,
  encodeClasses, seedOrRandom, toClassLabels, toFeatureMatrix,
} from "./estimator-checks.js";

export interface PerceptronOptions {
  /** Step η of the update `w ← w + η·y·x` made on each mistake (scikit-learn's `eta0`). Default 1. */
  learningRate?: number;
  /** Most epochs (passes over the data) per binary problem. Default 1000. */
  maxIter?: number;
  /** Visit the samples in a new random order every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling. Default: a random seed. */
  randomState?: number;
  /** Learn a bias (updated as a weight on a constant input 1). Default true. */
  fitIntercept?: boolean;
  /**
   * Keep the average of the weights over every sample visit instead of the last ones (the averaged
   * perceptron of Freund & Schapire, 1999): steadier when the classes are not separable. Default false.
   */
  average?: boolean;
}

const NAME = "Perceptron";

/** One binary perceptron's run: weights (bias last), epochs and mistakes per epoch. */
interface BinaryRun { weights: Float64Array; epochs: number; mistakes: number[]; converged: boolean }

/**
 * A perceptron classifier. Weights start at zero; on each misclassified sample (y·(w·x + b) ≤ 0 with
 * y = ±1) the rule adds η·y·x to w and η·y to b. Training stops after the first epoch without a
 * mistake:
 * the perceptron convergence theorem (Novikoff, 1962) guarantees that epoch comes when the classes are
 * linearly separable; otherwise training ends at `maxIter` with `converged` false.
 * @example const and = [[0, 0], [0, 1], [1, 0], [1, 1]];
 * const clf = new zd.models.Perceptron({ randomState: 0 }).fit(and, [0, 0, 0, 1]);
 * clf.converged;                 // true: AND is linearly separable
 * clf.predict([[1, 1]]).toArray(); // [1]
 */
export class Perceptron {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly shuffle: boolean;
  readonly randomState: number | undefined;
  readonly fitIntercept: boolean;
  readonly average: boolean;
  /** The sorted class labels seen by `fit`. */
  classes: number[] = [];
  /** True when every binary problem ended with an epoch without a mistake. */
  converged = false;
  /** Whether each one-vs-rest problem converged (one entry for two classes). */
  convergedPerClass: boolean[] = [];
  /** Epochs run: the most over the one-vs-rest problems. */
  nIter = 0;
  /** Mistakes (weight updates) in each epoch, summed over the one-vs-rest problems. */
  mistakesPerEpoch: number[] = [];
  private weights: Float64Array[] = [];
  private nFeatures = 0;

  constructor(options: PerceptronOptions = {}) {
    this.learningRate = checkPositiveNumber(NAME, "learningRate", options.learningRate ?? 1);
    this.maxIter = checkPositiveInteger(NAME, "maxIter", options.maxIter ?? 1000);
    this.shuffle = checkFlag(NAME, "shuffle", options.shuffle ?? true);
    this.randomState = checkSeed(NAME, options.randomState);
    this.fitIntercept = checkFlag(NAME, "fitIntercept", options.fitIntercept ?? true);
    this.average = checkFlag(NAME, "average", options.average ?? false);
  }

  /** Trains on X [samples, features] and integer labels y (at least two classes). */
  fit(x: Tensor | NestedArray, y: Tensor | readonly number[]): this {
    const features = toFeatureMatrix(NAME, x);
    const [n, d] = features.shape;
    const { classes, index } = encodeClasses(NAME, toClassLabels(NAME, y, n));
    const data = features.dataSync() as Float32Array;
    const seed = seedOrRandom(this.randomState);
    // Two classes need one perceptron (positive = the larger label); more need one per class.
    const problems = classes.length === 2 ? [1] : classes.map((_, k) => k);
    const runs = problems.map((k) => {
      const target = Int8Array.from(index, (c) => (c === k ? 1 : -1));
      return this.trainBinary(data, n, d, target, new Generator(seed));
    });
    this.classes = classes;
    this.nFeatures = d;
    this.weights = runs.map((r) => r.weights);
    this.convergedPerClass = runs.map((r) => r.converged);
    this.converged = runs.every((r) => r.converged);
    this.nIter = Math.max(...runs.map((r) => r.epochs));
    this.mistakesPerEpoch = Array.from({ length: this.nIter },
      (_, e) => runs.reduce((sum, r) => sum + (r.mistakes[e] ?? 0), 0));
    return this;
  }

  // Sequential updates on plain arrays: each one depends on the last, so there is no batch for tensor
  // kernels to work on, and a per-sample tensor op would cost more than the arithmetic itself.
  private trainBinary(x: Float32Array, n: number, d: number, target: Int8Array,
    generator: Generator): BinaryRun {
    const w = new Float64Array(d + 1);
    // Averaging without a sum per visit (Daumé, 2006): u accumulates each update times the visit count c,
    // and the mean of the weights over the c visits is w − u/c.
    const u = new Float64Array(d + 1);
    let visits = 1;
    const eta = this.learningRate, bias = this.fitIntercept ? 1 : 0;
    const mistakes: number[] = [];
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const finish = (epochs: number, converged: boolean): BinaryRun => {
      if (this.average) for (let j = 0; j <= d; j++) w[j] -= u[j] / visits;
      return { weights: w, epochs, mistakes, converged };
    };
    for (let epoch = 0; epoch < this.maxIter; epoch++) {
      const visit = this.shuffle ? generator.permutation(n) : order;
      let errors = 0;
      for (const i of visit) {
        const row = i * d;
        let s = w[d];
        for (let j = 0; j < d; j++) s += w[j] * x[row + j];
        const t = target[i];
        if (t * s <= 0) {
          errors++;
          const step = eta * t;
          for (let j = 0; j < d; j++) w[j] += step * x[row + j];
          w[d] += step * bias;
          if (this.average) {
            for (let j = 0; j < d; j++) u[j] += visits * step * x[row + j];
            u[d] += visits * step * bias;
          }
        }
        visits++;
      }
      mistakes.push(errors);
      if (errors === 0) return finish(epoch + 1, true);
    }
    return finish(this.maxIter, false);
  }

  private fitted(): void {
    if (this.weights.length === 0) throw new Error(`${NAME}: call fit() before using the model`);
  }

  /** Weights [1, features] for two classes, else [classes, features] (scikit-learn's `coef_`). */
  get coef(): Tensor {
    this.fitted();
    const d = this.nFeatures, out = new Float64Array(this.weights.length * d);
    this.weights.forEach((w, k) => out.set(w.subarray(0, d), k * d));
    return fromFlat(out, [this.weights.length, d], "float32");
  }

  /** Biases [1] for two classes, else [classes] (scikit-learn's `intercept_`). */
  get intercept(): Tensor {
    this.fitted();
    return fromFlat(this.weights.map((w) => w[this.nFeatures]), [this.weights.length], "float32");
  }

  /** w·x + b: [samples] for two classes (positive means the larger label), else [samples, classes]. */
  decisionFunction(x: Tensor | NestedArray): Tensor {
    this.fitted();
    const features = toFeatureMatrix(NAME, x);
    checkFeatureCount(NAME, features, this.nFeatures);
    return noGrad(() => {
      const scores = features.matmul(this.coef.T).add(this.intercept);
      return this.weights.length === 1 ? scores.reshape([-1]) : scores;
    });
  }

  /** Predicted labels (int32): the sign for two classes, the largest score one-vs-rest for more. */
  predict(x: Tensor | NestedArray): Tensor {
    const scores = this.decisionFunction(x);
    const best = scores.ndim === 1 ? scores.gt(0).dataSync() : noGrad(() => scores.argmax(1)).dataSync();
    return tensor(Int32Array.from(best, (i) => this.classes[i]), { dtype: "int32" });
  }

  /** Mean accuracy on (X, y). */
  score(x: Tensor | NestedArray, y: Tensor | readonly number[]): number {
    const predicted = this.predict(x).dataSync();
    return accuracyOf(predicted, toClassLabels(NAME, y, predicted.length));
  }

  /**
   * The decision function as an `nn.Linear` with one output per class, for `zd.save` and the CLI: its
   * arg-max is `predict`'s class index. Two classes become the outputs (−s, s) of the one score s.
   */
  toModule(): Linear {
    const coef = this.coef, intercept = this.intercept;
    const binary = this.weights.length === 1;
    const linear = new Linear(this.nFeatures, binary ? 2 : this.weights.length);
    noGrad(() => {
      linear.weight.assign(binary ? concat([coef.neg(), coef], 0) : coef);
      linear.bias!.assign(binary ? concat([intercept.neg(), intercept], 0) : intercept);
    });
    return linear;
  }
}
