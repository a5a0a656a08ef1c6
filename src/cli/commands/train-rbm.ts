import { join } from "node:path";
import { noGrad } from "../../core/autograd.js";
import { concat } from "../../core/ops/movement.js";
import type { Tensor } from "../../core/tensor.js";
import { save } from "../../io/checkpoint.js";
import { DBNClassifier, type DBNOptions } from "../../models/dbn.js";
import { BernoulliRBM } from "../../models/rbm.js";
import { ProgressLogger } from "../../train/callbacks.js";
import { isImageDataset } from "../image-data.js";
import { modelMetadata } from "../model-file.js";
import type { Callback } from "../../train/callbacks.js";
import { epochReporter, heldOutValidation, reportEpoch } from "../run-log.js";
import { imageSide, prepareUnitData, saveFilterGrid, writeMetrics } from "../unit-data.js";
import { Option } from "commander";
import { parseInteger } from "../errors.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, OPTIMIZER, flag, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer } from "./trainers.js";

interface RbmFlags extends TrainFlags { pretrainEpochs?: number; persistent?: boolean }

const PERSISTENT = flag(() => new Option("--persistent",
  "persistent contrastive divergence instead of CD-1"));
const PRETRAIN_EPOCHS = flag(() => new Option("--pretrain-epochs <n>",
  "epochs of RBM pre-training per layer " +
  "(default 20)").argParser(parseInteger("--pretrain-epochs")));

const seconds = (started: number): number => Number(((performance.now() - started) / 1000).toFixed(3));

// 60,000 images in batches of 10 take minutes an epoch: image data sets get bigger batches, fewer epochs.
function rbmDefaults(dataset: string): { epochs: number; batchSize: number; hidden: number } {
  return isImageDataset(dataset) ? { epochs: 5, batchSize: 64, hidden: 256 }
    : { epochs: 20, batchSize: 10, hidden: 100 };
}

/**
 * Rows of a picture of Gibbs chains: the data, then P(v | h) after 1, 10, 100 and 1000 steps from it,
 * showing what the model drifts towards when left to sample.
 */
function gibbsChains(rbm: BernoulliRBM, start: Tensor): Tensor {
  const rows = [start];
  let v = start, h = rbm.sampleHiddens(v);
  let step = 1;
  for (const checkpoint of [1, 10, 100, 1000]) {
    for (; step < checkpoint; step++) h = rbm.sampleHiddens(v = rbm.sampleVisibles(h));
    rows.push(noGrad(() => rbm.meanVisibles(h)));
  }
  return concat(rows, 0);
}

/** A Bernoulli RBM on [0, 1] features, monitored by reconstruction error and pseudo-likelihood. */
export async function trainRbm(modelName: string, flags: RbmFlags) {
  const log = (line: string): void => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  const data = prepareUnitData(flags.dataset, { testSize: 0.25, seed: flags.seed });
  const defaults = rbmDefaults(flags.dataset);
  const started = performance.now();
  const rbm = new BernoulliRBM({
    nComponents: flags.hidden?.[0] ?? defaults.hidden, nIter: flags.epochs ?? defaults.epochs,
    learningRate: flags.lr ?? 0.05, batchSize: flags.batchSize ?? defaults.batchSize,
    persistent: flags.persistent ?? false, randomState: flags.seed, verbose: !flags.quiet,
  }).fit(data.xTrain);
  for (const e of rbm.history) {
    reportEpoch({ epoch: e.epoch, losses: { reconstructionError: e.reconstructionError },
      metrics: { pseudoLogLikelihood: e.pseudoLogLikelihood }, lr: flags.lr ?? 0.05,
      samples: data.xTrain.shape[0], seconds: e.seconds });
  }
  const last = rbm.history.at(-1)!;
  const result = {
    model: modelName, dataset: data.name, reconstructionError: rbm.reconstructionError(data.xTest),
    pseudoLogLikelihood: rbm.pseudoLogLikelihood(data.xTest),
    trainReconstructionError: last.reconstructionError, trainPseudoLogLikelihood: last.pseudoLogLikelihood,
    hiddenUnits: rbm.nComponents, epochs: rbm.nIter,
    method: rbm.persistent ? "PCD-1" : "CD-1", seconds: seconds(started),
  };
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, history: rbm.history });
    await save(rbm, modelPath, { metadata: { "cli.dataset": data.name, "cli.unsupervised": modelName } });
    const filters = saveFilterGrid(join(flags.out, "filters.png"), rbm.weight!, { normalize: true });
    const side = imageSide(rbm.nFeatures);
    const samples = side === null ? null
      : saveFilterGrid(join(flags.out, "samples.png"), gibbsChains(rbm, data.xTest.slice(0, 0, 10)),
        { normalize: false, nrow: 10 });
    log(`wrote ${[modelPath, metricsPath, filters, samples].filter((p) => p !== null).join(", ")}`);
  }
  return result;
}

