/**
 * Deep belief network classifier (Hinton, Osindero & Teh, 2006; Hinton & Salakhutdinov, 2006): a stack of
 * RBMs trained greedily, layer by layer, each on the hidden probabilities of the one below; the stack is
 * then unrolled into a feed-forward network of sigmoid units, a softmax layer is put on top, and the
 * whole network is fine-tuned with backpropagation.
 */
import { noGrad } from "../core/autograd.js";
import { fromFlat, tensor } from "../core/creation.js";
import { Generator } from "../core/random.js";
import type { NestedArray, Tensor } from "../core/tensor.js";
import { xavierUniform, zeros as zeroInit } from "../nn/init.js";
import { Sigmoid } from "../nn/layers/activation.js";
import { Sequential } from "../nn/layers/container.js";
import { Linear } from "../nn/layers/linear.js";
import type { Module } from "../nn/module.js";
import { crossEntropy } from "../nn/functional/losses-classification.js";
import { Adam } from "../optim/adam.js";
import { SGD } from "../optim/sgd.js";
import type { Callback } from "../train/callbacks.js";
import { fit, predict } from "../train/fit.js";
import {
  accuracyOf, checkFeatureCount, checkFlag, checkNonNegativeNumber, checkPositiveInteger, checkPositiveNumber,
  checkSeed, checkUnitInterval, encodeClasses, seedOrRandom, toClassLabels, toFeatureMatrix,
} from "./estimator-checks.js";
import { BernoulliRBM, type BernoulliRBMOptions, type RBMEpochLog } from "./rbm.js";

/** How each RBM of the stack is pre-trained (the `BernoulliRBM` options that make sense per layer). */
export type DBNPretrainOptions = Pick<BernoulliRBMOptions,
  "learningRate" | "batchSize" | "nIter" | "k" | "persistent" | "optimizer" | "momentum" | "weightDecay">;

export interface DBNOptions {
  /** Sizes of the hidden layers (one RBM each). Default [256, 128]. */
  hiddenLayerSizes?: number[];
  /** Pre-train the layers as RBMs (default true); false gives the same network from a Glorot start. */
  pretrain?: boolean;
  /** RBM training per layer. Default: CD-1, learning rate 0.05, batches of 10, 20 epochs. */
  pretraining?: DBNPretrainOptions;
  /** Epochs of backpropagation fine-tuning. Default 50. */
  epochs?: number;
  /** Fine-tuning step size. Default 0.1 with SGD, 1e-3 with Adam. */
  learningRate?: number;
  /** Fine-tuning optimizer: "sgd" (momentum 0.9, default) or "adam". */
  optimizer?: "sgd" | "adam";
  /** Fine-tuning mini-batch size. Default 32. */
  batchSize?: number;
  /** Seed of the RBMs, the initial weights and the batch order. Default: a random seed. */
  randomState?: number;
  /** One line per RBM epoch on stderr. */
  verbose?: boolean;
  /** Extra `fit` callbacks for fine-tuning, e.g. a `ProgressLogger`. */
  callbacks?: Callback[];
}

const NAME = "DBNClassifier";

/**
 * A DBN classifier for inputs in [0, 1].
 * @example
 * const { x, y } = zd.data.loadDigits();
 * const dbn = new zd.models.DBNClassifier({ hiddenLayerSizes: [128], epochs: 10, randomState: 0 });
 * dbn.fit(x.div(16), y).score(x.div(16), y); // training accuracy
 */
export class DBNClassifier {
  readonly hiddenLayerSizes: number[];
  readonly pretrain: boolean;
  readonly pretraining: Required<Omit<DBNPretrainOptions, "optimizer">> & { optimizer: "sgd" | "adam" };
  readonly epochs: number;
  readonly optimizer: "sgd" | "adam";
  readonly learningRate: number;
  readonly batchSize: number;
  readonly randomState: number | undefined;
  readonly verbose: boolean;
  private readonly callbacks: Callback[];
  classes: number[] = [];
  /** The pre-trained RBMs, bottom first (empty without pre-training). */
  rbms: BernoulliRBM[] = [];
  /** Each RBM's per-epoch monitoring figures. */
  pretrainHistory: RBMEpochLog[][] = [];
  /** The unrolled network: Linear/Sigmoid pairs, then a Linear of class scores (`zd.save(dbn.model)`). */
  model: Sequential | null = null;
  /** Training cross-entropy after each fine-tuning epoch. */
  lossCurve: number[] = [];

