/**
 * Bernoulli-Bernoulli restricted Boltzmann machine (Smolensky, 1986; Hinton, 2002), trained by contrastive
 * divergence (CD-k) or persistent CD (Tieleman, 2008), with scikit-learn's `BernoulliRBM` API.
 *
 * Energy E(v, h) = −bᵀv − cᵀh − hᵀWv; free energy F(v) = −bᵀv − Σ_j softplus(c_j +
 * W_j·v).
 * The log-likelihood gradient is E_data[−∇F(v)] − E_model[−∇F(v)]; CD estimates the model term with
 * samples from a short Gibbs chain. That estimate is written into each parameter's `.grad`, so any
 * zendl optimizer performs the update (optimizers only read `.grad`).
 */
import { platform } from "#platform";
import { noGrad } from "../core/autograd.js";
import { keep, keepReachable, tidy } from "../core/memory.js";
import { fromFlat, rand, randn, zeros } from "../core/creation.js";
import { Generator } from "../core/random.js";
import type { NestedArray, Tensor } from "../core/tensor.js";
import { Module, type ModuleConfig } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { registerModule, type ConfigArgs } from "../nn/registry.js";
import { Adam } from "../optim/adam.js";
import type { Optimizer } from "../optim/optimizer.js";
import { SGD } from "../optim/sgd.js";
import type { BernoulliRBMOptions, RBMEpochLog } from "./rbm-options.js";
import {
  checkFeatureCount, checkFlag, checkNonNegativeNumber, checkPositiveInteger, checkPositiveNumber, checkSeed,
  checkUnitInterval, seedOrRandom, toFeatureMatrix,
} from "./estimator-checks.js";

export type { BernoulliRBMOptions, RBMEpochLog };

const NAME = "BernoulliRBM";

/**
 * Free energy F(v) = −v·b − Σ_j softplus(c_j + W_j·v) of each row of `v` ([samples, visible] →
 * [samples]); `weight` is [hidden, visible]. Differentiable, so `freeEnergy(...).backward()` gives ∇F.
 */
export function rbmFreeEnergy(v: Tensor, weight: Tensor, visibleBias: Tensor, hiddenBias: Tensor): Tensor {
  return v.matmul(visibleBias.reshape([-1, 1])).reshape([-1]).neg()
    .sub(v.matmul(weight.T).add(hiddenBias).softplus().sum(1));
}

/**
 * A Bernoulli RBM. `forward` (and `transform`) give the hidden units' probabilities P(h = 1 | v).
 * @example const { x } = zd.data.loadDigits();
 * const rbm = new zd.models.BernoulliRBM({ nComponents: 64, nIter: 5, randomState: 0 }).fit(x.div(16));
 * rbm.transform(x.div(16)).shape;          // [1797, 64]
 * rbm.history.at(-1)!.reconstructionError; // falls epoch after epoch
 */
export class BernoulliRBM extends Module {
  /** W [nComponents, nFeatures] (scikit-learn's `components_`; the `nn.Linear` layout). */
  weight: Parameter | null = null;
  /** Hidden biases c [nComponents] (`intercept_hidden_`). */
  hiddenBias: Parameter | null = null;
  /** Visible biases b [nFeatures] (`intercept_visible_`). */
  visibleBias: Parameter | null = null;
  readonly nComponents: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly nIter: number;
  readonly k: number;
  readonly persistent: boolean;
  readonly optimizerName: "sgd" | "adam";
  readonly momentum: number;
  readonly weightDecay: number;
  readonly randomState: number | undefined;
  readonly verbose: boolean;
  /** One entry per epoch of the last `fit`. */
  history: RBMEpochLog[] = [];
  private readonly generator: Generator;
  private optimizer: Optimizer | null = null;
  /** Hidden states of the persistent chain (PCD only). */
  private chain: Tensor | null = null;

