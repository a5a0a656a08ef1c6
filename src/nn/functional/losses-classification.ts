/**
 * Classification losses over a class dimension (dim 1 of [N, C, d1, ...], or the only dim of [C]):
 * crossEntropy, nllLoss and multiMarginLoss, with PyTorch's semantics for weights, ignoreIndex
 * and label smoothing. Composed from differentiable ops, so they need no backward of their own.
 */
import { arange } from "../../core/creation.js";
import { where } from "../../core/ops/elementwise.js";
import { pickedSum } from "../../core/ops/pick.js";
import { formatShape, shapesEqual } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import {
  checkClassWeight, checkFloatInput, checkNonNegative, checkReduction, checkTensorArg, classTargets, reduce,
  type LossOptions, type Reduction,
} from "./losses-common.js";

/** Options of {@link nllLoss}. */
export interface NllLossOptions extends LossOptions {
  /** Per-class weights, shape [C]. A weighted "mean" divides by the summed weights of the targets. */
  weight?: Tensor | null;
  /** Targets equal to this count for nothing (no loss, no gradient, not in the mean). Default -100. */
  ignoreIndex?: number;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1-ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** Options of {@link multiMarginLoss}. */
export interface MultiMarginLossOptions extends LossOptions {
  /** Exponent of each hinge term: 1 (default) or 2. */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** Per-class weights, shape [C], applied by target class. */
  weight?: Tensor | null;
}

/** Reads an unbatched [C] input (with a 0-d index target) as a batch of one. */
function batched(op: string, input: Tensor, target: Tensor): { x: Tensor; t: Tensor; unbatched: boolean } {
  if (input.ndim === 0) {
    throw new Error(`${op}: input must have a class dimension ([N, C], [N, C, d1, ...] or [C]), ` +
      "got shape []");
  }
  if (input.ndim === 1) {
    return { x: input.unsqueeze(0), t: target.unsqueeze(0), unbatched: true };
  }
  return { x: input, t: target, unbatched: false };
}

/** Shape of index targets for input [N, C, d1, ...]: the input's shape without the class dim. */
function indexShape(x: Tensor): number[] {
  return x.shape.filter((_, i) => i !== 1);
}

function checkIndexTarget(op: string, x: Tensor, t: Tensor, input: Tensor, target: Tensor): void {
  const expected = indexShape(x);
  const fits = shapesEqual(t.shape, expected);
  if (t.dtype !== "int32" && fits) {
    throw new Error(`${op}: class-index targets must be an int32 tensor, got ${t.dtype} target of shape ` +
      `${formatShape(target.shape)} (convert them with target.int())`);
  }
  if (!fits) {
    const probabilities = op === "crossEntropy"
      ? `, or float class probabilities of the input's shape ${formatShape(input.shape)}` : "";
    throw new Error(`${op}: input shape ${formatShape(input.shape)} and ${target.dtype} target shape ` +
      `${formatShape(target.shape)} do not fit: expected int32 class indices of shape ` +
      `${formatShape(input.ndim === 1 ? [] : expected)}${probabilities}`);
  }
}

function checkIgnoreIndex(op: string, value: number | undefined): number {
  const v = value ?? -100;
  if (!Number.isInteger(v)) throw new Error(`${op}: ignoreIndex must be an integer, got ${v}`);
  return v;
}

/** A [C] weight viewed as [C, 1, ...] so it broadcasts along dim 1 of an input of rank `ndim`. */
function alongClassDim(weight: Tensor, ndim: number): Tensor {
  return weight.reshape([weight.shape[0], ...new Array<number>(Math.max(ndim - 2, 0)).fill(1)]);
}

interface PickedNll {
  /** -w[t]·logp[t] per target position, 0 where ignored. */
  loss: Tensor;
  /** w[t] per position (1 without weights), 0 where ignored: the denominator of "mean". */
  weights: Tensor;
  valid: Tensor;
}

function pickWith(logp: Tensor, t: Tensor, weight: Tensor | null, index: Tensor, valid: Tensor): PickedNll {
  const picked = logp.gather(1, index.unsqueeze(1)).squeeze(1);
  const weights = weight ? valid.mul(weight.indexSelect(0, index.flatten()).reshape(t.shape)) : valid;
  // where, not a product with the mask: an ignored row whose log-probability is -inf must stay 0
  return { loss: where(valid, picked.mul(weights).neg(), 0), weights, valid };
}

/**
 * The common case as one op (core/ops/pick.ts): [N, C] log-probabilities, every target counted, no
 * class weights, a reduced loss ("none" asks for the composite). Otherwise `out` is null and the targets
 * are returned for the composite.
 */
function fusedNll(op: string, logp: Tensor, t: Tensor, weight: Tensor | null, ignoreIndex: number,
  reduction: Reduction): { out: Tensor | null; index: Tensor; valid: Tensor } {
  const { index, valid, allValid } = classTargets(op, t, logp.shape[1], ignoreIndex, logp.dtype);
  const fits = allValid && weight === null && logp.ndim === 2 && reduction !== "none" && logp.shape[0] > 0;
  const out = fits ? pickedSum(logp, index, reduction === "mean" ? -logp.shape[0] : -1) : null;
  return { out, index, valid };
}

/** "mean" divides by the summed target weights (the count of non-ignored targets without weights). */
function reduceWeighted(loss: Tensor, weights: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  return reduction === "sum" ? loss.sum() : loss.sum().div(weights.sum());
}

/**
 * Negative log-likelihood of int32 class targets given log-probabilities `input` ([N, C], [N, C, d1, ...]
 * or [C]): `-weight[t]·input[n, t]`, ignoring targets equal to `ignoreIndex`.
 * @example
 * const logp = zd.tensor([[0.1, 2, -1], [1, 0, 0]]).logSoftmax(1);
 * const loss = nn.functional.nllLoss(logp, zd.tensor([1, 0], { dtype: "int32" }));
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const op = "nllLoss";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  const ignoreIndex = checkIgnoreIndex(op, options.ignoreIndex);
  const { x, t, unbatched } = batched(op, input, target);
  checkIndexTarget(op, x, t, input, target);
  const weight = checkClassWeight(op, options.weight, x.shape[1]);
  const fused = fusedNll(op, x, t, weight, ignoreIndex, reduction);
  if (fused.out) return fused.out;
  const { loss, weights } = pickWith(x, t, weight, fused.index, fused.valid);
  const out = reduceWeighted(loss, weights, reduction);
  return unbatched && reduction === "none" ? out.squeeze(0) : out;
}

/**
 * Cross-entropy between logits `input` ([N, C], [N, C, d1, ...] or [C]) and either int32 class indices
 * (the input's shape without dim 1) or float class probabilities (the input's shape). Equal to
 * `nllLoss(input.logSoftmax(1), target)` for indices, computed stably through log-sum-exp.
 * @example
 * const logits = zd.tensor([[2, 0.5, -1], [0, 1, 3]], { requiresGrad: true });
 * const labels = zd.tensor([0, 2], { dtype: "int32" });
 * nn.functional.crossEntropy(logits, labels, { labelSmoothing: 0.1 }).backward();
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = "crossEntropy";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  const ignoreIndex = checkIgnoreIndex(op, options.ignoreIndex);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== "number" || !(eps >= 0 && eps <= 1)) {
    throw new Error(`${op}: labelSmoothing must be a number in [0, 1], got ${eps}`);
  }
  const probabilities = shapesEqual(target.shape, input.shape);
  const { x, t, unbatched } = batched(op, input, target);
  const classes = x.shape[1];
  const weight = checkClassWeight(op, options.weight, classes);
  const logp = x.logSoftmax(1);
  let out: Tensor;
  if (probabilities) {
    if (t.dtype === "int32") {
      throw new Error(`${op}: class-probability targets (shape ${formatShape(target.shape)}, the input's) ` +
        `must be floating-point, got int32`);
    }
    // -Σ_c w_c·p_c·log softmax(x)_c, with p smoothed towards uniform; "mean" divides by N·d1·…
    const p = eps > 0 ? t.mul(1 - eps).add(eps / classes) : t;
    const terms = logp.mul(p);
    out = reduce((weight ? terms.mul(alongClassDim(weight, x.ndim)) : terms).sum(1).neg(), reduction);
  } else {
    checkIndexTarget(op, x, t, input, target);
    const fused = fusedNll(op, logp, t, weight, ignoreIndex, eps === 0 ? reduction : "none");
    if (fused.out) return fused.out;
    const { loss, weights, valid } = pickWith(logp, t, weight, fused.index, fused.valid);
    out = reduceWeighted(loss, weights, reduction);
    if (eps > 0) {
      // PyTorch's split: (1-ε)·nll + ε/C·Σ_c -w_c·logp_c, the second term normalised like the first
      const all = weight ? logp.mul(alongClassDim(weight, x.ndim)) : logp;
      const smooth = where(valid, all.sum(1).neg(), 0);
      out = out.mul(1 - eps).add(reduceWeighted(smooth, weights, reduction).mul(eps / classes));
    }
  }
  return unbatched && reduction === "none" ? out.squeeze(0) : out;
}

/**
 * Multi-class hinge loss on scores `input` [N, C] (or [C]) and int32 targets [N] (or []):
 * `Σ_{i≠y} max(0, margin - x[y] + x[i])^p · weight[y] / C`.
 * @example
 * const scores = zd.tensor([[0.1, 0.2, 0.4, 0.8]]);
 * nn.functional.multiMarginLoss(scores, zd.tensor([3], { dtype: "int32" }));   // 0.325
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginLossOptions = {}): Tensor {
  const op = "multiMarginLoss";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`${op}: p must be 1 or 2, got ${String(p)}`);
  const margin = checkNonNegative(op, "margin", options.margin ?? 1);
  if (input.ndim > 2) {
    throw new Error(`${op}: input must be [N, C] or [C], got shape ${formatShape(input.shape)}`);
  }
  const { x, t, unbatched } = batched(op, input, target);
  checkIndexTarget(op, x, t, input, target);
  const classes = x.shape[1];
  const weight = checkClassWeight(op, options.weight, classes);
  const { index } = classTargets(op, t, classes, null, x.dtype);
  const y = index.unsqueeze(1);
  let hinge = x.sub(x.gather(1, y)).add(margin).relu();
  if (p === 2) hinge = hinge.mul(hinge);
  // the i = y term would contribute max(0, margin) and is excluded by definition
  const others = arange(classes).reshape([1, classes]).ne(y);
  let loss = hinge.mul(others).sum(1).div(classes);
  if (weight) loss = loss.mul(weight.indexSelect(0, index));
  const out = reduce(loss, reduction);
  return unbatched && reduction === "none" ? out.squeeze(0) : out;
}
