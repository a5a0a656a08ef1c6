/**
 * The GAN training loop: alternating discriminator and generator steps with the non-saturating loss
 * (Goodfellow et al., 2014, section 3: the generator maximises log D(G(z)) rather than minimising
 * log(1 - D(G(z))), which saturates early when D wins easily), two Adam optimizers with beta1 = 0.5 as
 * DCGAN recommends, and latent noise drawn from seeded generators so a run repeats exactly.
 */
import { randn } from "../core/creation.js";
import { keepReachable, tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { TensorDataset } from "../data/dataset.js";
import { DataLoader } from "../data/loader.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/losses.js";
import { Adam } from "../optim/adam.js";
import type { GAN } from "./gan.js";
import { checkBatch, checkNumberIn, checkPositiveInt } from "./generative-common.js";

export interface FitGANOptions {
  /** Passes over the images. Default 20. */
  epochs?: number;
  /** Real images per step (and as many generated). Default 64. */
  batchSize?: number;
  /** Adam learning rate of both networks. Default 2e-4 (DCGAN). */
  lr?: number;
  /** Adam's betas. Default [0.5, 0.999]: a short gradient memory suits the moving GAN objective. */
  betas?: [number, number];
  /** Target for real images in the discriminator's loss, e.g. 0.9 (one-sided label smoothing). Default 1. */
  realLabel?: number;
  /** Seeds the batch order and every latent draw. Default 0. */
  seed?: number;
  /** Called after every epoch, e.g. to save a grid of `gan.sample(64, { seed })`. */
  onEpochEnd?: (logs: GANEpochLogs) => void;
}

/** Averages over one epoch's steps. */
export interface GANEpochLogs {
  epoch: number;
  /** −log D(x) − log(1 − D(G(z))): log 4 ≈ 1.386 when D cannot tell the two apart. */
  discriminatorLoss: number;
  /** −log D(G(z)), the non-saturating generator loss: log 2 ≈ 0.693 at that balance. */
  generatorLoss: number;
  /** Mean D(x): the probability the discriminator gives real images. */
  realScore: number;
  /** Mean D(G(z)) before the discriminator's step. */
  fakeScore: number;
  seconds: number;
}

/** Per-epoch curves returned by `fitGan`. */
export interface GANHistory {
  discriminatorLoss: number[];
  generatorLoss: number[];
  realScore: number[];
  fakeScore: number[];
}

function checkUnitRange(images: Tensor): void {
  const data = images.dataSync();
  let low = Infinity, high = -Infinity, nan = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < low) low = v;
    if (v > high) high = v;
    if (Number.isNaN(v)) nan = true;
  }
  if (nan || low < 0 || high > 1) {
    throw new Error("fitGan: images must have values in [0, 1] like the generator's sigmoid output; found " +
      `${nan ? "NaN" : `values from ${low} to ${high}`} (scale them first, e.g. digits / 16)`);
  }
}

/**
 * Trains `gan` on images in [0, 1] (`[N, C, H, W]` or flat rows). Each step updates the discriminator on
 * a real and a generated batch, then the generator against the updated discriminator.
 * @example
 * const images = zd.data.loadDigits().x.div(16);
 * const gan = new zd.models.GAN({ imageShape: [1, 8, 8] });
 * const history = zd.models.fitGan(gan, images, { epochs: 5 });
 * history.generatorLoss; // one value per epoch
 */
export function fitGan(gan: GAN, images: Tensor, options: FitGANOptions = {}): GANHistory {
  const op = "fitGan";
  const n = checkBatch(op, images, gan.imageShape, "images");
  const epochs = checkPositiveInt(op, "epochs", options.epochs ?? 20);
  const batchSize = checkPositiveInt(op, "batchSize", options.batchSize ?? 64);
  const lr = checkNumberIn(op, "lr", options.lr ?? 2e-4, 0, Number.MAX_VALUE);
  const realLabel = checkNumberIn(op, "realLabel", options.realLabel ?? 1, 0.5, 1);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`${op}: seed must be an integer, got ${String(seed)}`);
  const betas = options.betas ?? [0.5, 0.999];
  checkUnitRange(images);
  const x = images.reshape([n, ...gan.imageShape]);
  const optD = new Adam(gan.discriminator.parameters(), { lr, betas });
  const optG = new Adam(gan.generator.parameters(), { lr, betas });
  const loader = new DataLoader(new TensorDataset(x), { batchSize, shuffle: true, seed });
  const history: GANHistory = { discriminatorLoss: [], generatorLoss: [], realScore: [], fakeScore: [] };
  gan.train();
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    const sums = { d: 0, g: 0, real: 0, fake: 0 };
    let seen = 0;
    for (const [xb] of loader) {
      const m = xb.shape[0];
      // One generator per step, seeded from (seed, step): repeatable without touching the global one.
      const z = randn([m, gan.latentSize], { seed: seed * 1_000_003 + step++ });
      const values = tidy(() => {
        const fake = gan.generator.forward(z);
        optD.zeroGrad();
        const realLogits = gan.discriminate(xb), fakeLogits = gan.discriminate(fake.detach());
        const lossD = binaryCrossEntropyWithLogits(realLogits, realLogits.onesLike().mul(realLabel))
          .add(binaryCrossEntropyWithLogits(fakeLogits, fakeLogits.zerosLike()));
        lossD.backward();
        optD.step();
        optG.zeroGrad();
        const judged = gan.discriminate(fake);
        const lossG = binaryCrossEntropyWithLogits(judged, judged.onesLike());
        lossG.backward();
        optG.step();
        keepReachable(gan);
        return [lossD.item(), lossG.item(), realLogits.sigmoid().mean().item(),
          fakeLogits.sigmoid().mean().item()];
      });
      xb.dispose();
      z.dispose();
      if (!values.every(Number.isFinite)) {
        throw new Error(`${op}: the losses became ${values[0]} (discriminator) and ${values[1]} ` +
          `(generator) at epoch ${epoch}; lower the learning rate or check the images`);
      }
      sums.d += values[0] * m;
      sums.g += values[1] * m;
      sums.real += values[2] * m;
      sums.fake += values[3] * m;
      seen += m;
    }
    const logs: GANEpochLogs = {
      epoch, discriminatorLoss: sums.d / seen, generatorLoss: sums.g / seen, realScore: sums.real / seen,
      fakeScore: sums.fake / seen, seconds: (performance.now() - started) / 1000,
    };
    history.discriminatorLoss.push(logs.discriminatorLoss);
    history.generatorLoss.push(logs.generatorLoss);
    history.realScore.push(logs.realScore);
    history.fakeScore.push(logs.fakeScore);
    options.onEpochEnd?.(logs);
  }
  return history;
}