  constructor(options: BernoulliRBMOptions = {}) {
    super();
    this.nComponents = checkPositiveInteger(NAME, "nComponents", options.nComponents ?? 256);
    this.learningRate = checkPositiveNumber(NAME, "learningRate", options.learningRate ?? 0.1);
    this.batchSize = checkPositiveInteger(NAME, "batchSize", options.batchSize ?? 10);
    this.nIter = checkPositiveInteger(NAME, "nIter", options.nIter ?? 10);
    this.k = checkPositiveInteger(NAME, "k", options.k ?? 1);
    this.persistent = checkFlag(NAME, "persistent", options.persistent ?? false);
    const optimizer = options.optimizer ?? "sgd";
    if (optimizer !== "sgd" && optimizer !== "adam") {
      throw new Error(`${NAME}: optimizer must be "sgd" or "adam", got ${JSON.stringify(optimizer)}`);
    }
    this.optimizerName = optimizer;
    this.momentum = checkNonNegativeNumber(NAME, "momentum", options.momentum ?? 0);
    this.weightDecay = checkNonNegativeNumber(NAME, "weightDecay", options.weightDecay ?? 0);
    this.randomState = checkSeed(NAME, options.randomState);
    this.verbose = checkFlag(NAME, "verbose", options.verbose ?? false);
    this.generator = new Generator(seedOrRandom(this.randomState));
    if (options.nFeatures !== undefined) {
      this.initialize(checkPositiveInteger(NAME, "nFeatures", options.nFeatures));
    }
  }

  /** Visible units (0 before the weights exist). */
  get nFeatures(): number { return this.weight?.shape[1] ?? 0; }

  /** Fresh weights N(0, 0.01²) and zero biases, as scikit-learn; forgets the optimizer and the chain. */
  initialize(nFeatures: number): void {
    const w = randn([this.nComponents, nFeatures], { seed: this.generator.nextUint32() }).mul(0.01);
    this.weight = new Parameter(w);
    this.hiddenBias = new Parameter(zeros([this.nComponents]));
    this.visibleBias = new Parameter(zeros([nFeatures]));
    this.optimizer = null;
    this.chain = null;
  }

  private params(): { w: Parameter; b: Parameter; c: Parameter } {
    if (!this.weight || !this.visibleBias || !this.hiddenBias) {
      throw new Error(`${NAME}: call fit() (or pass nFeatures) before using the model`);
    }
    return { w: this.weight, b: this.visibleBias, c: this.hiddenBias };
  }

  /** X as float32 [samples, nFeatures] with every value in [0, 1] (probabilities or binary pixels). */
  private checkInput(x: Tensor | NestedArray): Tensor {
    const data = toFeatureMatrix(NAME, x);
    if (this.weight) checkFeatureCount(NAME, data, this.nFeatures);
    return checkUnitInterval(NAME, data, "binary or probabilities");
  }

  /** P(h = 1 | v) = σ(vWᵀ + c), [samples, nComponents]. */
  forward(v: Tensor): Tensor {
    const { w, c } = this.params();
    return v.matmul(w.T).add(c).sigmoid();
  }

  meanHiddens(v: Tensor): Tensor { return this.forward(v); }

  /** P(v = 1 | h) = σ(hW + b), [samples, nFeatures]. */
  meanVisibles(h: Tensor): Tensor {
    const { w, b } = this.params();
    return h.matmul(w).add(b).sigmoid();
  }

  /** Bernoulli draws: 1 where a uniform number falls below the probability. */
  private bernoulli(p: Tensor): Tensor {
    return p.gt(rand(p.shape, { seed: this.generator.nextUint32() }));
  }

  sampleHiddens(v: Tensor): Tensor { return noGrad(() => this.bernoulli(this.meanHiddens(v))); }

  sampleVisibles(h: Tensor): Tensor { return noGrad(() => this.bernoulli(this.meanVisibles(h))); }

  /** One Gibbs step v → h ~ P(h|v) → v' ~ P(v|h); returns v' (scikit-learn's `gibbs`). */
  gibbs(v: Tensor | NestedArray): Tensor {
    return this.sampleVisibles(this.sampleHiddens(this.checkInput(v)));
  }

