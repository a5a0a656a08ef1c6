/**
 * Generative adversarial networks (Goodfellow et al., 2014): a generator maps latent noise to images, a
 * discriminator scores images as real or generated. Two variants: fully connected ("mlp") and DCGAN
 * (Radford et al., 2016: transposed convolutions with batch norm in the generator, strided convolutions
 * with leaky ReLU in the discriminator). Train with `fitGan` (gan-train.ts).
 */
import { noGrad } from "../core/autograd.js";
import { randn } from "../core/creation.js";
import type { Tensor } from "../core/tensor.js";
import { LeakyReLU, ReLU, Sigmoid } from "../nn/layers/activation.js";
import { Sequential } from "../nn/layers/container.js";
import { Conv2d, ConvTranspose2d } from "../nn/layers/conv.js";
import { Flatten } from "../nn/layers/flatten.js";
import { Linear } from "../nn/layers/linear.js";
import { BatchNorm1d, BatchNorm2d } from "../nn/layers/norm.js";
import { Module, type JsonValue, type ModuleConfig } from "../nn/module.js";
import { registerModule, type ConfigArgs } from "../nn/registry.js";
import {
  Unflatten, checkBatch, checkImageShape, checkOneOf, checkPositiveInt, checkSizeList, product,
} from "./generative-common.js";

export type GANVariant = "mlp" | "dcgan";

export interface GANOptions {
  /** Shape of one image, [channels, height, width]. */
  imageShape: number[];
  /** "mlp" (fully connected, the default) or "dcgan" (convolutional). */
  variant?: GANVariant;
  /** Size of the latent noise vector. Default 32. */
  latentSize?: number;
  /**
   * mlp: the generator's hidden widths (default [128, 256]). dcgan: channels of the feature maps before
   * each stride-2 transposed convolution (default [64, 32]); height and width must divide by 2^length.
   */
  generatorSizes?: number[];
  /** mlp: the discriminator's hidden widths (default [256, 128]). dcgan: its conv channels (default
   * [32, 64]). */
  discriminatorSizes?: number[];
}

const NAME = "GAN";
// Leaky ReLU slope of the DCGAN paper, also the usual choice for MLP discriminators.
const SLOPE = 0.2;

/**
 * A generator and a discriminator, each an `nn.Sequential` (`gan.generator`, `gan.discriminator`).
 * Generated images have values in [0, 1] (sigmoid output), like the data they imitate; `forward(z)`
 * generates. Saved and rebuilt by `zd.save` / `zd.load`.
 * @example
 * const gan = new zd.models.GAN({ imageShape: [1, 8, 8], latentSize: 16 });
 * const images = gan.sample(16, { seed: 0 });   // [16, 1, 8, 8]
 * gan.discriminate(images).shape;              // [16] logits
 */
export class GAN extends Module {
  readonly variant: GANVariant;
  readonly imageShape: [number, number, number];
  readonly latentSize: number;
  readonly generatorSizes: number[];
  readonly discriminatorSizes: number[];
  generator: Sequential;
  discriminator: Sequential;

