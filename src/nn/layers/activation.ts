/**
 * Activation modules: each wraps the function of the same name in nn.functional, so that it can sit
 * in a Sequential, print itself and be rebuilt from a saved config.
 */
import type { Tensor } from "../../core/tensor.js";
import {
  elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh,
} from "../functional/index.js";
import { Module, type ModuleConfig } from "../module.js";
import { checkFinite, checkInput, checkInt, checkOneOf } from "./check.js";

/**
 * Returns its input unchanged: the "identity" activation, and a placeholder where an option removes a layer.
 * @example const act = useRelu ? new nn.ReLU() : new nn.Identity();
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return checkInput("Identity", x); }
  override getConfig(): ModuleConfig { return { type: "Identity" }; }
}

/** 1/(1+e⁻ˣ) element-wise. @example new nn.Sigmoid().forward(zd.tensor([0])) // [0.5] */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(checkInput("Sigmoid", x)); }
  override getConfig(): ModuleConfig { return { type: "Sigmoid" }; }
}

/** Hyperbolic tangent element-wise. @example new nn.Tanh().forward(zd.tensor([0])) // [0] */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(checkInput("Tanh", x)); }
  override getConfig(): ModuleConfig { return { type: "Tanh" }; }
}

/** max(0, x) element-wise. @example new nn.ReLU().forward(zd.tensor([-1, 2])) // [0, 2] */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(checkInput("ReLU", x)); }
  override getConfig(): ModuleConfig { return { type: "ReLU" }; }
}

/**
 * x for x ≥ 0, negativeSlope·x below.
 * @example new nn.LeakyReLU(0.2).forward(zd.tensor([-1])) // [-0.2]
 */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkFinite("LeakyReLU", "negativeSlope", negativeSlope);
  }
  forward(x: Tensor): Tensor { return leakyRelu(checkInput("LeakyReLU", x), this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${this.negativeSlope}`; }
  override getConfig(): ModuleConfig {
    return { type: "LeakyReLU", args: { negativeSlope: this.negativeSlope } };
  }
}

/** exp(x) normalized to sum to 1 along `dim`. @example new nn.Softmax(1).forward(logits) */
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim = -1) {
    super();
    this.dim = checkInt("Softmax", "dim", dim);
  }
  forward(x: Tensor): Tensor { return softmax(checkInput("Softmax", x, 1), this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
  override getConfig(): ModuleConfig { return { type: "Softmax", args: { dim: this.dim } }; }
}

/** log(softmax(x)) along `dim`, computed stably. @example new nn.LogSoftmax(1).forward(logits) */
export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim = -1) {
    super();
    this.dim = checkInt("LogSoftmax", "dim", dim);
  }
  forward(x: Tensor): Tensor { return logSoftmax(checkInput("LogSoftmax", x, 1), this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
  override getConfig(): ModuleConfig { return { type: "LogSoftmax", args: { dim: this.dim } }; }
}

export interface GELUOptions {
  /** "none" (default) computes x·Φ(x) with erf; "tanh" uses the tanh approximation. */
  approximate?: "none" | "tanh";
}

/** Gaussian error linear unit. @example new nn.GELU({ approximate: "tanh" }).forward(x) */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(options: GELUOptions = {}) {
    super();
    this.approximate = checkOneOf("GELU", "approximate", options.approximate ?? "none", ["none", "tanh"]);
  }
  forward(x: Tensor): Tensor { return gelu(checkInput("GELU", x), this.approximate); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
  override getConfig(): ModuleConfig { return { type: "GELU", args: { approximate: this.approximate } }; }
}

/** x for x > 0, alpha·(eˣ − 1) below. @example new nn.ELU(0.5).forward(x) */
export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha = 1) {
    super();
    this.alpha = checkFinite("ELU", "alpha", alpha);
  }
  forward(x: Tensor): Tensor { return elu(checkInput("ELU", x), this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
  override getConfig(): ModuleConfig { return { type: "ELU", args: { alpha: this.alpha } }; }
}

/** x·sigmoid(x) (swish). @example new nn.SiLU().forward(x) */
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return silu(checkInput("SiLU", x)); }
  override getConfig(): ModuleConfig { return { type: "SiLU" }; }
}

export interface SoftplusOptions {
  /** Sharpness: log(1 + e^(beta·x))/beta (default 1). */
  beta?: number;
  /** Above beta·x > threshold the function returns x, where softplus equals it in float32 (default 20). */
  threshold?: number;
}

/** A smooth ReLU, log(1 + e^(beta·x))/beta. @example new nn.Softplus({ beta: 2 }).forward(x) */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options: SoftplusOptions = {}) {
    super();
    this.beta = checkFinite("Softplus", "beta", options.beta ?? 1);
    if (this.beta === 0) throw new Error("Softplus: beta must be nonzero, got 0");
    this.threshold = checkFinite("Softplus", "threshold", options.threshold ?? 20);
  }
  forward(x: Tensor): Tensor { return softplus(checkInput("Softplus", x), this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
  override getConfig(): ModuleConfig {
    return { type: "Softplus", args: { beta: this.beta, threshold: this.threshold } };
  }
}
