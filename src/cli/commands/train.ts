import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { save } from "../../io/checkpoint.js";
import { writeFileAtomicSync } from "../../node/atomic-write.js";
import { MLPClassifier } from "../../models/mlp-estimators.js";
import { prepareDataset } from "../datasets.js";
import { isImageDataset } from "../image-data.js";
import { modelMetadata } from "../model-file.js";
import { epochReporter, heldOutValidation } from "../run-log.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, OPTIMIZER, RESUME_FLAGS, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer, type RunHooks } from "./trainers.js";

export type TrainResult = {
  model: string; dataset: string; testAccuracy: number; trainLoss: number; epochs: number; seconds: number;
};

export const MLP_DESCRIPTION = "multilayer perceptron (default: one hidden layer of 128 ReLU units, SGD, " +
  "lr 0.01, 100 epochs; 5 epochs on image data sets)";

/** The reference job: scikit-learn's MLPClassifier recipe on a tabular (or flattened image) data set. */
export async function trainMlp(modelName: string, flags: TrainFlags, hooks: RunHooks): Promise<TrainResult> {
  const data = prepareDataset(flags.dataset, { testSize: 0.25, seed: flags.seed });
  // A hundred epochs over 60,000 images would take hours; image data sets default to a short run.
  const maxEpochs = flags.epochs ?? (isImageDataset(flags.dataset) ? 5 : 100);
  const started = performance.now();
  const clf = new MLPClassifier({
    hiddenLayerSizes: flags.hidden ?? [128], activation: "relu", solver: flags.optimizer ?? "sgd",
    learningRateInit: flags.lr ?? 0.01, maxIter: maxEpochs, batchSize: flags.batchSize ?? "auto",
    randomState: flags.seed, resumeFrom: hooks.resumeFrom, callbacks: [...hooks.callbacks,
      epochReporter({ lr: flags.lr ?? 0.01, validate: heldOutValidation(data.xTest, data.yTest) })],
  }).fit(data.xTrain, data.yTrain);
  const seconds = (performance.now() - started) / 1000;
  const result: TrainResult = {
    model: modelName, dataset: data.name, testAccuracy: clf.score(data.xTest, data.yTest),
    trainLoss: clf.lossCurve[clf.lossCurve.length - 1], epochs: clf.nIter,
      seconds: Number(seconds.toFixed(3)),
  };
  if (clf.nIter < maxEpochs && !flags.quiet) {
    process.stderr.write(`stopped after ${plural(clf.nIter, "epoch")}: the training loss stopped improving ` +
      "(tol 1e-4)\n");
  }
  if (flags.out) {
    mkdirSync(flags.out, { recursive: true });
    const modelPath = join(flags.out, "model.safetensors");
    await save(clf.model!, modelPath, { metadata: modelMetadata(data, clf.classes) });
    writeFileAtomicSync(join(flags.out, "metrics.json"), JSON.stringify({ ...result,
      lossCurve: clf.lossCurve }, null, 2) + "\n");
    if (!flags.quiet) process.stderr.write(`wrote ${modelPath} and ${join(flags.out, "metrics.json")}\n`);
  }
  return result;
}

/** The summary line of the classifiers: "test accuracy: 0.9733 (mlp on digits, 100 epochs, 2.1s)". */
export function accuracyLine(r: { model: string; dataset: string; testAccuracy: number; epochs: number;
  seconds: number }): string {
  return `test accuracy: ${r.testAccuracy.toFixed(4)} (${r.model} ` +
    `on ${r.dataset}, ${plural(r.epochs, "epoch")}, ` +
    `${r.seconds.toFixed(1)}s)`;
}

export const MLP_TRAINERS: Record<string, ModelTrainer> = {
  mlp: {
    description: MLP_DESCRIPTION, resumable: true,
    flags: [EPOCHS, BATCH_SIZE, LR, OPTIMIZER, HIDDEN, ...RESUME_FLAGS],
    run: async (model, flags, hooks) => {
      const result = await trainMlp(model, flags, hooks);
      return { summary: accuracyLine(result), result };
    },
  },
};
