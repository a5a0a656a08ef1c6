import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { manualSeed } from "../../core/random.js";
import { save } from "../../io/checkpoint.js";
import { saveImageGrid } from "../../io/png.js";
import { GAN, type GANVariant } from "../../models/gan.js";
import { classCoverage, type ClassCoverage } from "../../models/gan-metrics.js";
import { fitGan, type GANEpochLogs } from "../../models/gan-train.js";
import { MLPClassifier } from "../../models/mlp-estimators.js";
import { UsageError } from "../errors.js";
import { isImageDataset } from "../image-data.js";
import { gridScale, prepareGenerativeImages, type GenerativeData } from "../generative-data.js";
import { reportEpoch } from "../run-log.js";
import { writeMetrics } from "../unit-data.js";
import { Option } from "commander";
import { parseChoice, parseInteger } from "../errors.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, flag, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer } from "./trainers.js";

interface GanFlags extends TrainFlags { variant?: GANVariant; latent?: number }

const GAN_FLAGS = [EPOCHS, BATCH_SIZE, LR, HIDDEN,
  flag(() => new Option("--variant <name>", "architecture: mlp (default) or dcgan")
    .argParser(parseChoice("--variant", ["mlp", "dcgan"] as const))),
  flag(() => new Option("--latent <n>",
    "size of the latent code (default 32)").argParser(parseInteger("--latent"))),
];

const seconds = (started: number): number => Number(((performance.now() - started) / 1000).toFixed(3));
const CHECK_SAMPLES = 1000;
const GRID_SAMPLES = 64;

function variantOf(flags: GanFlags): GANVariant {
  const variant = flags.variant ?? "mlp";
  if (variant !== "mlp" && variant !== "dcgan") {
    throw new UsageError(`gan: --variant must be mlp or dcgan, got "${variant}"`);
  }
  return variant;
}

interface ClassifierCheck extends ClassCoverage {
  classifierTestAccuracy: number; samples: number; seconds: number;
}

/**
 * Judges generated digits with an MLP classifier trained on the real training images: its accuracy on the
 * real test images says how far to trust it; its confidence and the classes it sees in the samples say
 * how digit-like and how varied the samples are.
 */
function classifierCheck(gan: GAN, data: GenerativeData, seed: number): ClassifierCheck {
  const started = performance.now();
  const flat = (x: GenerativeData["xTrain"]) => x.reshape([x.shape[0], -1]);
  const classifier = new MLPClassifier({ hiddenLayerSizes: [128], solver: "adam", learningRateInit: 1e-3,
    maxIter: 200, randomState: seed }).fit(flat(data.xTrain), data.yTrain);
  const samples = gan.sample(CHECK_SAMPLES, { seed: seed + 1 });
  const coverage = classCoverage(classifier.predictProba(flat(samples)));
  return { ...coverage, classifierTestAccuracy: classifier.score(flat(data.xTest), data.yTest),
    samples: CHECK_SAMPLES, seconds: seconds(started) };
}

