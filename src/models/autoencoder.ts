/**
 * Autoencoders: an encoder maps each input to a small latent code, a decoder maps the code back, and
 * training minimises the reconstruction error (train it with `zd.fit(model, x, x, { loss: mseLoss })`).
 * With `noise` > 0 it is a denoising autoencoder (Vincent et al., 2008): in training mode Gaussian noise
 * is added to the input, while the target stays the clean input.
 */
import { randn } from "../core/creation.js";
import { noGrad } from "../core/autograd.js";
import type { Tensor } from "../core/tensor.js";
import { ReLU, Sigmoid } from "../nn/layers/activation.js";
import { Sequential } from "../nn/layers/container.js";
import { Conv2d, ConvTranspose2d } from "../nn/layers/conv.js";
import { Flatten } from "../nn/layers/flatten.js";
import { Linear } from "../nn/layers/linear.js";
import { mseLoss } from "../nn/functional/losses.js";
import { Module, type JsonValue, type ModuleConfig } from "../nn/module.js";
import { registerModule, type ConfigArgs } from "../nn/registry.js";
import {
  Unflatten, checkBatch, checkImageShape, checkNumberIn, checkOneOf, checkPositiveInt, checkSizeList, product,
} from "./generative-common.js";

export type AutoencoderVariant = "dense" | "conv";

export interface AutoencoderOptions {
  /** Shape of one input: `[features]` or `[channels, height, width]` (conv needs the latter). */
  inputShape: number[];
  /** "dense" (fully connected, the default) or "conv" (stride-2 convolutions down, transposed ones up). */
  variant?: AutoencoderVariant;
  /** Hidden widths (dense, default [128]) or channels of the stride-2 convolutions (conv, default
   * [16, 32]). */
  encoderSizes?: number[];
  /** The decoder's hidden widths or channels, from the code outwards. Default: `encoderSizes` reversed. */
  decoderSizes?: number[];
  /** Size of the code. Default 16. */
  latentSize?: number;
  /** Standard deviation of the Gaussian noise added to inputs in training mode (denoising). Default 0. */
  noise?: number;
}

const NAME = "Autoencoder";

// Spatial sizes after each 3x3, stride-2, padding-1 convolution: ceil(size / 2).
function halvings(size: number, times: number): number[] {
  const sizes = [size];
  for (let i = 0; i < times; i++) sizes.push(Math.ceil(sizes[i] / 2));
  return sizes;
}

/**
 * A dense or convolutional autoencoder for inputs in [0, 1] (the decoder ends with a sigmoid). Its
 * forward returns reconstructions of the same shape as the input; inputs may be `[N, ...inputShape]`
 * or flat rows `[N, prod(inputShape)]`. Saved and rebuilt by `zd.save` / `zd.load`.
 * @example
 * const { x } = zd.data.loadDigits();
 * const images = x.div(16);
 * const ae = new zd.models.Autoencoder({ inputShape: [64], latentSize: 16 });
 * zd.fit(ae, images, images, { loss: zd.nn.functional.mseLoss,
 *   optimizer: new zd.optim.Adam(ae.parameters(), { lr: 1e-3 }), epochs: 20, verbose: 0 });
 * ae.reconstructionError(images); // mean squared error per pixel
 */
export class Autoencoder extends Module {
  readonly variant: AutoencoderVariant;
  readonly inputShape: number[];
  readonly encoderSizes: number[];
  readonly decoderSizes: number[];
  readonly latentSize: number;
  readonly noise: number;
  encoder: Sequential;
  decoder: Sequential;

