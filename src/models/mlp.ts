import { noGrad } from "../core/autograd.js";
import { tensor } from "../core/creation.js";
import { Generator } from "../core/random.js";
import { formatShape } from "../core/shape.js";
import { Tensor, type NestedArray } from "../core/tensor.js";
import { Linear } from "../nn/layers/linear.js";
import { Sequential } from "../nn/layers/container.js";
import { Identity, ReLU, Sigmoid, Tanh } from "../nn/layers/activation.js";
import type { Module } from "../nn/module.js";
import { Adam } from "../optim/adam.js";
import { SGD } from "../optim/sgd.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Callback } from "../train/callbacks.js";
import { fitSteps, predict } from "../train/fit.js";
import { readsAsynchronously } from "../train/deferred.js";
import type { Steps } from "../train/stepper.js";
import { SklearnSchedule, type ScheduleOptions } from "./mlp-schedule.js";

export type MLPActivation = "identity" | "logistic" | "tanh" | "relu";

/** scikit-learn's MLP options, in camelCase, with its defaults. */
export interface MLPOptions {
  hiddenLayerSizes?: number[];
  activation?: MLPActivation;
  solver?: "sgd" | "adam";
  /** L2 penalty; added to the loss as alpha / (2 · batch) · Σ‖W‖², as scikit-learn does. */
  alpha?: number;
  batchSize?: number | "auto";
  learningRate?: "constant" | "invscaling" | "adaptive";
  learningRateInit?: number;
  powerT?: number;
  maxIter?: number;
  shuffle?: boolean;
  randomState?: number;
  tol?: number;
  momentum?: number;
  nesterovsMomentum?: boolean;
  earlyStopping?: boolean;
  validationFraction?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  nIterNoChange?: number;
  verbose?: boolean;
  /** Extra `fit` callbacks (not in scikit-learn), e.g. a `ProgressLogger` or a `ModelCheckpoint`. */
  callbacks?: Callback[];
  /** Continue an interrupted `fit` from a `ModelCheckpoint` folder (not in scikit-learn; see `zd.fit`). */
  resumeFrom?: string;
}

type Resolved = Required<Omit<MLPOptions, "randomState" | "resumeFrom">> &
  { randomState: number | undefined; resumeFrom: string | undefined };

function resolve(name: string, o: MLPOptions): Resolved {
  const r: Resolved = {
    hiddenLayerSizes: o.hiddenLayerSizes ?? [100], activation: o.activation ?? "relu",
    solver: o.solver ?? "adam",
    alpha: o.alpha ?? 1e-4, batchSize: o.batchSize ?? "auto", learningRate: o.learningRate ?? "constant",
    learningRateInit: o.learningRateInit ?? 1e-3, powerT: o.powerT ?? 0.5, maxIter: o.maxIter ?? 200,
    shuffle: o.shuffle ?? true, randomState: o.randomState, tol: o.tol ?? 1e-4, momentum: o.momentum ?? 0.9,
    nesterovsMomentum: o.nesterovsMomentum ?? true, earlyStopping: o.earlyStopping ?? false,
    validationFraction: o.validationFraction ?? 0.1, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8, nIterNoChange: o.nIterNoChange ?? 10, verbose: o.verbose ?? false,
    callbacks: o.callbacks ?? [], resumeFrom: o.resumeFrom,
  };
  const fail = (msg: string): never => { throw new Error(`${name}: ${msg}`); };
  if (!Array.isArray(r.hiddenLayerSizes) || r.hiddenLayerSizes.some((h) => !Number.isInteger(h) || h < 1)) {
    fail(`hiddenLayerSizes must be positive integers, got [${String(r.hiddenLayerSizes)}]`);
  }
  if (!["identity", "logistic", "tanh", "relu"].includes(r.activation)) {
    fail(`activation must be identity, logistic, tanh or relu, got "${r.activation}"`);
  }
  if (!["sgd", "adam"].includes(r.solver)) {
    fail(`solver must be "sgd" or "adam" (lbfgs is not supported), got "${r.solver}"`);
  }
  if (!["constant", "invscaling", "adaptive"].includes(r.learningRate)) {
    fail(`learningRate must be constant, invscaling or adaptive, got "${r.learningRate}"`);
  }
  if (!(r.alpha >= 0)) fail(`alpha must be >= 0, got ${r.alpha}`);
  if (!(r.learningRateInit > 0)) fail(`learningRateInit must be > 0, got ${r.learningRateInit}`);
  if (!Number.isInteger(r.maxIter) || r.maxIter < 1) {
    fail(`maxIter must be a positive integer, got ${r.maxIter}`);
  }
  if (r.batchSize !== "auto" && (!Number.isInteger(r.batchSize) || r.batchSize < 1)) {
    fail(`batchSize must be a positive integer or "auto", got ${r.batchSize}`);
  }
  if (!(r.momentum >= 0 && r.momentum <= 1)) fail(`momentum must be in [0, 1], got ${r.momentum}`);
  if (!(r.validationFraction > 0 && r.validationFraction < 1)) {
    fail(`validationFraction must be in (0, 1), got ${r.validationFraction}`);
  }
  if (!(r.beta1 >= 0 && r.beta1 < 1) || !(r.beta2 >= 0 && r.beta2 < 1)) {
    fail(`beta1 and beta2 must be in [0, 1)`);
  }
  if (!Number.isInteger(r.nIterNoChange) || r.nIterNoChange < 1) {
    fail(`nIterNoChange must be a positive integer`);
  }
  return r;
}

