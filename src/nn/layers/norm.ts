/**
 * Normalization layers: BatchNorm1d/2d (running statistics as buffers, as PyTorch names them) and
 * LayerNorm, thin wrappers over nn.functional's batchNorm and layerNorm.
 */
import { full, ones, zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import { pyTuple } from "../config.js";
import { normalizeBatch, normalizeLayer } from "../functional/norm.js";
import { Parameter } from "../parameter.js";
import type { ConfigArgs } from "../config.js";
import { checkBoolean, checkFinite, checkInput, checkOneOf, checkPositiveInt } from "./check.js";

/** A float as Python prints it (1e-05, 0.1). */
function pyFloat(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
const pyBool = (b: boolean): string => (b ? "True" : "False");

export interface BatchNormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running statistics; null: a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** Batch normalization over channel dim 1; subclasses fix the accepted input ranks. */
abstract class BatchNormLayer extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  // buffers, registered under PyTorch's names so state dicts load in either framework
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  protected constructor(private readonly kind: "BatchNorm1d" | "BatchNorm2d",
    private readonly ranks: number[], numFeatures: number, options: BatchNormOptions) {
    super();
    this.numFeatures = checkPositiveInt(kind, "numFeatures", numFeatures);
    this.eps = checkFinite(kind, "eps", options.eps ?? 1e-5);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.momentum = momentum === null ? null : checkFinite(kind, "momentum", momentum);
    this.affine = checkBoolean(kind, "affine", options.affine ?? true);
    this.trackRunningStats = checkBoolean(kind, "trackRunningStats", options.trackRunningStats ?? true);
    const dtype = checkOneOf(kind, "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer("running_mean", track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("num_batches_tracked", track ? full([], 0, "int32") : null);
  }

  /** Running mean 0, running variance 1, no batches seen. */
  resetRunningStats(): void {
    this.running_mean?.assign(0);
    this.running_var?.assign(1);
    this.num_batches_tracked?.assign(0);
  }

  /** Running statistics reset, weight 1 and bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.assign(1);
    this.bias?.assign(0);
  }

  forward(x: Tensor): Tensor {
    const label = `${this.kind}(${this.numFeatures})`;
    checkInput(label, x);
    if (!this.ranks.includes(x.ndim)) {
      const layouts = this.ranks.map((r) => (r === 2 ? "[N, C]" : r === 3 ? "[N, C, L]" : "[N, C, H, W]"));
      throw new Error(`${label}: expected a ${layouts.join(" or ")} input, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${label}: expected input with ${this.numFeatures} channels, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked !== null) {
      const seen = this.num_batches_tracked.item() + 1;
      this.num_batches_tracked.assign(seen);
      if (this.momentum === null) momentum = 1 / seen;
    }
    // without running statistics, batch statistics are used in eval mode too (as PyTorch)
    const useBatch = this.training || this.running_mean === null;
    return normalizeBatch(label, x, useBatch && !this.training ? null : this.running_mean,
      useBatch && !this.training ? null : this.running_var,
      { weight: this.weight, bias: this.bias, training: useBatch, momentum, eps: this.eps });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, ` +
      `affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }

  override getConfig(): ModuleConfig {
    const args: NonNullable<ModuleConfig["args"]> = { numFeatures: this.numFeatures, eps: this.eps,
      momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats };
    const dtype = (this.weight ?? this.running_mean)?.dtype;
    if (dtype !== undefined && dtype !== "float32") args.dtype = dtype;
    return { type: this.kind, args };
  }
}

/**
 * Batch normalization of [N, C] features or [N, C, L] sequences, per channel C: batch statistics in
 * train(), running ones in eval().
 * @example
 * const bn = new nn.BatchNorm1d(64);
 * bn.forward(zd.randn([32, 64]));   // normalized per feature; running_mean/running_var updated
 */
export class BatchNorm1d extends BatchNormLayer {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm1d", [2, 3], numFeatures, options);
  }
  /** @internal */
  static fromConfig(a: ConfigArgs): BatchNorm1d {
    return new BatchNorm1d(a.numFeatures as number, a as unknown as BatchNormOptions);
  }
}

/**
 * Batch normalization of [N, C, H, W] images, per channel C.
 * @example
 * const bn = new nn.BatchNorm2d(16);
 * bn.forward(zd.randn([8, 16, 28, 28])).shape;   // [8, 16, 28, 28]
 * bn.eval();                                     // now normalizes with running_mean, running_var
 */
export class BatchNorm2d extends BatchNormLayer {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm2d", [4], numFeatures, options);
  }
  /** @internal */
  static fromConfig(a: ConfigArgs): BatchNorm2d {
    return new BatchNorm2d(a.numFeatures as number, a as unknown as BatchNormOptions);
  }
}

export interface LayerNormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Learn an elementwise `weight` and `bias` of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * Layer normalization over the last dimensions (`normalizedShape`) of each sample, the same in
 * training and evaluation.
 * @example new nn.LayerNorm(32).forward(zd.randn([4, 10, 32])).shape // [4, 10, 32]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0) {
      throw new Error(`LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, ` +
        `got ${JSON.stringify(normalizedShape)}`);
    }
    shape.forEach((d) => checkPositiveInt("LayerNorm", "normalizedShape", d));
    this.normalizedShape = [...shape];
    this.eps = checkFinite("LayerNorm", "eps", options.eps ?? 1e-5);
    this.elementwiseAffine = checkBoolean("LayerNorm", "elementwiseAffine",
      options.elementwiseAffine ?? true);
    const dtype = checkOneOf("LayerNorm", "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    this.weight = this.elementwiseAffine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(shape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    const label = `LayerNorm(${formatShape(this.normalizedShape)})`;
    return normalizeLayer(label, checkInput(label, x), this.normalizedShape,
      { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    const shape = pyTuple(this.normalizedShape);
    return `${shape}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }

  override getConfig(): ModuleConfig {
    const args: NonNullable<ModuleConfig["args"]> = {
      normalizedShape: [...this.normalizedShape], eps: this.eps, elementwiseAffine: this.elementwiseAffine,
    };
    if (this.weight !== null && this.weight.dtype !== "float32") args.dtype = this.weight.dtype;
    return { type: "LayerNorm", args };
  }

  /** @internal */
  static fromConfig(a: ConfigArgs): LayerNorm {
    return new LayerNorm(a.normalizedShape as number[], a as unknown as LayerNormOptions);
  }
}
