/**
 * Loss functions (PyTorch's torch.nn.functional losses, same formulas and reductions), composed from
 * differentiable tensor ops so their gradients come from autograd. Regression, binary and divergence
 * losses live here; the class-dimension ones in losses-classification.ts, the margin ones in
 * losses-margin.ts.
 */
import { where } from "../../core/ops/elementwise.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import {
  checkFloatInput, checkNonNegative, checkReduction, checkSameShape, checkTensorArg, reduce,
  type LossOptions, type Reduction,
} from "./losses-common.js";

export type { LossOptions, Reduction } from "./losses-common.js";
export {
  crossEntropy, nllLoss, multiMarginLoss,
  type CrossEntropyOptions, type NllLossOptions, type MultiMarginLossOptions,
} from "./losses-classification.js";

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear; > 0, default 1. */
  delta?: number;
}

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast along the last dims (e.g. [C], one per class). */
  posWeight?: Tensor | null;
}

/** Reductions of {@link klDiv}; `"batchmean"` divides the sum by the batch size. */
export type KlDivReduction = Reduction | "batchmean";

/** Options of {@link klDiv}. */
export interface KlDivOptions {
  /** Default `"mean"` (over every element, as PyTorch; `"batchmean"` is the mathematical KL). */
  reduction?: KlDivReduction;
  /** The target holds log-probabilities instead of probabilities. Default false. */
  logTarget?: boolean;
}

/** Checks input/target and returns input - target. */
function difference(op: string, input: Tensor, target: Tensor): Tensor {
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  return input.sub(target);
}

function checkBroadcastsTo(op: string, name: string, t: Tensor | null | undefined,
  input: Tensor): Tensor | null {
  if (t === undefined || t === null) return null;
  checkFloatInput(op, t, name);
  const lead = input.ndim - t.ndim;
  if (lead < 0 || t.shape.some((d, i) => d !== 1 && d !== input.shape[lead + i])) {
    throw new Error(`${op}: ${name} of shape ${formatShape(t.shape)} does not broadcast to the input's ` +
      `shape ${formatShape(input.shape)}`);
  }
  return t;
}

/**
 * Mean squared error: `(input - target)²`, reduced.
 * @example nn.functional.mseLoss(zd.tensor([1, 2]), zd.tensor([1, 4]));   // 2
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction<Reduction>("mseLoss", options.reduction);
  const d = difference("mseLoss", input, target);
  return reduce(d.mul(d), reduction);
}

/**
 * Mean absolute error: `|input - target|`, reduced.
 * @example nn.functional.l1Loss(zd.tensor([1, 2]), zd.tensor([1, 4]), { reduction: "sum" });   // 2
 */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction<Reduction>("l1Loss", options.reduction);
  return reduce(difference("l1Loss", input, target).abs(), reduction);
}

/**
 * Huber loss: `½d²` where `|d| < delta`, else `delta·(|d| - ½delta)`, with d = input - target.
 * @example nn.functional.huberLoss(zd.tensor([0.5, 3]), zd.tensor([0, 0]));   // (0.125 + 2.5) / 2
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = "huberLoss";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  const delta = options.delta ?? 1;
  if (typeof delta !== "number" || !Number.isFinite(delta) || delta <= 0) {
    throw new Error(`${op}: delta must be a finite number > 0, got ${delta}`);
  }
  const d = difference(op, input, target);
  const a = d.abs();
  return reduce(where(a.lt(delta), d.mul(d).mul(0.5), a.sub(0.5 * delta).mul(delta)), reduction);
}

/** log(x) clamped at -100 as PyTorch's BCE, with a gradient that stays finite (0) where x = 0. */
function clampedLog(x: Tensor): Tensor {
  const positive = x.gt(0);
  // the inner where keeps log's backward (g / x) away from 0/0; the outer one picks the -100 floor
  return where(positive, where(positive, x, 1).log(), -100).clamp(-100);
}

/**
 * Binary cross-entropy on probabilities: `-w·(t·log x + (1-t)·log(1-x))`, each log clamped at -100.
 * For raw scores prefer {@link binaryCrossEntropyWithLogits}, which is more stable.
 * @example nn.functional.binaryCrossEntropy(zd.tensor([0.9, 0.2]), zd.tensor([1, 0]));
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor,
  options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = "binaryCrossEntropy";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  const weight = checkBroadcastsTo(op, "weight", options.weight, input);
  const values = input.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0 && values[i] <= 1)) {
      throw new Error(`${op}: input must hold probabilities in [0, 1], found ${values[i]} ` +
        "(apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores)");
    }
  }
  const ll = target.mul(clampedLog(input)).add(target.neg().add(1).mul(clampedLog(input.neg().add(1))));
  return reduce(weight ? ll.mul(weight).neg() : ll.neg(), reduction);
}

/**
 * Binary cross-entropy on logits, `-w·(pw·t·log σ(x) + (1-t)·log(1-σ(x)))`, computed stably as
 * `(1-t)·x + (1+(pw-1)·t)·softplus(-x)` so large |x| neither overflows nor loses the gradient.
 * @example nn.functional.binaryCrossEntropyWithLogits(zd.tensor([3, -100]), zd.tensor([1, 0]));
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  const weight = checkBroadcastsTo(op, "weight", options.weight, input);
  const posWeight = checkBroadcastsTo(op, "posWeight", options.posWeight, input);
  // softplus(-x) = -log σ(x) = log(1 + e^-x); the core kernel evaluates it as max(-x,0) + log1p(e^-|x|)
  const negLogSigmoid = input.neg().softplus();
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  const positive = logWeight ? negLogSigmoid.mul(logWeight) : negLogSigmoid;
  const loss = target.neg().add(1).mul(input).add(positive);
  return reduce(weight ? loss.mul(weight) : loss, reduction);
}

/** x·log(x) with 0·log 0 = 0 (torch.xlogy(x, x)), finite gradients at 0. */
function xlogx(x: Tensor): Tensor {
  const zero = x.eq(0);
  return where(zero, 0, x.mul(where(zero, 1, x).log()));
}

/**
 * Kullback-Leibler divergence with `input` = log q and `target` = p (or log p with `logTarget`):
 * `p·(log p - input)` pointwise, 0 where p = 0. Use reduction `"batchmean"` for KL(p‖q) per sample.
 * @example
 * const logq = zd.tensor([[0.2, 0.8]]).log();
 * nn.functional.klDiv(logq, zd.tensor([[0.5, 0.5]]), { reduction: "batchmean" });
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const op = "klDiv";
  const reduction = checkReduction<KlDivReduction>(op, options.reduction,
    ["mean", "sum", "none", "batchmean"]);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  const pointwise = options.logTarget
    ? target.exp().mul(target.sub(input))
    : xlogx(target).sub(target.mul(input));
  if (reduction !== "batchmean") return reduce(pointwise, reduction);
  return input.ndim === 0 ? pointwise.sum() : pointwise.sum().div(input.shape[0]);
}