export function toFeatures(name: string, x: Tensor | NestedArray): Tensor {
  const t = x instanceof Tensor ? x : tensor(x);
  if (t.ndim !== 2) {
    throw new Error(`${name}: expected X with shape [samples, features], got ${formatShape(t.shape)}`);
  }
  return t.dtype === "float32" ? t : t.float();
}

/** The shared machinery of MLPClassifier and MLPRegressor (scikit-learn's BaseMultilayerPerceptron). */
export abstract class BaseMLP {
  protected readonly options: Resolved;
  /** The trained network (an nn.Sequential), available after `fit`. */
  model: Sequential | null = null;
  /** Training loss after each epoch (including the L2 term), as scikit-learn's `loss_curve_`. */
  lossCurve: number[] = [];
  /** Validation scores per epoch when `earlyStopping` is on. */
  validationScores: number[] = [];
  nIter = 0;
  /** False when training stopped at `maxIter` before the loss settled. */
  converged = false;

  constructor(protected readonly estimatorName: string, options: MLPOptions) {
    this.options = resolve(estimatorName, options);
  }

  protected abstract outputSize(): number;
  protected abstract dataLoss(output: Tensor, target: Tensor): Tensor;
  protected abstract validationScore(x: Tensor, y: Tensor): number;

  protected buildModel(nFeatures: number): Sequential {
    const sizes = [nFeatures, ...this.options.hiddenLayerSizes, this.outputSize()];
    const layers: Module[] = [];
    // Glorot-uniform for weights and biases, with scikit-learn's factor 2 for logistic units.
    const generator = new Generator(this.options.randomState ?? Math.floor(Math.random() * 2 ** 31));
    const factor = this.options.activation === "logistic" ? 2 : 6;
    for (let i = 0; i + 1 < sizes.length; i++) {
      const linear = new Linear(sizes[i], sizes[i + 1]);
      const bound = Math.sqrt(factor / (sizes[i] + sizes[i + 1]));
      for (const p of [linear.weight, linear.bias]) {
        if (!p) continue;
        const values = Float32Array.from({ length: p.size }, () => (generator.random() * 2 - 1) * bound);
        p.assign(tensor(values, { shape: [...p.shape] }));
      }
      layers.push(linear);
      if (i + 2 < sizes.length) layers.push(this.activationModule());
    }
    return new Sequential(...layers);
  }

