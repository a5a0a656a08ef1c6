import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { manualSeed } from "../../core/random.js";
import { save } from "../../io/checkpoint.js";
import { writeFileAtomicSync } from "../../node/atomic-write.js";
import { cnn, lenet5, mobilenet, resnet } from "../../models/cnn.js";
import type { Sequential } from "../../nn/layers/container.js";
import { crossEntropy } from "../../nn/functional/losses-classification.js";
import { Adam } from "../../optim/adam.js";
import { SGD } from "../../optim/sgd.js";
import { fit } from "../../train/fit.js";
import { UsageError } from "../errors.js";
import { IMAGE_DATASETS, isImageDataset, prepareImages } from "../image-data.js";
import { imageModelMetadata } from "../model-file.js";
import { epochReporter } from "../run-log.js";
import { BATCH_SIZE, EPOCHS, LR, OPTIMIZER, RESUME_FLAGS, type TrainFlags } from "./train-flags.js";
import { accuracyLine, type TrainResult } from "./train.js";
import type { ModelTrainer, RunHooks } from "./trainers.js";

interface ImageModelEntry { description: string; build(numClasses: number): Sequential }

export const IMAGE_MODELS: Record<string, ImageModelEntry> = {
  lenet5: { description: "LeNet-5 for 28x28 images (Adam, lr 1e-3, 5 epochs)",
    build: (numClasses) => lenet5({ numClasses }) },
  cnn: { description: "2 conv + 2 dense layers, the benchmark CNN (Adam, lr 1e-3, 5 epochs)",
    build: (numClasses) => cnn({ numClasses }) },
  mobilenet: {
    description: "small MobileNetV2-style net of depthwise-separable blocks (Adam, lr 1e-3, 5 epochs)",
    build: (numClasses) => mobilenet({ numClasses }) },
  resnet: { description: "small ResNet: 3 stages of BasicBlocks (Adam, lr 1e-3, 5 epochs)",
    build: (numClasses) => resnet({ numClasses }) },
};

const DEFAULT_EPOCHS = 5;

/** Trains an image model with `fit`, validating on the data set's test part after every epoch. */
export async function trainImageModel(modelName: string, flags: TrainFlags,
  hooks: RunHooks): Promise<TrainResult> {
  if (!isImageDataset(flags.dataset)) {
    const names = Object.keys(IMAGE_DATASETS).join(", ");
    throw new UsageError(`${modelName} trains on image data sets (${names}), not "${flags.dataset}"`);
  }
  const data = prepareImages(flags.dataset);
  manualSeed(flags.seed);
  const model = IMAGE_MODELS[modelName].build(data.numClasses);
  const log = (line: string): void => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
  log(`${modelName}: ${model.numParameters().toLocaleString("en-US")} parameters`);
  const adam = (flags.optimizer ?? "adam") === "adam";
  const lr = flags.lr ?? (adam ? 1e-3 : 0.01);
  const optimizer = adam ? new Adam(model.parameters(), { lr })
    : new SGD(model.parameters(), { lr, momentum: 0.9, nesterov: true });
  const epochs = flags.epochs ?? DEFAULT_EPOCHS;
  const started = performance.now();
  const history = fit(model, data.xTrain, data.yTrain, {
    loss: (output, target) => crossEntropy(output, target), optimizer, epochs,
    batchSize: flags.batchSize ?? 128, seed: flags.seed, metrics: ["accuracy"],
    validationData: [data.xTest, data.yTest], verbose: 0,
    callbacks: [...hooks.callbacks, epochReporter({ lr })], resumeFrom: hooks.resumeFrom,
  }).history;
  const seconds = (performance.now() - started) / 1000;
  const result: TrainResult = {
    model: modelName, dataset: data.name, testAccuracy: history.valAccuracy.at(-1)!,
    trainLoss: history.loss.at(-1)!, epochs: history.loss.length, seconds: Number(seconds.toFixed(3)),
  };
  if (flags.out) {
    mkdirSync(flags.out, { recursive: true });
    const modelPath = join(flags.out, "model.safetensors");
    await save(model, modelPath, { metadata: imageModelMetadata(data, modelName) });
    writeFileAtomicSync(join(flags.out, "metrics.json"), JSON.stringify({ ...result,
      numParameters: model.numParameters(), lossCurve: history.loss, accuracyCurve: history.accuracy,
      testAccuracyCurve: history.valAccuracy }, null, 2) + "\n");
    log(`wrote ${modelPath} and ${join(flags.out, "metrics.json")}`);
  }
  return result;
}

export const IMAGE_TRAINERS: Record<string, ModelTrainer> = Object.fromEntries(Object.entries(IMAGE_MODELS)
  .map(([name, entry]): [string, ModelTrainer] => [name, {
    description: entry.description, resumable: true, flags: [EPOCHS, BATCH_SIZE, LR, OPTIMIZER,
      ...RESUME_FLAGS],
    run: async (model, flags, hooks) => {
      const result = await trainImageModel(model, flags, hooks);
      return { summary: accuracyLine(result), result };
    },
  }]));