  /** Hidden probabilities of X, checked and without a graph: the features a next layer or classifier uses. */
  transform(x: Tensor | NestedArray): Tensor {
    const v = this.checkInput(x);
    return noGrad(() => this.forward(v));
  }

  /** F(v) per sample, differentiable with respect to the parameters. */
  freeEnergy(v: Tensor): Tensor {
    const { w, b, c } = this.params();
    return rbmFreeEnergy(v, w, b, c);
  }

  /**
   * Adds the CD estimate of the negative log-likelihood gradient to each parameter's `.grad`:
   * ∂/∂W = ⟨P(h|v⁻)v⁻ᵀ⟩ − ⟨P(h|v⁺)v⁺ᵀ⟩, ∂/∂b = ⟨v⁻⟩ − ⟨v⁺⟩,
   * ∂/∂c = ⟨P(h|v⁻)⟩ − ⟨P(h|v⁺)⟩, with ⟨·⟩ the
   * mean over the rows of the positive (data) and negative (chain) batches. This equals the gradient of
   * mean F(v⁺) − mean F(v⁻) with v⁻ held fixed.
   */
  writeCdGradients(positive: Tensor, negative: Tensor): void {
    const { w, b, c } = this.params();
    noGrad(() => {
      const hPos = this.forward(positive), hNeg = this.forward(negative);
      const nPos = positive.shape[0], nNeg = negative.shape[0];
      const gradW = hNeg.T.matmul(negative).div(nNeg).sub(hPos.T.matmul(positive).div(nPos));
      const gradB = negative.mean(0).sub(positive.mean(0));
      const gradC = hNeg.mean(0).sub(hPos.mean(0));
      // Kept like the leaf gradients `backward()` writes: they belong to their parameter, not to a tidy.
      for (const [p, g] of [[w, gradW], [b, gradB], [c, gradC]] as const) {
        p.grad = keep(p.grad ? p.grad.add(g) : g);
      }
    });
  }

  /**
   * The negative batch: k Gibbs steps from the data's hidden sample (CD-k), or from the persistent
   * chain's state (PCD), whose last hidden sample is kept for the next update.
   */
  negativeSamples(positive: Tensor): Tensor {
    return noGrad(() => {
      let h = this.persistent
        ? (this.chain ??= zeros([positive.shape[0], this.nComponents]))
        : this.sampleHiddens(positive);
      let v = this.sampleVisibles(h);
      for (let step = 1; step < this.k; step++) v = this.sampleVisibles(h = this.sampleHiddens(v));
      if (this.persistent) this.chain = this.sampleHiddens(v);
      return v;
    });
  }

  private ensureOptimizer(): Optimizer {
    const { w, b, c } = this.params();
    if (this.optimizer === null) {
      const groups = [{ params: [w], weightDecay: this.weightDecay }, { params: [b, c], weightDecay: 0 }];
      this.optimizer = this.optimizerName === "adam"
        ? new Adam(groups, { lr: this.learningRate })
        : new SGD(groups, { lr: this.learningRate, momentum: this.momentum });
    }
    return this.optimizer;
  }

  /** One CD update on X taken as a single batch (scikit-learn's `partial_fit`). */
  partialFit(x: Tensor | NestedArray): this {
    const v = this.checkInput(x);
    if (!this.weight) this.initialize(v.shape[1]);
    this.update(v);
    return this;
  }

  /**
   * One optimizer step on a batch. Its temporaries are freed when it ends (as `fit` does for each step), so
   * the next update reuses the same memory; the chain and the gradients stored on the model survive.
   */
  private update(batch: Tensor): void {
    const optimizer = this.ensureOptimizer();
    tidy(() => {
      optimizer.zeroGrad();
      this.writeCdGradients(batch, this.negativeSamples(batch));
      optimizer.step();
      keepReachable(this);
    });
  }

