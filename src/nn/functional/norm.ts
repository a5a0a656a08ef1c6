/**
 * Normalization. Batch norm in training mode runs on the backend's fused kernels (core/ops/norm.ts);
 * evaluation, layer norm and, on a backend without the kernels or when asked (`composite`: the specification
 * the kernels are tested against), training too are compositions of differentiable ops (mean, subtraction,
 * rsqrt), with gradients, including those through the batch statistics, from autograd.
 */
import { noGrad } from "../../core/autograd.js";
import { isFloat, promoteTypes } from "../../core/dtype.js";
import { batchNormOp, hasBatchNormKernels } from "../../core/ops/norm.js";
import { formatShape } from "../../core/shape.js";
import { checkNonNegative } from "../../util/check.js";
import { Tensor } from "../../core/tensor.js";

export interface BatchNormOptions {
  /** Per-channel scale γ [C] (none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift β [C] (none: 0). */
  bias?: Tensor | null;
  /** Normalize with this batch's statistics (and update the running ones), not the running ones. */
  training?: boolean;
  /** Weight of the new batch in the running averages: running = (1−m)·running + m·batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

export interface LayerNormOptions {
  /** Elementwise scale, of the normalized shape. */
  weight?: Tensor | null;
  /** Elementwise shift, of the normalized shape. */
  bias?: Tensor | null;
  eps?: number;
}

function checkVector(op: string, name: string, t: Tensor | null | undefined, shape: readonly number[]): void {
  if (t == null) return;
  if (!(t instanceof Tensor) || t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    const got = t instanceof Tensor ? formatShape(t.shape) : typeof t;
    throw new Error(`${op}: ${name} must have shape ${formatShape(shape)}, got ${got}`);
  }
}

/** γ·x̂ + β with γ, β broadcast as `shape`. */
function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined,
  shape: readonly number[]): Tensor {
  const scaled = weight == null ? y : y.mul(weight.reshape(shape));
  return bias == null ? scaled : scaled.add(bias.reshape(shape));
}

/** @internal batch norm under the caller's name (the layer's, in its errors). */
export function normalizeBatch(op: string, x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  options: BatchNormOptions, composite = false): Tensor {
  if (!(x instanceof Tensor) || x.ndim < 2) {
    const got = x instanceof Tensor ? formatShape(x.shape) : typeof x;
    throw new Error(`${op}: expected an input [N, C, ...] with at least 2 dimensions, got ${got}`);
  }
  const c = x.shape[1];
  checkVector(op, "runningMean", runningMean, [c]);
  checkVector(op, "runningVar", runningVar, [c]);
  checkVector(op, "weight", options.weight, [c]);
  checkVector(op, "bias", options.bias, [c]);
  const eps = checkNonNegative(op, "eps", options.eps ?? 1e-5);
  const momentum = checkNonNegative(op, "momentum", options.momentum ?? 0.1);
  const shape = [c, ...x.shape.slice(2).map(() => 1)];
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = x.size / Math.max(c, 1);
  let y: Tensor;
  if (options.training) {
    if (count <= 1) {
      throw new Error(`${op}: expected more than 1 value per channel when training, got input shape ` +
        `${formatShape(x.shape)}`);
    }
    let mean: Tensor, variance: Tensor;
    if (!composite && isFloat(x.dtype) && hasBatchNormKernels(x.backend)) {
      const { weight, bias } = options;
      const dtype = [weight, bias].reduce((d, t) => (t == null ? d : promoteTypes(d, t.dtype)), x.dtype);
      const fused = batchNormOp(x.to(dtype), weight?.to(dtype) ?? null, bias?.to(dtype) ?? null, eps);
      ({ mean, variance } = fused);
      y = fused.output;
    } else {
      mean = x.mean(dims, true);
      const centered = x.sub(mean);
      // the biased variance normalizes, as PyTorch; the running average stores the unbiased one
      variance = centered.mul(centered).mean(dims, true);
      y = affine(centered.mul(variance.add(eps).rsqrt()), options.weight, options.bias, shape);
    }
    noGrad(() => {
      if (runningMean !== null) {
        runningMean.assign(runningMean.mul(1 - momentum).add(mean.reshape([c]).mul(momentum)));
      }
      if (runningVar !== null) {
        const unbiased = variance.reshape([c]).mul(count / (count - 1));
        runningVar.assign(runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
      }
    });
    return y;
  } else {
    if (runningMean === null || runningVar === null) {
      throw new Error(`${op}: runningMean and runningVar are needed when not training`);
    }
    y = x.sub(runningMean.reshape(shape)).mul(runningVar.add(eps).rsqrt().reshape(shape));
  }
  return affine(y, options.weight, options.bias, shape);
}

/**
 * Batch normalization (Ioffe & Szegedy, 2015) over channel dim 1 of x [N, C, ...]: with
 * `training`, each channel is normalized by its batch mean and biased variance and the running
 * statistics (if given) are updated in place; otherwise the running statistics are used.
 * @example
 * const mean = zd.zeros([16]), variance = zd.ones([16]);
 * nn.functional.batchNorm(zd.randn([8, 16, 5, 5]), mean, variance, { training: true });
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  options: BatchNormOptions = {}): Tensor {
  return normalizeBatch("batchNorm", x, runningMean, runningVar, options);
}

/** @internal layer norm under the caller's name. */
export function normalizeLayer(op: string, x: Tensor, normalizedShape: readonly number[],
  options: LayerNormOptions): Tensor {
  const k = normalizedShape.length;
  if (!(x instanceof Tensor) || x.ndim < k || normalizedShape.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
    const got = x instanceof Tensor ? formatShape(x.shape) : typeof x;
    throw new Error(`${op}: expected an input whose last dimensions are ${formatShape(normalizedShape)}, ` +
      `got shape ${got}`);
  }
  checkVector(op, "weight", options.weight, normalizedShape);
  checkVector(op, "bias", options.bias, normalizedShape);
  const eps = checkNonNegative(op, "eps", options.eps ?? 1e-5);
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const centered = x.sub(x.mean(dims, true));
  const y = centered.mul(centered.mul(centered).mean(dims, true).add(eps).rsqrt());
  return affine(y, options.weight, options.bias, normalizedShape);
}

/**
 * Layer normalization (Ba et al., 2016): each sample is normalized over its last dimensions
 * (`normalizedShape`) by their mean and biased variance, then scaled and shifted elementwise.
 * @example nn.functional.layerNorm(zd.randn([4, 10, 32]), [32]).shape // [4, 10, 32]
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[],
  options: LayerNormOptions = {}): Tensor {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
  return normalizeLayer("layerNorm", x, shape, options);
}
