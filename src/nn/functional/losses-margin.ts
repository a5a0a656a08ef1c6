// Margin losses: hinge (binary, Keras semantics) and hinge embedding (targets ±1, PyTorch semantics).
import { where } from "../../core/ops/elementwise.js";
import type { Tensor } from "../../core/tensor.js";
import {
  checkFloatInput, checkNonNegative, checkReduction, checkSameShape, checkTensorArg, reduce,
} from "./losses-common.js";
import type { LossOptions, Reduction } from "./losses-common.js";

export interface HingeLossOptions extends LossOptions {
  /** Margin the score must clear on the right side of zero. Default 1. */
  margin?: number;
}

/**
 * Binary hinge loss of a linear SVM (Keras's `hinge`): max(0, margin − y·x) with targets y = ±1;
 * 0/1 targets are read as −1/+1, as Keras does.
 * @example nn.functional.hingeLoss(scores, zd.tensor([1, -1, 1]))
 */
export function hingeLoss(input: Tensor, target: Tensor, options: HingeLossOptions = {}): Tensor {
  const op = "hingeLoss";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  const margin = checkNonNegative(op, "margin", options.margin ?? 1);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  const labels = target.dataSync();
  const binary = labels.every((v) => v === 0 || v === 1);
  for (const v of labels) {
    if (!binary && v !== 1 && v !== -1) throw new Error(`${op}: targets must be -1/1 (or 0/1), found ${v}`);
  }
  const signs = (binary ? target.mul(2).sub(1) : target).to(input.dtype);
  return reduce(input.mul(signs).neg().add(margin).clamp(0), reduction);
}

/** Options of {@link hingeEmbeddingLoss}. */
export interface HingeEmbeddingLossOptions extends LossOptions {
  /** ≥ 0, default 1. */
  margin?: number;
}

/**
 * Hinge embedding loss for targets ±1: `x` where the target is 1, `max(0, margin - x)` where it is -1.
 * @example nn.functional.hingeEmbeddingLoss(zd.tensor([0.3, 0.4]), zd.tensor([1, -1]));   // (0.3 + 0.6) / 2
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor,
  options: HingeEmbeddingLossOptions = {}): Tensor {
  const op = "hingeEmbeddingLoss";
  const reduction = checkReduction<Reduction>(op, options.reduction);
  const margin = checkNonNegative(op, "margin", options.margin ?? 1);
  checkFloatInput(op, input);
  checkTensorArg(op, "target", target);
  checkSameShape(op, input, target);
  const labels = target.dataSync();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1 && labels[i] !== -1) {
      throw new Error(`${op}: targets must be 1 or -1, found ${labels[i]}`);
    }
  }
  // PyTorch's form: margin term where t ≠ 1, identity term where t ≠ -1
  const marginTerm = where(target.ne(1), input.neg().add(margin).clamp(0), 0);
  return reduce(marginTerm.add(where(target.ne(-1), input, 0)), reduction);
}