  /** Trains for `nIter` epochs of shuffled mini-batches, starting from fresh weights. */
  fit(x: Tensor | NestedArray): this {
    const v = this.checkInput(x);
    const n = v.shape[0];
    this.initialize(v.shape[1]);
    this.history = [];
    const started = performance.now();
    for (let epoch = 1; epoch <= this.nIter; epoch++) {
      const order = this.generator.permutation(n);
      for (let start = 0; start < n; start += this.batchSize) {
        const rows = order.subarray(start, Math.min(n, start + this.batchSize));
        this.update(v.indexSelect(0, Array.from(rows)));
      }
      const log: RBMEpochLog = { epoch, reconstructionError: this.reconstructionError(v),
        pseudoLogLikelihood: this.pseudoLogLikelihood(v), seconds: (performance.now() - started) / 1000 };
      this.history.push(log);
      if (this.verbose) {
        platform.stderr().write(`[${NAME}] epoch ${epoch}: reconstruction error ` +
          `${log.reconstructionError.toFixed(5)}, pseudo-log-likelihood ` +
          `${log.pseudoLogLikelihood.toFixed(3)}, ${log.seconds.toFixed(1)}s\n`);
      }
    }
    return this;
  }

  /** Mean squared difference per value between X and its mean-field reconstruction P(v | P(h|X)). */
  reconstructionError(x: Tensor | NestedArray): number {
    const v = this.checkInput(x);
    return noGrad(() => this.meanVisibles(this.forward(v)).sub(v).square().mean().item());
  }

  /**
   * Stochastic pseudo-log-likelihood of each row, as scikit-learn: flip one randomly chosen value i of
   * v to get ṽ, then log P(v_i | v_rest) ≈ nFeatures · log σ(F(ṽ) − F(v)). Its mean rises as the
   * model fits.
   */
  scoreSamples(x: Tensor | NestedArray): Tensor {
    const v = this.checkInput(x);
    const [n, d] = v.shape;
    const flipped = Float32Array.from(v.dataSync());
    for (let i = 0; i < n; i++) {
      const j = i * d + this.generator.int(0, d);
      flipped[j] = 1 - flipped[j];
    }
    return noGrad(() => {
      const gap = this.freeEnergy(fromFlat(flipped, [n, d], "float32")).sub(this.freeEnergy(v));
      return gap.logSigmoid().mul(d);
    });
  }

  /** The mean of `scoreSamples` over the rows of X. */
  pseudoLogLikelihood(x: Tensor | NestedArray): number {
    return noGrad(() => this.scoreSamples(x).mean().item());
  }

  override getConfig(): ModuleConfig {
    return { type: NAME, args: {
      // An RBM saved before fit has no weights, and is rebuilt without them.
      ...(this.weight ? { nFeatures: this.nFeatures } : {}), nComponents: this.nComponents,
      learningRate: this.learningRate,
      batchSize: this.batchSize, nIter: this.nIter, k: this.k, persistent: this.persistent,
      optimizer: this.optimizerName, momentum: this.momentum, weightDecay: this.weightDecay,
    } };
  }

  override extraRepr(): string {
    return `n_features=${this.nFeatures}, n_components=${this.nComponents}, k=${this.k}, ` +
      `persistent=${this.persistent}`;
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): BernoulliRBM {
    const get = <T>(key: string): T | undefined => args[key] as T | undefined;
    return new BernoulliRBM({ nFeatures: get("nFeatures"), nComponents: get("nComponents"),
      learningRate: get("learningRate"), batchSize: get("batchSize"), nIter: get("nIter"), k: get("k"),
      persistent: get("persistent"), optimizer: get("optimizer"), momentum: get("momentum"),
      weightDecay: get("weightDecay") });
  }
}

registerModule(NAME, (args, children) => {
  if (children.length > 0) throw new Error(`${NAME} takes no children, got ${children.length}`);
  return BernoulliRBM.fromConfig(args);
});
