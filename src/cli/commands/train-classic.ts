import { join } from "node:path";
import { noGrad } from "../../core/autograd.js";
import { save } from "../../io/checkpoint.js";
import { Perceptron } from "../../models/perceptron.js";
import { RBFClassifier } from "../../models/rbf.js";
import type { RBFLayer } from "../../models/rbf-layer.js";
import { prepareDataset } from "../datasets.js";
import { isImageDataset } from "../image-data.js";
import { modelMetadata } from "../model-file.js";
import { epochReporter, reportEpoch } from "../run-log.js";
import { prepareUnitData, saveFilterGrid, writeMetrics } from "../unit-data.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer, type RunHooks } from "./trainers.js";

function logger(flags: TrainFlags): (line: string) => void {
  return (line) => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
}

const seconds = (started: number): number => Number(((performance.now() - started) / 1000).toFixed(3));

/** Rosenblatt's perceptron, one-vs-rest, on standardized features. */
export async function trainPerceptron(modelName: string, flags: TrainFlags) {
  const log = logger(flags);
  const data = prepareDataset(flags.dataset, { testSize: 0.25, seed: flags.seed });
  // Digits train a thousand epochs in about a second; 60,000 images take about half a second an epoch.
  const maxIter = flags.epochs ?? (isImageDataset(flags.dataset) ? 20 : 1000);
  const started = performance.now();
  const clf = new Perceptron({ maxIter, learningRate: flags.lr ?? 1, randomState: flags.seed })
    .fit(data.xTrain, data.yTrain);
  // the perceptron reports its epochs when it is done (a thousand take about a second)
  clf.mistakesPerEpoch.forEach((mistakes, i) => reportEpoch({ epoch: i + 1, losses: {},
    metrics: { trainingMistakes: mistakes } }));
  const result = {
    model: modelName, dataset: data.name, testAccuracy: clf.score(data.xTest, data.yTest),
    trainAccuracy: clf.score(data.xTrain, data.yTrain), converged: clf.converged, epochs: clf.nIter,
    seconds: seconds(started),
  };
  if (!clf.converged) {
    const failed = clf.convergedPerClass.filter((c) => !c).length;
    log(`not converged: ${failed} of ${clf.convergedPerClass.length} one-vs-rest problems still made ` +
      `mistakes after ${maxIter} epochs (not linearly separable?)`);
  }
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, convergedPerClass: clf.convergedPerClass,
      mistakesPerEpoch: clf.mistakesPerEpoch });
    await save(clf.toModule(), modelPath, { metadata: modelMetadata(data, clf.classes) });
    log(`wrote ${modelPath} and ${metricsPath}`);
  }
  return result;
}

/** An RBF network: k-means centres, least-squares readout, optional end-to-end epochs. */
export async function trainRbf(modelName: string, flags: TrainFlags, hooks?: RunHooks) {
  const log = logger(flags);
  const data = prepareUnitData(flags.dataset, { testSize: 0.25, seed: flags.seed });
  const nCenters = flags.hidden?.[0] ?? 200;
  const gradientEpochs = flags.epochs ?? 0;
  // Each k-means iteration on 60,000 images is a 9-GFLOP product; 30 get within a fraction of a percent.
  const kmeansMaxIter = isImageDataset(flags.dataset) ? 30 : 100;
  const started = performance.now();
  const clf = new RBFClassifier({
    nCenters, gradientEpochs, kmeansMaxIter, learningRate: flags.lr ?? 1e-3, batchSize: flags.batchSize ?? 32,
    randomState: flags.seed, callbacks: [...hooks?.callbacks ?? [], epochReporter({ lr: flags.lr ?? 1e-3 })],
  }).fit(data.xTrain, data.yTrain);
  const result = {
    model: modelName, dataset: data.name, testAccuracy: clf.score(data.xTest, data.yTest),
    trainAccuracy: clf.score(data.xTrain, data.yTrain), centers: nCenters, epochs: gradientEpochs,
    trainMse: clf.lossCurve.at(-1)!, seconds: seconds(started),
  };
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, kmeansIterations: clf.kmeans!.nIter,
      kmeansInertia: clf.kmeans!.inertia, trainMseCurve: clf.lossCurve });
    await save(clf.model!, modelPath, { metadata: modelMetadata(data, clf.classes) });
    const centers = noGrad(() => (clf.model!.at(0) as RBFLayer).centers.clone());
    const png = saveFilterGrid(join(flags.out, "centers.png"), centers, { normalize: false });
    log(`wrote ${modelPath}, ${metricsPath}${png ? ` and ${png}` : ""}`);
  }
  return result;
}

type Summarized = { model: string; dataset: string; testAccuracy: number; seconds: number };

function accuracySummary(r: Summarized): string {
  return `test accuracy: ${r.testAccuracy.toFixed(4)} (${r.model} on ${r.dataset}, ` +
    `${r.seconds.toFixed(1)}s)`;
}

export const CLASSIC_TRAINERS: Record<string, ModelTrainer> = {
  perceptron: {
    flags: [EPOCHS, LR],
    description: "Rosenblatt perceptron, one-vs-rest, on standardized features (lr 1, up to 1000 epochs; " +
      "20 on image data sets; stops after an epoch without mistakes)",
    run: async (model, flags) => {
      const result = await trainPerceptron(model, flags);
      const state = result.converged ? "converged" : "not converged";
      return { summary: `${accuracySummary(result)}, ${state} ` +
        `after ${plural(result.epochs, "epoch")}`, result };
    },
  },
  rbf: {
    flags: [EPOCHS, BATCH_SIZE, LR, HIDDEN],
    description: "RBF network on [0, 1] features: --hidden k-means centres (default 200), ridge readout; " +
      "--epochs N adds N epochs of end-to-end Adam (default 0, lr 1e-3)",
    run: async (model, flags, hooks) => {
      const result = await trainRbf(model, flags, hooks);
      return { summary: accuracySummary(result), result };
    },
  },
};
