/**
 * Ops built from differentiable primitives: they need no backward of their own, so they work on
 * every backend and their gradients come for free.
 */
import { noGrad } from "./autograd.js";
import { normalizeAxes, normalizeAxis, shapeSize } from "./shape.js";
import type { Tensor } from "./tensor.js";
import {
  add, cast, checkTensor, div, erf, exp, log, mul, sigmoid, softplus, sqrt, sub, tanh, where,
} from "./ops/elementwise.js";
import { max, sum, type Dims } from "./ops/reduce.js";
import { floatTypeOf } from "./dtype.js";

function reducedCount(x: Tensor, dim: Dims, op: string): number {
  checkTensor(op, x);
  return shapeSize(normalizeAxes(op, dim, x.ndim).map((a) => x.shape[a]));
}

export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const n = reducedCount(x, dim, "mean");
  return div(sum(cast(x, floatTypeOf(x.dtype)), dim, keepDim), n);
}

export interface VarianceOptions {
  /** Subtract `correction` from the count (1 = unbiased, Bessel; 0 = population). Default 1. */
  correction?: number;
  /** PyTorch's older flag: true is correction 1, false is correction 0. */
  unbiased?: boolean;
  keepDim?: boolean;
}

export function variance(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return varianceOf("var", x, dim, options);
}

/** `op` names the public op in errors (std reports as std, not var). */
function varianceOf(op: string, x: Tensor, dim: Dims, options: VarianceOptions): Tensor {
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const n = reducedCount(x, dim, op);
  const xf = cast(x, floatTypeOf(x.dtype));
  const centered = sub(xf, mean(xf, dim, true));
  return div(sum(mul(centered, centered), dim, options.keepDim ?? false), Math.max(n - correction, 0));
}

export function std(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return sqrt(varianceOf("std", x, dim, options));
}

/** log(sum(exp(x))) with the max subtracted first so large inputs do not overflow. */
export function logsumexp(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor("logsumexp", x);
  const axes = normalizeAxes("logsumexp", dim, x.ndim);
  const shift = noGrad(() => {
    const m = max(x, dim, true);
    // an all -inf (or inf) row would give inf - inf = NaN; shift by 0 there instead (a select, not a
    // multiply by the mask: -inf * 0 is NaN too)
    return where(m.abs().lt(Infinity), m, 0);
  });
  const summed = log(sum(exp(sub(x, shift)), dim, true));
  const out = add(summed, shift);
  return keepDim ? out : out.squeeze(axes);
}

export { softmax, logSoftmax } from "./ops/softmax.js";

/** GELU: x·Φ(x) exactly (erf), or the tanh approximation of Hendrycks & Gimpel. */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  checkTensor("gelu", x);
  if (approximate === "tanh") {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== "none") {
    throw new Error(`gelu: approximate must be "none" or "tanh", got "${String(approximate)}"`);
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** SiLU (swish): x·sigmoid(x). */
export function silu(x: Tensor): Tensor {
  checkTensor("silu", x);
  return mul(x, sigmoid(x));
}

/** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
export function logSigmoid(x: Tensor): Tensor {
  checkTensor("logSigmoid", x);
  return softplus(x.neg()).neg();
}
