import { join } from "node:path";
import { noGrad } from "../../core/autograd.js";
import { randn } from "../../core/creation.js";
import { concat } from "../../core/ops/movement.js";
import { manualSeed } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { save } from "../../io/checkpoint.js";
import { saveImageGrid } from "../../io/png.js";
import { Autoencoder, type AutoencoderVariant } from "../../models/autoencoder.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { Adam } from "../../optim/adam.js";
import { SGD } from "../../optim/sgd.js";
import { fit } from "../../train/fit.js";
import { UsageError } from "../errors.js";
import { isImageDataset } from "../image-data.js";
import { gridScale, prepareGenerativeImages } from "../generative-data.js";
import { epochReporter } from "../run-log.js";
import { writeMetrics } from "../unit-data.js";
import { Option } from "commander";
import { parseChoice, parseInteger } from "../errors.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, OPTIMIZER, flag, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer, type RunHooks } from "./trainers.js";

interface AutoencoderFlags extends TrainFlags {
  variant?: AutoencoderVariant; latent?: number; noise?: number;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--noise must be a number >= 0, got "${value}"`);
  }
  return n;
}

const AUTOENCODER_FLAGS = [EPOCHS, BATCH_SIZE, LR, OPTIMIZER, HIDDEN,
  flag(() => new Option("--variant <name>", "architecture: dense (default) or conv")
    .argParser(parseChoice("--variant", ["dense", "conv"] as const))),
  flag(() => new Option("--latent <n>",
    "size of the latent code (default 16)").argParser(parseInteger("--latent"))),
  flag(() => new Option("--noise <x>",
    "std of Gaussian noise added to training inputs (denoising; default 0)")
    .argParser(parseNonNegative)),
];

const seconds = (started: number): number => Number(((performance.now() - started) / 1000).toFixed(3));
const SHOWN = 10;

function variantOf(flags: AutoencoderFlags): AutoencoderVariant {
  const variant = flags.variant ?? "dense";
  if (variant !== "dense" && variant !== "conv") {
    throw new UsageError(`autoencoder: --variant must be dense or conv, got "${variant}"`);
  }
  return variant;
}

/**
 * Originals above reconstructions (with --noise: originals, noisy inputs, then what the model makes of
 * the noisy inputs), the first images of the test part.
 */
function saveReconstructions(path: string, model: Autoencoder, images: Tensor, seed: number): void {
  const shown = images.slice(0, 0, Math.min(SHOWN, images.shape[0]));
  const rows = noGrad(() => {
    const inputs = model.noise > 0 ? shown.add(randn(shown.shape, { seed }).mul(model.noise)) : shown;
    model.eval();
    const out = model.forward(inputs);
    return model.noise > 0 ? [shown, inputs, out] : [shown, out];
  });
  saveImageGrid(path, concat(rows, 0), { nrow: shown.shape[0], scale: gridScale(model.inputShape[2]) });
}

/** A dense or convolutional (denoising) autoencoder, trained with MSE and judged on test images. */
export async function trainAutoencoder(modelName: string, flags: AutoencoderFlags, hooks?: RunHooks) {
  const log = (line: string): void => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  const variant = variantOf(flags);
  const data = prepareGenerativeImages(flags.dataset, flags.seed);
  manualSeed(flags.seed);
  const model = new Autoencoder({
    variant, inputShape: data.imageShape,
    encoderSizes: flags.hidden, latentSize: flags.latent ?? 16, noise: flags.noise ?? 0,
  });
  log(`${modelName} (${variant}): ${model.numParameters().toLocaleString("en-US")} parameters`);
  const initialTestMse = model.reconstructionError(data.xTest);
  const adam = (flags.optimizer ?? "adam") === "adam";
  const lr = flags.lr ?? (adam ? 1e-3 : 0.01);
  const optimizer = adam ? new Adam(model.parameters(), { lr })
    : new SGD(model.parameters(), { lr, momentum: 0.9, nesterov: true });
  // Digits train an epoch in well under a second; 60,000 Fashion-MNIST images take much longer.
  const epochs = flags.epochs ?? (isImageDataset(flags.dataset) ? 5 : variant === "dense" ? 50 : 30);
  const started = performance.now();
  const history = fit(model, data.xTrain, data.xTrain, {
    loss: (output, target) => mseLoss(output, target), optimizer, epochs, batchSize: flags.batchSize ?? 64,
    seed: flags.seed, verbose: 0, callbacks: [...hooks?.callbacks ?? [], epochReporter({ lr })],
  }).history;
  const result = {
    model: modelName, dataset: data.name, variant, testMse: model.reconstructionError(data.xTest),
    initialTestMse, trainMse: model.reconstructionError(data.xTrain), latentSize: model.latentSize,
    noise: model.noise, epochs: history.loss.length, seconds: seconds(started),
  };
  if (flags.out) {
    const metricsPath = writeMetrics(flags.out, { ...result, numParameters: model.numParameters(),
      lossCurve: history.loss });
    const modelPath = join(flags.out, "model.safetensors");
    await save(model, modelPath, { metadata: { "cli.dataset": data.name, "cli.unsupervised": modelName } });
    const figure = join(flags.out, "reconstructions.png");
    saveReconstructions(figure, model, data.xTest, flags.seed);
    log(`wrote ${modelPath}, ${metricsPath}, ${figure}`);
  }
  return result;
}

export const AUTOENCODER_TRAINERS: Record<string, ModelTrainer<AutoencoderFlags>> = {
  autoencoder: {
    flags: AUTOENCODER_FLAGS,
    description: "autoencoder on [0, 1] images: --variant dense (hidden 128, the default) or conv " +
      "(channels 16,32), --latent 16, --noise for denoising; Adam lr 1e-3, 50 epochs (conv 30) on " +
      "digits; writes reconstructions.png with --out",
    run: async (model, flags, hooks) => {
      const r = await trainAutoencoder(model, flags, hooks);
      return { result: r, summary: `reconstruction MSE: ${r.testMse.toFixed(5)} on the test images ` +
        `(untrained ${r.initialTestMse.toFixed(5)}; ${r.model} ${r.variant} on ${r.dataset}, ` +
        `${plural(r.epochs, "epoch")}, ${r.seconds.toFixed(1)}s)` };
    },
  },
};