  constructor(options: AutoencoderOptions) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new Error(`${NAME}: options with an inputShape are required`);
    }
    this.variant = checkOneOf(NAME, "variant", options.variant ?? "dense", ["dense", "conv"]);
    const dense = this.variant === "dense";
    const shape: unknown = options.inputShape;
    if (dense && !(Array.isArray(shape) && (shape.length === 1 || shape.length === 3))) {
      throw new Error(`${NAME}: inputShape must be [features] or [channels, height, width], got ` +
        `${JSON.stringify(shape) ?? String(shape)}`);
    }
    this.inputShape = dense && (shape as unknown[]).length === 1
      ? checkSizeList(NAME, "inputShape", shape)
      : checkImageShape(NAME, "inputShape", shape);
    this.encoderSizes = checkSizeList(NAME, "encoderSizes",
      options.encoderSizes ?? (dense ? [128] : [16, 32]));
    this.decoderSizes = checkSizeList(NAME, "decoderSizes",
      options.decoderSizes ?? [...this.encoderSizes].reverse());
    this.latentSize = checkPositiveInt(NAME, "latentSize", options.latentSize ?? 16);
    this.noise = checkNumberIn(NAME, "noise", options.noise ?? 0, 0, Number.MAX_VALUE);
    [this.encoder, this.decoder] = dense ? this.denseNets() : this.convNets();
  }

  private denseNets(): [Sequential, Sequential] {
    const features = product(this.inputShape);
    const encoder = new Sequential(new Flatten());
    let width = features;
    for (const size of this.encoderSizes) {
      encoder.append(new Linear(width, size)).append(new ReLU());
      width = size;
    }
    encoder.append(new Linear(width, this.latentSize));
    const decoder = new Sequential();
    width = this.latentSize;
    for (const size of this.decoderSizes) {
      decoder.append(new Linear(width, size)).append(new ReLU());
      width = size;
    }
    decoder.append(new Linear(width, features)).append(new Sigmoid()).append(new Unflatten(this.inputShape));
    return [encoder, decoder];
  }

  private convNets(): [Sequential, Sequential] {
    const [channels, height, width] = this.inputShape;
    const hs = halvings(height, this.encoderSizes.length), ws = halvings(width, this.encoderSizes.length);
    const encoder = new Sequential();
    let inChannels = channels;
    for (const size of this.encoderSizes) {
      encoder.append(new Conv2d(inChannels, size, 3, { stride: 2, padding: 1 })).append(new ReLU());
      inChannels = size;
    }
    encoder.append(new Flatten()).append(new Linear(inChannels * hs.at(-1)! * ws.at(-1)!, this.latentSize));
    // The decoder retraces the encoder's sizes: a transposed 3x3/stride-2/padding-1 convolution maps s to
    // 2s - 1 + outputPadding, so outputPadding (0 or 1) picks the odd or even size the encoder halved.
    const steps = this.decoderSizes.length;
    const dh = halvings(height, steps), dw = halvings(width, steps);
    const first = this.decoderSizes[0];
    const decoder = new Sequential(new Linear(this.latentSize, first * dh[steps] * dw[steps]), new ReLU(),
      new Unflatten([first, dh[steps], dw[steps]]));
    for (let i = 0; i < steps; i++) {
      const out = i + 1 < steps ? this.decoderSizes[i + 1] : channels;
      const level = steps - i - 1;
      const outputPadding: [number, number] =
        [dh[level] - (2 * dh[level + 1] - 1), dw[level] - (2 * dw[level + 1] - 1)];
      decoder.append(new ConvTranspose2d(this.decoderSizes[i], out, 3,
        { stride: 2, padding: 1, outputPadding }));
      decoder.append(i + 1 < steps ? new ReLU() : new Sigmoid());
    }
    return [encoder, decoder];
  }

  /** Codes [N, latentSize] of a batch `[N, ...inputShape]` or `[N, prod(inputShape)]`. */
  encode(x: Tensor): Tensor {
    const n = checkBatch(NAME, x, this.inputShape);
    return this.encoder.forward(x.reshape([n, ...this.inputShape]));
  }

  /** Reconstructions [N, ...inputShape] of codes [N, latentSize]. */
  decode(z: Tensor): Tensor {
    checkBatch(NAME, z, [this.latentSize], "code");
    return this.decoder.forward(z);
  }

  /** Reconstructions with the input's own shape; in training mode the input first gets the `noise`. */
  forward(x: Tensor): Tensor {
    const n = checkBatch(NAME, x, this.inputShape);
    const noisy = this.training && this.noise > 0
      ? x.add(randn(x.shape, { dtype: x.dtype }).mul(this.noise)) : x;
    const code = this.encoder.forward(noisy.reshape([n, ...this.inputShape]));
    return this.decoder.forward(code).reshape(x.shape);
  }

  /** Mean squared error per value between inputs and their reconstructions (eval mode, no graph). */
  reconstructionError(x: Tensor, options: { batchSize?: number } = {}): number {
    const n = checkBatch(NAME, x, this.inputShape);
    const batchSize = checkPositiveInt(NAME, "batchSize", options.batchSize ?? 256);
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        let total = 0;
        for (let start = 0; start < n; start += batchSize) {
          const xb = x.slice(0, start, Math.min(n, start + batchSize));
          total += mseLoss(this.forward(xb), xb, { reduction: "sum" }).item();
        }
        return total / x.size;
      });
    } finally {
      this.train(wasTraining);
    }
  }

  override extraRepr(): string {
    return `variant=${this.variant}, input_shape=(${this.inputShape.join(", ")}), ` +
      `latent_size=${this.latentSize}, noise=${this.noise}`;
  }

  override getConfig(): ModuleConfig {
    const args: { [key: string]: JsonValue } = {
      variant: this.variant, inputShape: this.inputShape, encoderSizes: this.encoderSizes,
      decoderSizes: this.decoderSizes, latentSize: this.latentSize, noise: this.noise,
    };
    return { type: NAME, args };
  }
}

registerModule(NAME, (args: ConfigArgs) => new Autoencoder(args as unknown as AutoencoderOptions));
