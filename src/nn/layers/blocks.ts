/**
 * Residual building blocks of the small image models (src/models/cnn.ts): ResNet's BasicBlock and
 * MobileNetV2's inverted residual. Both are composites of Conv2d, BatchNorm2d and ReLU.
 */
import type { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import type { ConfigArgs } from "../config.js";
import { ReLU } from "./activation.js";
import { Sequential } from "./container.js";
import { Conv2d } from "./conv.js";
import { BatchNorm2d } from "./norm.js";
import { checkPositiveInt } from "../../util/check.js";

/** Conv2d (no bias: the BatchNorm after it has one) then BatchNorm2d. */
function convBn(inChannels: number, outChannels: number, kernelSize: number,
  options: { stride?: number; groups?: number } = {}): Sequential {
  const padding = (kernelSize - 1) / 2;
  return new Sequential(
    new Conv2d(inChannels, outChannels, kernelSize, { stride: options.stride ?? 1, padding,
      groups: options.groups ?? 1, bias: false }),
    new BatchNorm2d(outChannels),
  );
}

export interface BasicBlockOptions {
  /** Stride of the first 3×3 convolution (2 halves the height and width). Default 1. */
  stride?: number;
}

/**
 * ResNet's basic block (He et al., 2016): relu(bn(conv3x3(relu(bn(conv3x3(x))))) + shortcut(x)).
 * The shortcut is the identity when the shape is kept, else a 1×1 convolution with the block's
 * stride followed by BatchNorm ("option B" of the paper), so the sum is always shape-compatible.
 * @example
 * const block = new nn.BasicBlock(16, 32, { stride: 2 });
 * block.forward(zd.randn([2, 16, 28, 28])).shape; // [2, 32, 14, 14]
 */
export class BasicBlock extends Module {
  readonly conv1: Sequential;
  readonly conv2: Sequential;
  readonly shortcut: Sequential | null;
  readonly relu = new ReLU();
  readonly stride: number;

  constructor(readonly inChannels: number, readonly outChannels: number, options: BasicBlockOptions = {}) {
    super();
    checkPositiveInt("BasicBlock", "inChannels", inChannels);
    checkPositiveInt("BasicBlock", "outChannels", outChannels);
    const stride = this.stride = checkPositiveInt("BasicBlock", "stride", options.stride ?? 1);
    this.conv1 = convBn(inChannels, outChannels, 3, { stride });
    this.conv2 = convBn(outChannels, outChannels, 3);
    this.shortcut = stride !== 1 || inChannels !== outChannels
      ? convBn(inChannels, outChannels, 1, { stride }) : null;
  }

  forward(x: Tensor): Tensor {
    const h = this.conv2.forward(this.relu.forward(this.conv1.forward(x)));
    return h.add(this.shortcut === null ? x : this.shortcut.forward(x)).relu();
  }

  override getConfig(): ModuleConfig {
    return { type: "BasicBlock",
      args: { inChannels: this.inChannels, outChannels: this.outChannels, stride: this.stride } };
  }

  override extraRepr(): string {
    return `in_channels=${this.inChannels}, out_channels=${this.outChannels}, stride=${this.stride}`;
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): BasicBlock {
    return new BasicBlock(args.inChannels as number, args.outChannels as number,
      { stride: args.stride as number | undefined });
  }
}

export interface InvertedResidualOptions {
  /** Stride of the depthwise convolution. Default 1. */
  stride?: number;
  /** Hidden channels = inChannels × expandRatio; 1 skips the expansion convolution. Default 1. */
  expandRatio?: number;
}

/**
 * MobileNetV2's inverted residual (Sandler et al., 2018): an optional 1×1 expansion (+BN, ReLU), a
 * depthwise 3×3 convolution (groups = channels, +BN, ReLU), then a linear 1×1 projection (+BN), with
 * the input added back when stride is 1 and the channel count is kept. The depthwise-then-pointwise
 * pair is a depthwise-separable convolution with BatchNorm and ReLU between its halves.
 * @example
 * const block = new nn.InvertedResidual(16, 24, { stride: 2, expandRatio: 4 });
 * block.forward(zd.randn([2, 16, 28, 28])).shape; // [2, 24, 14, 14]
 */
export class InvertedResidual extends Module {
  readonly expand: Sequential | null;
  readonly depthwise: Sequential;
  readonly project: Sequential;
  readonly relu = new ReLU();
  readonly stride: number;
  readonly expandRatio: number;
  readonly useResidual: boolean;

  constructor(readonly inChannels: number, readonly outChannels: number,
    options: InvertedResidualOptions = {}) {
    super();
    const name = "InvertedResidual";
    checkPositiveInt(name, "inChannels", inChannels);
    checkPositiveInt(name, "outChannels", outChannels);
    this.stride = checkPositiveInt(name, "stride", options.stride ?? 1);
    this.expandRatio = checkPositiveInt(name, "expandRatio", options.expandRatio ?? 1);
    const hidden = inChannels * this.expandRatio;
    this.expand = this.expandRatio === 1 ? null : convBn(inChannels, hidden, 1);
    this.depthwise = convBn(hidden, hidden, 3, { stride: this.stride, groups: hidden });
    this.project = convBn(hidden, outChannels, 1);
    this.useResidual = this.stride === 1 && inChannels === outChannels;
  }

  forward(x: Tensor): Tensor {
    const expanded = this.expand === null ? x : this.relu.forward(this.expand.forward(x));
    const h = this.project.forward(this.relu.forward(this.depthwise.forward(expanded)));
    return this.useResidual ? h.add(x) : h;
  }

  override getConfig(): ModuleConfig {
    return { type: "InvertedResidual", args: { inChannels: this.inChannels, outChannels: this.outChannels,
      stride: this.stride, expandRatio: this.expandRatio } };
  }

  override extraRepr(): string {
    return `in_channels=${this.inChannels}, out_channels=${this.outChannels}, stride=${this.stride}, ` +
      `expand_ratio=${this.expandRatio}`;
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): InvertedResidual {
    return new InvertedResidual(args.inChannels as number, args.outChannels as number,
      { stride: args.stride as number | undefined, expandRatio: args.expandRatio as number | undefined });
  }
}
