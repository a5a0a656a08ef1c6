/**
 * Small convolutional networks for 28×28 grey images (Fashion-MNIST, MNIST). Each factory returns an
 * nn.Sequential of registered layers, so `zd.save` stores the architecture and `zd.load` rebuilds it.
 */
import { ReLU } from "../nn/layers/activation.js";
import { BasicBlock, InvertedResidual } from "../nn/layers/blocks.js";
import { Sequential } from "../nn/layers/container.js";
import { Conv2d } from "../nn/layers/conv.js";
import { Flatten } from "../nn/layers/flatten.js";
import { Linear } from "../nn/layers/linear.js";
import { BatchNorm2d } from "../nn/layers/norm.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../nn/layers/pool.js";
import { checkPositiveInt } from "../util/check.js";

export interface ImageModelOptions {
  /** Output logits. Default 10. */
  numClasses?: number;
  /** Channels of the input images. Default 1 (grey). */
  inChannels?: number;
}

function checkSizes(model: string, options: ImageModelOptions): { numClasses: number; inChannels: number } {
  const { numClasses = 10, inChannels = 1 } = options;
  return {
    numClasses: checkPositiveInt(model, "numClasses", numClasses),
    inChannels: checkPositiveInt(model, "inChannels", inChannels),
  };
}

/**
 * LeNet-5 (LeCun et al., 1998) adapted to 28×28 inputs: the first 5×5 convolution pads by 2 so the
 * feature maps are 28→14→10→5 as in the paper's 32×32 layout; ReLU and max pooling replace the
 * original scaled tanh and subsampling, as modern re-implementations do. About 61.7k parameters.
 * @example
 * const model = zd.models.lenet5();
 * model.forward(zd.randn([2, 1, 28, 28])).shape; // [2, 10]
 */
export function lenet5(options: ImageModelOptions = {}): Sequential {
  const { numClasses, inChannels } = checkSizes("lenet5", options);
  return new Sequential(
    new Conv2d(inChannels, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(16 * 5 * 5, 120), new ReLU(), new Linear(120, 84), new ReLU(),
    new Linear(84, numClasses),
  );
}

/**
 * The benchmark CNN: conv3×3(32) – ReLU – maxpool2 – conv3×3(64) – ReLU – maxpool2 –
 * flatten – fc128 – ReLU – fc(numClasses), "same" padding (28→14→7). About 421k parameters.
 * @example
 * const model = zd.models.cnn({ numClasses: 10 });
 * model.forward(zd.randn([2, 1, 28, 28])).shape; // [2, 10]
 */
export function cnn(options: ImageModelOptions = {}): Sequential {
  const { numClasses, inChannels } = checkSizes("cnn", options);
  return new Sequential(
    new Conv2d(inChannels, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, numClasses),
  );
}

/** A stem convolution: 3×3, no bias (BatchNorm follows), then BatchNorm2d and ReLU. */
function stem(inChannels: number, channels: number): Array<Conv2d | BatchNorm2d | ReLU> {
  return [new Conv2d(inChannels, channels, 3, { padding: 1, bias: false }), new BatchNorm2d(channels),
    new ReLU()];
}

export interface MobileNetOptions extends ImageModelOptions {
  /** Scales every layer's channel count (MobileNet's α), rounded, at least 4. Default 1. */
  widthMultiplier?: number;
}

/**
 * A small MobileNetV2-style network for 28×28 images: a 3×3 stem (16 channels), five
 * {@link InvertedResidual} blocks of depthwise-separable convolutions with BatchNorm and ReLU
 * (16 → 24 → 32 channels, stride-2 downsampling 28→14→7), global average pooling and a linear head.
 * @example
 * const model = zd.models.mobilenet({ widthMultiplier: 0.5 });
 * model.forward(zd.randn([2, 1, 28, 28])).shape; // [2, 10]
 */
export function mobilenet(options: MobileNetOptions = {}): Sequential {
  const { numClasses, inChannels } = checkSizes("mobilenet", options);
  const alpha = options.widthMultiplier ?? 1;
  if (typeof alpha !== "number" || !(alpha > 0) || !Number.isFinite(alpha)) {
    throw new Error(`mobilenet: widthMultiplier must be a positive number, got ${String(alpha)}`);
  }
  const width = (channels: number): number => Math.max(4, Math.round(channels * alpha));
  const [c16, c24, c32] = [width(16), width(24), width(32)];
  return new Sequential(
    ...stem(inChannels, c16),
    new InvertedResidual(c16, c16, { expandRatio: 1 }),
    new InvertedResidual(c16, c24, { stride: 2, expandRatio: 4 }),
    new InvertedResidual(c24, c24, { expandRatio: 4 }),
    new InvertedResidual(c24, c32, { stride: 2, expandRatio: 4 }),
    new InvertedResidual(c32, c32, { expandRatio: 4 }),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(c32, numClasses),
  );
}

export interface ResNetOptions extends ImageModelOptions {
  /** Channels of each stage; every stage after the first halves height and width. Default [16, 32, 64]. */
  widths?: readonly number[];
  /** {@link BasicBlock}s per stage. Default 1. */
  blocksPerStage?: number;
}

/**
 * A small ResNet for 28×28 images (He et al., 2016, in the CIFAR layout): a 3×3 stem, stages of
 * {@link BasicBlock}s (28→14→7 with the default three stages), global average pooling and a
 * linear head.
 * @example
 * const model = zd.models.resnet({ numClasses: 10 });
 * model.forward(zd.randn([2, 1, 28, 28])).shape; // [2, 10]
 */
export function resnet(options: ResNetOptions = {}): Sequential {
  const { numClasses, inChannels } = checkSizes("resnet", options);
  const widths = options.widths ?? [16, 32, 64];
  const blocks = options.blocksPerStage ?? 1;
  if (!Array.isArray(widths) || widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`resnet: widths must be a non-empty array of positive integers, got ${String(widths)}`);
  }
  if (!Number.isInteger(blocks) || blocks < 1) {
    throw new Error(`resnet: blocksPerStage must be a positive integer, got ${String(blocks)}`);
  }
  const model = new Sequential(...stem(inChannels, widths[0]));
  let channels = widths[0];
  widths.forEach((width, stage) => {
    for (let b = 0; b < blocks; b++) {
      model.append(new BasicBlock(channels, width, { stride: stage > 0 && b === 0 ? 2 : 1 }));
      channels = width;
    }
  });
  return model.append(new AdaptiveAvgPool2d(1)).append(new Flatten())
    .append(new Linear(channels, numClasses));
}