  constructor(options: DBNOptions = {}) {
    const sizes = options.hiddenLayerSizes ?? [256, 128];
    if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new Error(`${NAME}: hiddenLayerSizes must be a non-empty list of positive integers, ` +
        `got [${String(sizes)}]`);
    }
    this.hiddenLayerSizes = [...sizes];
    this.pretrain = checkFlag(NAME, "pretrain", options.pretrain ?? true);
    const p = options.pretraining ?? {};
    if (p.optimizer !== undefined && p.optimizer !== "sgd" && p.optimizer !== "adam") {
      throw new Error(`${NAME}: pretraining.optimizer must be "sgd" or "adam", ` +
        `got ${JSON.stringify(p.optimizer)}`);
    }
    this.pretraining = {
      learningRate: checkPositiveNumber(NAME, "pretraining.learningRate", p.learningRate ?? 0.05),
      batchSize: checkPositiveInteger(NAME, "pretraining.batchSize", p.batchSize ?? 10),
      nIter: checkPositiveInteger(NAME, "pretraining.nIter", p.nIter ?? 20),
      k: checkPositiveInteger(NAME, "pretraining.k", p.k ?? 1),
      persistent: checkFlag(NAME, "pretraining.persistent", p.persistent ?? false),
      optimizer: p.optimizer ?? "sgd",
      momentum: checkNonNegativeNumber(NAME, "pretraining.momentum", p.momentum ?? 0),
      weightDecay: checkNonNegativeNumber(NAME, "pretraining.weightDecay", p.weightDecay ?? 0),
    };
    const optimizer = options.optimizer ?? "sgd";
    if (optimizer !== "sgd" && optimizer !== "adam") {
      throw new Error(`${NAME}: optimizer must be "sgd" or "adam", got ${JSON.stringify(optimizer)}`);
    }
    this.optimizer = optimizer;
    this.epochs = checkPositiveInteger(NAME, "epochs", options.epochs ?? 50);
    const defaultRate = optimizer === "sgd" ? 0.1 : 1e-3;
    this.learningRate = checkPositiveNumber(NAME, "learningRate", options.learningRate ?? defaultRate);
    this.batchSize = checkPositiveInteger(NAME, "batchSize", options.batchSize ?? 32);
    this.randomState = checkSeed(NAME, options.randomState);
    this.verbose = checkFlag(NAME, "verbose", options.verbose ?? false);
    this.callbacks = options.callbacks ?? [];
  }

  /** Pre-trains (unless `pretrain` is false), unrolls and fine-tunes on X in [0, 1] and labels y. */
  fit(x: Tensor | NestedArray, y: Tensor | readonly number[]): this {
    const features = this.checkInput(toFeatureMatrix(NAME, x));
    const { classes, index } = encodeClasses(NAME, toClassLabels(NAME, y, features.shape[0]));
    const seeds = new Generator(seedOrRandom(this.randomState));
    this.rbms = [];
    this.pretrainHistory = [];
    if (this.pretrain) {
      let input = features;
      for (const size of this.hiddenLayerSizes) {
        const rbm = new BernoulliRBM({ ...this.pretraining, nComponents: size,
          randomState: seeds.int(0, 2 ** 31), verbose: this.verbose }).fit(input);
        this.rbms.push(rbm);
        this.pretrainHistory.push(rbm.history);
        input = rbm.transform(input);
      }
    }
    const model = this.unroll(features.shape[1], classes.length, seeds.int(0, 2 ** 31));
    const parameters = model.parameters();
    const optimizer = this.optimizer === "adam" ? new Adam(parameters, { lr: this.learningRate })
      : new SGD(parameters, { lr: this.learningRate, momentum: 0.9 });
    const target = tensor(index, { dtype: "int32" });
    const history = fit(model, features, target, {
      loss: (output, t) => crossEntropy(output, t), optimizer, epochs: this.epochs,
      batchSize: Math.min(this.batchSize, features.shape[0]), seed: seeds.int(0, 2 ** 31), verbose: 0,
      callbacks: this.callbacks,
    });
    model.eval();
    this.model = model;
    this.classes = classes;
    this.lossCurve = history.history.loss ?? [];
    return this;
  }

  /**
   * Linear/Sigmoid pairs with the RBMs' weights and hidden biases (W is [hidden, visible] in both), or
   * Glorot-uniform weights and zero biases without pre-training; the output layer is Glorot either way.
   */
  private unroll(nFeatures: number, nClasses: number, seed: number): Sequential {
    const sizes = [nFeatures, ...this.hiddenLayerSizes, nClasses];
    const layers: Module[] = [];
    const generator = new Generator(seed);
    for (let i = 0; i + 1 < sizes.length; i++) {
      const linear = new Linear(sizes[i], sizes[i + 1]);
      const rbm = this.rbms[i];
      noGrad(() => {
        if (rbm !== undefined) {
          linear.weight.assign(rbm.weight!);
          linear.bias!.assign(rbm.hiddenBias!);
        } else {
          xavierUniform(linear.weight, 1, { seed: generator.nextUint32() });
          zeroInit(linear.bias!);
        }
      });
      layers.push(linear);
      if (i + 2 < sizes.length) layers.push(new Sigmoid());
    }
    return new Sequential(...layers);
  }

  private checkInput(features: Tensor): Tensor {
    return checkUnitInterval(NAME, features, "the bottom RBM's visible units");
  }

  private outputs(x: Tensor | NestedArray): Tensor {
    if (this.model === null) throw new Error(`${NAME}: call fit() before predicting`);
    const features = this.checkInput(toFeatureMatrix(NAME, x));
    checkFeatureCount(NAME, features, (this.model.at(0) as Linear).inFeatures);
    return predict(this.model, features);
  }

  /** Class probabilities [samples, classes] (softmax of the scores). */
  predictProba(x: Tensor | NestedArray): Tensor {
    return noGrad(() => this.outputs(x).softmax(1));
  }

  predict(x: Tensor | NestedArray): Tensor {
    const best = noGrad(() => this.outputs(x).argmax(1)).dataSync();
    return fromFlat(Int32Array.from(best, (i) => this.classes[i]), [best.length], "int32");
  }

  /** Mean accuracy on (X, y). */
  score(x: Tensor | NestedArray, y: Tensor | readonly number[]): number {
    const predicted = this.predict(x).dataSync();
    return accuracyOf(predicted, toClassLabels(NAME, y, predicted.length));
  }
}
