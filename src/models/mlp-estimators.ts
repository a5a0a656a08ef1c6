import { noGrad } from "../core/autograd.js";
import { tensor } from "../core/creation.js";
import { formatShape } from "../core/shape.js";
import { Tensor, type NestedArray } from "../core/tensor.js";
import { crossEntropy, mseLoss } from "../nn/functional/losses.js";
import { trainTestSplit } from "../data/split.js";
import { r2Score } from "../train/metrics.js";
import { runAsync, runSync, type AsyncTrainingOptions, type Steps } from "../train/stepper.js";
import { readInterval } from "../train/deferred.js";
import { BaseMLP, toFeatures, type MLPOptions } from "./mlp.js";

function toLabels(name: string, y: Tensor | readonly number[], n: number): Int32Array {
  const values = y instanceof Tensor ? y.dataSync() : Float64Array.from(y);
  if (values.length !== n) throw new Error(`${name}: X has ${n} samples but y has ${values.length} labels`);
  const out = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (!Number.isInteger(v)) {
      throw new Error(`${name}: class labels must be integers, got ${v} at index ${i}`);
    }
    out[i] = v;
  });
  return out;
}

/**
 * A multilayer perceptron classifier with scikit-learn's API and training rules (softmax output,
 * log-loss, L2 penalty `alpha`, SGD with Nesterov momentum or Adam, mini-batches of min(200, n)).
 * @example
 * const clf = new zd.models.MLPClassifier({ hiddenLayerSizes: [128], solver: "sgd", learningRateInit: 0.01,
 *   maxIter: 100, randomState: 0 }).fit(xTrain, yTrain);
 * clf.score(xTest, yTest); // accuracy
 */
export class MLPClassifier extends BaseMLP {
  /** The sorted class labels seen by `fit`. */
  classes: number[] = [];

  constructor(options: MLPOptions = {}) {
    super("MLPClassifier", options);
  }

  protected outputSize(): number { return this.classes.length; }
  protected dataLoss(output: Tensor, target: Tensor): Tensor { return crossEntropy(output, target); }
  protected validationScore(x: Tensor, y: Tensor): number { return this.score(x, y); }

  fit(x: Tensor | NestedArray, y: Tensor | readonly number[]): this {
    return runSync(this.fitSteps(x, y));
  }

  /**
   * `fit` that yields to the event loop between steps: the form for a browser page.
   * @example await new zd.models.MLPClassifier({ maxIter: 50 }).fitAsync(xTrain, yTrain);
   */
  fitAsync(x: Tensor | NestedArray, y: Tensor | readonly number[],
    options?: AsyncTrainingOptions): Promise<this> {
    this.readEvery = readInterval(options?.readEvery);
    return runAsync(this.fitSteps(x, y), options).finally(() => { this.readEvery = 0; });
  }

  private *fitSteps(x: Tensor | NestedArray, y: Tensor | readonly number[]): Steps<this> {
    const features = toFeatures("MLPClassifier", x);
    const labels = toLabels("MLPClassifier", y, features.shape[0]);
    this.classes = [...new Set(labels)].sort((a, b) => a - b);
    if (this.classes.length < 2) {
      throw new Error(`MLPClassifier: y must hold at least 2 classes, got ${this.classes.length}`);
    }
    const position = new Map(this.classes.map((c, i) => [c, i]));
    const target = tensor(Int32Array.from(labels, (v) => position.get(v) as number), { dtype: "int32" });
    if (!this.options.earlyStopping) return yield* this.trainSteps(features, target, null);
    const [xTrain, xVal, yTrain, yVal] = trainTestSplit(features, target, {
      testSize: this.options.validationFraction, seed: this.options.randomState, stratify: target,
    });
    return yield* this.trainSteps(xTrain, yTrain, [xVal, yVal]);
  }

  /** Class probabilities [samples, classes] (softmax of the output layer). */
  predictProba(x: Tensor | NestedArray): Tensor {
    return noGrad(() => this.forward(toFeatures("MLPClassifier", x)).softmax(1));
  }

  /** Predicted class labels (int32). */
  predict(x: Tensor | NestedArray): Tensor {
    const index = noGrad(() => this.forward(toFeatures("MLPClassifier", x)).argmax(1));
    // labels 0..C-1 (the usual case) are the arg-max itself: no read-back, so a GPU in a page can predict
    if (this.classes.every((c, i) => c === i)) return index;
    return tensor(Int32Array.from(index.dataSync(), (i) => this.classes[i]), { dtype: "int32" });
  }

  /** Mean accuracy on (x, y). */
  score(x: Tensor | NestedArray, y: Tensor | readonly number[]): number {
    const predicted = this.predict(x).dataSync();
    const labels = toLabels("MLPClassifier", y, predicted.length);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
    return correct / labels.length;
  }
}

/** A multilayer perceptron regressor (identity output, squared loss / 2 as scikit-learn). */
export class MLPRegressor extends BaseMLP {
  private outputs = 1;
  private flatTarget = true;

  constructor(options: MLPOptions = {}) {
    super("MLPRegressor", options);
  }

  protected outputSize(): number { return this.outputs; }
  protected dataLoss(output: Tensor, target: Tensor): Tensor {
    return mseLoss(output, target).mul(0.5 * output.shape[1]);
  }
  protected validationScore(x: Tensor, y: Tensor): number { return r2Score(this.forward(x), y); }

  fit(x: Tensor | NestedArray, y: Tensor | NestedArray): this {
    return runSync(this.fitSteps(x, y));
  }

  /** `fit` that yields to the event loop between steps. @example await reg.fitAsync(x, y); */
  fitAsync(x: Tensor | NestedArray, y: Tensor | NestedArray, options?: AsyncTrainingOptions): Promise<this> {
    this.readEvery = readInterval(options?.readEvery);
    return runAsync(this.fitSteps(x, y), options).finally(() => { this.readEvery = 0; });
  }

  private *fitSteps(x: Tensor | NestedArray, y: Tensor | NestedArray): Steps<this> {
    const features = toFeatures("MLPRegressor", x);
    let target = y instanceof Tensor ? y.float() : tensor(y);
    if (target.shape[0] !== features.shape[0]) {
      throw new Error(`MLPRegressor: X has ${features.shape[0]} samples but y has shape ` +
        `${formatShape(target.shape)}`);
    }
    this.flatTarget = target.ndim === 1;
    if (this.flatTarget) target = target.reshape([-1, 1]);
    this.outputs = target.shape[1];
    if (!this.options.earlyStopping) return yield* this.trainSteps(features, target, null);
    const [xTrain, xVal, yTrain, yVal] = trainTestSplit(features, target, {
      testSize: this.options.validationFraction, seed: this.options.randomState,
    });
    return yield* this.trainSteps(xTrain, yTrain, [xVal, yVal]);
  }

  predict(x: Tensor | NestedArray): Tensor {
    const out = this.forward(toFeatures("MLPRegressor", x));
    return this.flatTarget ? out.reshape([-1]) : out;
  }

  /** R² of the prediction. */
  score(x: Tensor | NestedArray, y: Tensor | NestedArray): number {
    const target = y instanceof Tensor ? y : tensor(y);
    return r2Score(this.predict(x), target);
  }
}