/** An MLP GAN or a DCGAN with the non-saturating loss; on digits, checked by a classifier. */
export async function trainGan(modelName: string, flags: GanFlags) {
  const log = (line: string): void => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  const variant = variantOf(flags);
  if (flags.optimizer !== undefined && flags.optimizer !== "adam") {
    throw new UsageError(
      `gan: trains with Adam (beta1 0.5); --optimizer ${flags.optimizer} is not supported`);
  }
  const data = prepareGenerativeImages(flags.dataset, flags.seed);
  manualSeed(flags.seed);
  const gan = new GAN({ variant, imageShape: data.imageShape, latentSize: flags.latent ?? 32,
    generatorSizes: flags.hidden });
  log(`${modelName} (${variant}): generator ${gan.generator.numParameters().toLocaleString("en-US")}, ` +
    `discriminator ${gan.discriminator.numParameters().toLocaleString("en-US")} parameters`);
  if (flags.out) mkdirSync(flags.out, { recursive: true });
  const scale = gridScale(data.imageShape[2]);
  const grids: string[] = [];
  // A DCGAN epoch over the 60,000 Fashion-MNIST images takes minutes on two cores; digits take a fraction
  // of a second.
  const epochs = flags.epochs ?? (isImageDataset(flags.dataset) ? 5 : variant === "mlp" ? 100 : 40);
  const started = performance.now();
  const history = fitGan(gan, data.xTrain, {
    epochs, batchSize: flags.batchSize ?? 64, lr: flags.lr ?? 2e-4, seed: flags.seed,
    onEpochEnd: (logs: GANEpochLogs) => {
      log(`epoch ${logs.epoch}/${epochs}: D loss ${logs.discriminatorLoss.toFixed(4)}, G loss ` +
        `${logs.generatorLoss.toFixed(4)}, D(real) ${logs.realScore.toFixed(3)}, D(fake) ` +
        `${logs.fakeScore.toFixed(3)} (${logs.seconds.toFixed(1)}s)`);
      reportEpoch({ epoch: logs.epoch, losses: { discriminatorLoss: logs.discriminatorLoss,
        generatorLoss: logs.generatorLoss },
      metrics: { realScore: logs.realScore, fakeScore: logs.fakeScore },
      lr: flags.lr ?? 2e-4, samples: data.xTrain.shape[0], seconds: logs.seconds });
      if (flags.out) {
        // The same latent vectors every epoch, so the grids show the generator's progress on them.
        const path = join(flags.out, `samples-epoch-${logs.epoch}.png`);
        saveImageGrid(path, gan.sample(GRID_SAMPLES, { seed: flags.seed }), { nrow: 8, scale });
        grids.push(path);
      }
    },
  });
  const trainSeconds = seconds(started);
  const check = data.name === "digits" ? classifierCheck(gan, data, flags.seed) : null;
  const result = {
    model: modelName, dataset: data.name, variant, latentSize: gan.latentSize, epochs,
    discriminatorLoss: history.discriminatorLoss.at(-1)!, generatorLoss: history.generatorLoss.at(-1)!,
    ...(check === null ? {} : {
      classesCoveredConfidently: check.classesCoveredConfidently, confidentShare: check.confidentShare,
      confidenceThreshold: check.confidenceThreshold, meanTopProbability: check.meanTopProbability,
      classesCovered: check.classesCovered, judgedSamples: check.samples, classCounts: check.classCounts,
      confidentClassCounts: check.confidentClassCounts, classifierTestAccuracy: check.classifierTestAccuracy,
    }),
    seconds: trainSeconds,
  };
  if (flags.out) {
    const metricsPath = writeMetrics(flags.out, { ...result, history, classifierCheck: check });
    const modelPath = join(flags.out, "model.safetensors");
    await save(gan, modelPath, { metadata: { "cli.dataset": data.name, "cli.unsupervised": modelName } });
    log(`wrote ${modelPath}, ${metricsPath} and ${grids.length} sample grids (${grids.at(-1) ?? "none"})`);
  }
  return result;
}

export const GAN_TRAINERS: Record<string, ModelTrainer<GanFlags>> = {
  gan: {
    flags: GAN_FLAGS,
    description: "GAN on [0, 1] images, non-saturating loss, Adam lr 2e-4 beta1 0.5: --variant mlp (the " +
      "default, 100 epochs on digits) or dcgan (40; both 5 on image data sets), --latent 32; on digits a " +
      "classifier judges 1,000 samples; writes samples-epoch-N.png with --out",
    run: async (model, flags) => {
      const r = await trainGan(model, flags);
      // Only samples the judge is sure of count: noise still has an arg-max class.
      const judged = r.meanTopProbability === undefined ? ""
        : `${r.classesCoveredConfidently} of 10 classes with confidence >= ${r.confidenceThreshold} ` +
          `(${(r.confidentShare! * 100).toFixed(1)}% of ${r.judgedSamples} samples), mean top-class ` +
          `probability ${r.meanTopProbability.toFixed(3)}; `;
      return { result: r, summary: `${judged}D loss ${r.discriminatorLoss.toFixed(3)}, G loss ` +
        `${r.generatorLoss.toFixed(3)} (${r.model} ${r.variant} ` +
          `on ${r.dataset}, ${plural(r.epochs, "epoch")}, ` +
        `${r.seconds.toFixed(1)}s)` };
    },
  },
};