/** A DBN (greedy RBM pre-training, then backpropagation) and the same network without pre-training. */
export async function trainDbn(modelName: string, flags: RbmFlags) {
  const log = (line: string): void => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  const data = prepareUnitData(flags.dataset, { testSize: 0.25, seed: flags.seed });
  const images = isImageDataset(flags.dataset);
  const defaults = rbmDefaults(flags.dataset);
  const options: DBNOptions = {
    hiddenLayerSizes: flags.hidden ?? [256, 128],
    pretraining: { nIter: flags.pretrainEpochs ?? defaults.epochs, learningRate: 0.1,
      batchSize: defaults.batchSize, persistent: flags.persistent ?? false },
    epochs: flags.epochs ?? (images ? 5 : 50), optimizer: flags.optimizer ?? "sgd", learningRate: flags.lr,
    batchSize: flags.batchSize ?? 32, randomState: flags.seed, verbose: !flags.quiet,
    callbacks: flags.quiet ? [] : [new ProgressLogger({ verbose: 1 })],
  };
  const reporter = (pretrain: boolean): Callback =>
    epochReporter({ lr: flags.lr, validate: heldOutValidation(data.xTest, data.yTest),
      prefix: pretrain ? undefined : "baseline" });
  const train = (pretrain: boolean): { dbn: DBNClassifier; seconds: number } => {
    log(pretrain ? "pre-training and fine-tuning:" : "the same network without pre-training:");
    const started = performance.now();
    const dbn = new DBNClassifier({ ...options, pretrain,
      callbacks: [...options.callbacks ?? [], reporter(pretrain)] }).fit(data.xTrain, data.yTrain);
    return { dbn, seconds: seconds(started) };
  };
  const pretrained = train(true), baseline = train(false);
  const result = {
    model: modelName, dataset: data.name, testAccuracy: pretrained.dbn.score(data.xTest, data.yTest),
    baselineTestAccuracy: baseline.dbn.score(data.xTest, data.yTest),
    trainLoss: pretrained.dbn.lossCurve.at(-1)!, baselineTrainLoss: baseline.dbn.lossCurve.at(-1)!,
    hiddenLayerSizes: pretrained.dbn.hiddenLayerSizes, pretrainEpochs: pretrained.dbn.pretraining.nIter,
    epochs: pretrained.dbn.epochs, seconds: pretrained.seconds, baselineSeconds: baseline.seconds,
  };
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const baselinePath = join(flags.out, "model-no-pretrain.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, lossCurve: pretrained.dbn.lossCurve,
      baselineLossCurve: baseline.dbn.lossCurve, pretrainHistory: pretrained.dbn.pretrainHistory });
    const metadata = modelMetadata(data, pretrained.dbn.classes);
    await save(pretrained.dbn.model!, modelPath, { metadata });
    await save(baseline.dbn.model!, baselinePath, { metadata });
    const firstLayer = pretrained.dbn.rbms[0].weight!;
    const filters = saveFilterGrid(join(flags.out, "filters.png"), firstLayer, { normalize: true });
    log(`wrote ${[modelPath, baselinePath, metricsPath, filters].filter((p) => p !== null).join(", ")}`);
  }
  return result;
}

export const RBM_TRAINERS: Record<string, ModelTrainer<RbmFlags>> = {
  rbm: {
    flags: [EPOCHS, BATCH_SIZE, LR, HIDDEN, PERSISTENT],
    description: "Bernoulli RBM on [0, 1] features, CD-1 (--persistent: PCD), --hidden units " +
      "(default 100), lr 0.05, batches of 10, 20 epochs (image data sets: 256 units, batches of 64, " +
      "5 epochs); writes filters.png and samples.png with --out",
    run: async (model, flags) => {
      const r = await trainRbm(model, flags);
      return { result: r, summary: `reconstruction error: ${r.reconstructionError.toFixed(4)}, ` +
        `pseudo-log-likelihood: ${r.pseudoLogLikelihood.toFixed(2)} (${r.model} on the ${r.dataset} test ` +
        `split, ${plural(r.epochs, "epoch")}, ${r.seconds.toFixed(1)}s)` };
    },
  },
  dbn: {
    flags: [EPOCHS, BATCH_SIZE, LR, OPTIMIZER, HIDDEN, PERSISTENT, PRETRAIN_EPOCHS],
    description: "deep belief network: RBMs pre-trained greedily (--pretrain-epochs, default 20), " +
      "unrolled into a sigmoid MLP (--hidden, default 256,128) and fine-tuned (SGD lr 0.1, 50 epochs; " +
      "5 + 5 on image data sets); also trains it without pre-training for comparison",
    run: async (model, flags) => {
      const r = await trainDbn(model, flags);
      return { result: r, summary: `test accuracy: ${r.testAccuracy.toFixed(4)} with pre-training, ` +
        `${r.baselineTestAccuracy.toFixed(4)} without (${r.model} on ${r.dataset}, ${r.pretrainEpochs} + ` +
        `${plural(r.epochs, "epoch")}, ${(r.seconds + r.baselineSeconds).toFixed(1)}s)` };
    },
  },
};