  private activationModule(): Module {
    switch (this.options.activation) {
      case "relu": return new ReLU();
      case "tanh": return new Tanh();
      case "logistic": return new Sigmoid();
      case "identity": return new Identity();
    }
  }

  /** @internal `readEvery` of the fitAsync running, 0 for fit (see train/deferred.ts). */
  protected readEvery = 0;

  /** The training loop as a generator yielding between steps (fit and fitAsync drive it). */
  protected *trainSteps(x: Tensor, target: Tensor, validation: [Tensor, Tensor] | null): Steps<this> {
    const o = this.options;
    const n = x.shape[0];
    const batchSize = o.batchSize === "auto" ? Math.min(200, n) : Math.min(o.batchSize, n);
    const model = this.buildModel(x.shape[1]);
    const weights = model.parameters().filter((p) => p.ndim === 2);
    const biases = model.parameters().filter((p) => p.ndim !== 2);
    const groups = [{ params: weights }, { params: biases }];
    const optimizer: Optimizer = o.solver === "sgd"
      ? new SGD(groups, { lr: o.learningRateInit, momentum: o.momentum,
        nesterov: o.nesterovsMomentum && o.momentum > 0 })
      : new Adam(groups, { lr: o.learningRateInit, betas: [o.beta1, o.beta2], eps: o.epsilon });
    const alpha = o.alpha;
    const loss = (output: Tensor, yb: Tensor): Tensor => {
      let l = this.dataLoss(output, yb);
      if (alpha > 0) {
        let squares: Tensor | null = null;
        for (const w of weights) squares = squares ? squares.add(w.square().sum()) : w.square().sum();
        if (squares) l = l.add(squares.mul(alpha / (2 * output.shape[0])));
      }
      return l;
    };
    const scheduleOptions: ScheduleOptions = {
      optimizer, learningRate: o.learningRate, learningRateInit: o.learningRateInit, powerT: o.powerT,
      tol: o.tol,
      nIterNoChange: o.nIterNoChange, solver: o.solver, verbose: o.verbose, samplesPerEpoch: n,
      validationScore: validation ? () => this.validationScore(validation[0], validation[1]) : null,
    };
    const schedule = new SklearnSchedule(scheduleOptions);
    this.model = model;
    yield* fitSteps(model, x, target, {
      loss, optimizer, epochs: o.maxIter, batchSize, shuffle: o.shuffle, seed: o.randomState, verbose: 0,
      callbacks: [schedule, ...o.callbacks], resumeFrom: o.resumeFrom,
    }, readsAsynchronously(x) ? this.readEvery : 0);
    this.lossCurve = schedule.lossCurve;
    this.validationScores = schedule.validationScores;
    this.nIter = schedule.lossCurve.length;
    this.converged = schedule.converged;
    if (validation && schedule.bestWeights) model.loadStateDict(schedule.bestWeights);
    model.eval();
    return this;
  }

  protected forward(x: Tensor): Tensor {
    if (!this.model) throw new Error(`${this.estimatorName}: call fit() before predicting`);
    const inFeatures = (this.model.at(0) as Linear).inFeatures;
    if (x.shape[1] !== inFeatures) {
      throw new Error(`${this.estimatorName}: X has ${x.shape[1]} features, but the model was fitted with ` +
        `${inFeatures}`);
    }
    return predict(this.model, x);
  }

  /** Weight matrices as scikit-learn's `coefs_` ([in, out] each). */
  get coefs(): Tensor[] {
    return noGrad(() => (this.model?.parameters() ?? []).filter((p) => p.ndim === 2)
      .map((w) => w.T.contiguous()));
  }

  /** Bias vectors as scikit-learn's `intercepts_`. */
  get intercepts(): Tensor[] {
    return noGrad(() => (this.model?.parameters() ?? []).filter((p) => p.ndim === 1).map((b) => b.clone()));
  }

  get bestLoss(): number {
    return this.lossCurve.length ? Math.min(...this.lossCurve) : NaN;
  }
}
