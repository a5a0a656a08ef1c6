/**
 * nn.functional: stateless layers and losses (PyTorch's torch.nn.functional).
 * Activations re-export the core ops; losses live in losses.ts and losses-classification.ts.
 */
import { linear as affine } from "../../core/ops/linear.js";
import { rand } from "../../core/creation.js";
import { isFloat } from "../../core/dtype.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";

export {
  relu, sigmoid, tanh, leakyRelu, elu, softplus,
} from "../../core/ops/elementwise.js";
export { softmax, logSoftmax, gelu, silu, logSigmoid } from "../../core/composite.js";
export {
  mseLoss, l1Loss, huberLoss, crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  multiMarginLoss,
  type Reduction, type LossOptions, type HuberLossOptions, type CrossEntropyOptions, type NllLossOptions,
  type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions, type KlDivReduction,
  type KlDivOptions, type MultiMarginLossOptions,
} from "./losses.js";
export {
  hingeLoss, hingeEmbeddingLoss, type HingeLossOptions, type HingeEmbeddingLossOptions,
} from "./losses-margin.js";
export {
  conv1d, conv2d, convTranspose2d, type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions,
  type ConvPadding, type IntPair, type PaddingMode,
} from "./conv.js";
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, type MaxPool1dOptions,
  type MaxPool2dOptions, type AvgPool1dOptions, type AvgPool2dOptions, type AdaptiveSize,
} from "./pool.js";
export { batchNorm, layerNorm, type BatchNormOptions, type LayerNormOptions } from "./norm.js";
export { dropout2d } from "../layers/dropout2d.js";

/**
 * Affine map `x·weightᵀ + bias` over the last dimension: x [..., in], weight [out, in], bias [out].
 * @example
 * const y = nn.functional.linear(zd.randn([8, 4]), zd.randn([3, 4]), zd.zeros([3]));   // [8, 3]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  for (const [name, t] of [["input", x], ["weight", weight]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`linear: expected ${name} to be a Tensor, got ${typeof t}`);
  }
  if (weight.ndim !== 2) {
    throw new Error(`linear: weight must be 2-D [outFeatures, inFeatures], got ${formatShape(weight.shape)}`);
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(`linear: input ${formatShape(x.shape)} x weight ${formatShape(weight.shape)}: ` +
      `the input's last dimension must equal inFeatures ${weight.shape[1]}`);
  }
  if (bias === undefined || bias === null) return affine(x, weight, null);
  if (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
    const got = bias instanceof Tensor ? formatShape(bias.shape) : typeof bias;
    throw new Error(`linear: bias must have shape [${weight.shape[0]}] (outFeatures), got ${got}`);
  }
  return affine(x, weight, bias);
}

/**
 * Inverted dropout: while training, zeroes each element with probability `p` and scales the rest by
 * 1/(1-p), so the expected value is unchanged and evaluation needs no rescaling. Returns `x` itself
 * when not training or when p = 0. The mask draws from the global generator (`zd.manualSeed`).
 * @example
 * zd.manualSeed(0);
 * const y = nn.functional.dropout(zd.ones([4, 4]), 0.5, true);   // entries 0 or 2
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`dropout: expected input to be a Tensor, got ${typeof x}`);
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new Error(`dropout: p must be a probability in [0, 1], got ${p}`);
  }
  if (!isFloat(x.dtype)) throw new Error(`dropout: input must be a floating-point tensor, got ${x.dtype}`);
  if (!training || p === 0) return x;
  // p = 1 drops everything; multiplying by 0 (not returning zeros) keeps the graph connected
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { dtype: x.dtype }).ge(p);
  return x.mul(keep).div(1 - p);
}