  constructor(options: GANOptions) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new Error(`${NAME}: options with an imageShape are required`);
    }
    this.variant = checkOneOf(NAME, "variant", options.variant ?? "mlp", ["mlp", "dcgan"]);
    const mlp = this.variant === "mlp";
    this.imageShape = checkImageShape(NAME, "imageShape", options.imageShape);
    this.latentSize = checkPositiveInt(NAME, "latentSize", options.latentSize ?? 32);
    this.generatorSizes = checkSizeList(NAME, "generatorSizes",
      options.generatorSizes ?? (mlp ? [128, 256] : [64, 32]));
    this.discriminatorSizes = checkSizeList(NAME, "discriminatorSizes",
      options.discriminatorSizes ?? (mlp ? [256, 128] : [32, 64]));
    if (mlp) {
      this.generator = this.mlpGenerator();
      this.discriminator = this.mlpDiscriminator();
    } else {
      this.generator = this.dcganGenerator();
      this.discriminator = this.dcganDiscriminator();
    }
  }

  private mlpGenerator(): Sequential {
    const net = new Sequential();
    let width = this.latentSize;
    // Batch norm in the generator, as DCGAN has it: without it this small MLP collapses onto one or two
    // digits within a few hundred steps (PyTorch shows the same on these data).
    for (const size of this.generatorSizes) {
      net.append(new Linear(width, size, { bias: false })).append(new BatchNorm1d(size)).append(new ReLU());
      width = size;
    }
    return net.append(new Linear(width, product(this.imageShape))).append(new Sigmoid())
      .append(new Unflatten(this.imageShape));
  }

  private mlpDiscriminator(): Sequential {
    const net = new Sequential(new Flatten());
    let width = product(this.imageShape);
    for (const size of this.discriminatorSizes) {
      net.append(new Linear(width, size)).append(new LeakyReLU(SLOPE));
      width = size;
    }
    return net.append(new Linear(width, 1));
  }

  // Each 4x4, stride-2, padding-1 transposed convolution doubles height and width exactly.
  private dcganGenerator(): Sequential {
    const [channels, height, width] = this.imageShape;
    const steps = this.generatorSizes.length, factor = 2 ** steps;
    if (height % factor !== 0 || width % factor !== 0) {
      throw new Error(`${NAME}: the dcgan generator doubles the size ${steps} times (generatorSizes ` +
        `[${this.generatorSizes.join(", ")}]), so height and width must divide by ${factor}; ` +
        `imageShape is [${this.imageShape.join(", ")}]`);
    }
    const [h, w, first] = [height / factor, width / factor, this.generatorSizes[0]];
    // No biases before batch norm: its shift makes them redundant.
    const net = new Sequential(new Linear(this.latentSize, first * h * w, { bias: false }),
      new BatchNorm1d(first * h * w), new ReLU(), new Unflatten([first, h, w]));
    for (let i = 0; i < steps; i++) {
      const last = i + 1 === steps;
      const out = last ? channels : this.generatorSizes[i + 1];
      net.append(new ConvTranspose2d(this.generatorSizes[i], out, 4, { stride: 2, padding: 1, bias: last }));
      if (last) net.append(new Sigmoid());
      else net.append(new BatchNorm2d(out)).append(new ReLU());
    }
    return net;
  }

  // Each 4x4, stride-2, padding-1 convolution halves height and width (rounding down).
  private dcganDiscriminator(): Sequential {
    let [channels, height, width] = this.imageShape;
    const net = new Sequential();
    this.discriminatorSizes.forEach((size, i) => {
      if (height < 2 || width < 2) {
        throw new Error(`${NAME}: ${this.discriminatorSizes.length} stride-2 convolutions ` +
          `(discriminatorSizes [${this.discriminatorSizes.join(", ")}]) shrink ` +
          `[${this.imageShape.join(", ")}] images below 1x1`);
      }
      // The first layer has no batch norm, as in the DCGAN paper.
      net.append(new Conv2d(channels, size, 4, { stride: 2, padding: 1, bias: i === 0 }));
      if (i > 0) net.append(new BatchNorm2d(size));
      net.append(new LeakyReLU(SLOPE));
      [channels, height, width] = [size, Math.floor(height / 2), Math.floor(width / 2)];
    });
    return net.append(new Flatten()).append(new Linear(channels * height * width, 1));
  }

  /** Images [N, C, H, W] in [0, 1] from latent vectors [N, latentSize]. */
  generate(z: Tensor): Tensor {
    checkBatch(NAME, z, [this.latentSize], "latent batch");
    return this.generator.forward(z);
  }

  /** The discriminator's logits [N] (positive: judged real) for images [N, C, H, W] or flat rows. */
  discriminate(images: Tensor): Tensor {
    const n = checkBatch(NAME, images, this.imageShape, "images");
    return this.discriminator.forward(images.reshape([n, ...this.imageShape])).reshape([n]);
  }

  /** Same as `generate`. */
  forward(z: Tensor): Tensor {
    return this.generate(z);
  }

  /** Latent vectors [n, latentSize] from the standard normal; `seed` makes them repeatable. */
  latent(n: number, options: { seed?: number } = {}): Tensor {
    checkPositiveInt(NAME, "number of samples", n);
    return randn([n, this.latentSize], { seed: options.seed });
  }

  /** `n` generated images [n, C, H, W], in eval mode (batch norm uses running statistics), no graph. */
  sample(n: number, options: { seed?: number } = {}): Tensor {
    const z = this.latent(n, options);
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => this.generate(z));
    } finally {
      this.train(wasTraining);
    }
  }

  override extraRepr(): string {
    return `variant=${this.variant}, image_shape=(${this.imageShape.join(", ")}), ` +
      `latent_size=${this.latentSize}`;
  }

  override getConfig(): ModuleConfig {
    const args: { [key: string]: JsonValue } = {
      variant: this.variant, imageShape: this.imageShape, latentSize: this.latentSize,
      generatorSizes: this.generatorSizes, discriminatorSizes: this.discriminatorSizes,
    };
    return { type: NAME, args };
  }
}

registerModule(NAME, (args: ConfigArgs) => new GAN(args as unknown as GANOptions));
