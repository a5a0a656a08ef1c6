import { existsSync } from "node:fs";
import { join } from "node:path";
import { manualSeed } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import {
  SequenceBatchLoader, loadText, loadTinyShakespeare, splitByPosition, type TextData,
} from "../../data/datasets/text.js";
import { save } from "../../io/checkpoint.js";
import { CharLSTM } from "../../models/char-lstm.js";
import { SequenceClassifier } from "../../models/sequence-classifier.js";
import { crossEntropy } from "../../nn/functional/losses-classification.js";
import { Adam } from "../../optim/adam.js";
import type { Callback } from "../../train/callbacks.js";
import { fit } from "../../train/fit.js";
import { fitSequence } from "../../train/tbptt.js";
import { prepareDataset } from "../datasets.js";
import { UsageError } from "../errors.js";
import { modelMetadata } from "../model-file.js";
import { epochReporter, reportEpoch, reportStep } from "../run-log.js";
import { imageSide, writeMetrics } from "../unit-data.js";
import { Option } from "commander";
import { parseInteger, parsePositiveNumber } from "../errors.js";
import { BATCH_SIZE, EPOCHS, HIDDEN, LR, RESUME_FLAGS, flag, type TrainFlags } from "./train-flags.js";
import { plural, type ModelTrainer, type RunHooks } from "./trainers.js";

interface CharLstmFlags extends TrainFlags { minutes?: number; seqLength?: number }

const CHAR_LSTM_FLAGS = [EPOCHS, BATCH_SIZE, LR, HIDDEN,
  flag(() => new Option("--minutes <x>",
    "stop training after this many minutes (default 10 without --epochs)")
    .argParser(parsePositiveNumber("--minutes"))),
  flag(() => new Option("--seq-length <n>", "time steps per training chunk, the BPTT truncation (default 64)")
    .argParser(parseInteger("--seq-length"))),
  ...RESUME_FLAGS];

/** The char-LSTM recipe: what `zendl train char-lstm` runs without flags. */
export const CHAR_LSTM_DEFAULTS = {
  embeddingDim: 64, hiddenSize: 256, batchSize: 32, seqLength: 64, lr: 2e-3, clip: 5, minutes: 10,
  epochs: 100,
};

function logger(flags: TrainFlags): (line: string) => void {
  return (line) => { if (!flags.quiet) process.stderr.write(`${line}\n`); };
}

/** `--dataset tinyshakespeare` (shipped) or the path of any UTF-8 text file (.txt, .txt.gz). */
function loadCorpus(name: string): TextData {
  if (name === "tinyshakespeare") return loadTinyShakespeare();
  if (existsSync(name)) return loadText(name);
  throw new UsageError(`char-lstm trains on "tinyshakespeare" or a text file; "${name}" is neither`);
}

/** Equal sizes only: stacked LSTM layers share one hidden size. */
function layersOf(flags: TrainFlags, fallback: number): { hiddenSize: number; numLayers: number } {
  const sizes = flags.hidden ?? [fallback];
  if (sizes.some((s) => s !== sizes[0])) {
    throw new UsageError(`--hidden: stacked recurrent layers have one size, got ${sizes.join(",")}`);
  }
  return { hiddenSize: sizes[0], numLayers: sizes.length };
}

const NATS_TO_BITS = 1 / Math.LN2;

/** A character-level LSTM language model, trained by truncated BPTT within a time budget. */
export async function trainCharLstm(modelName: string, flags: CharLstmFlags, hooks: RunHooks) {
  const log = logger(flags);
  const d = CHAR_LSTM_DEFAULTS;
  const corpus = loadCorpus(flags.dataset);
  const [trainIds, valIds] = splitByPosition(corpus.ids, 0.1);
  const { hiddenSize, numLayers } = layersOf(flags, d.hiddenSize);
  const batchSize = flags.batchSize ?? d.batchSize, seqLength = flags.seqLength ?? d.seqLength;
  const minutes = flags.minutes ?? (flags.epochs === undefined ? d.minutes : undefined);
  manualSeed(flags.seed);
  const model = new CharLSTM({ vocabSize: corpus.vocabulary.size, embeddingDim: d.embeddingDim, hiddenSize,
    numLayers });
  const train = new SequenceBatchLoader(trainIds, { batchSize, seqLength, shuffle: true, seed: flags.seed });
  const validation = new SequenceBatchLoader(valIds, { batchSize, seqLength });
  const count = (n: number): string => n.toLocaleString("en-US");
  log(`${modelName}: ${count(model.numParameters())} parameters; ${count(trainIds.length)} training and ` +
    `${count(valIds.length)} validation characters, vocabulary ${corpus.vocabulary.size}; ` +
    `${minutes === undefined ? "no time limit" : `at most ${minutes} minutes`}`);
  const loss = (output: Tensor, target: Tensor): Tensor =>
    crossEntropy(output.reshape([-1, corpus.vocabulary.size]), target.reshape([-1]));
  let steps = 0, stepsBefore = 0;
  const epochLog: Callback = {
    onBatchEnd: (e) => {
      if (flags.quiet || !process.stderr.isTTY || e.step % 20 !== 0) return;
      const at = `epoch ${e.epoch} step ${e.step}/${e.stepsPerEpoch}`;
      process.stderr.write(`\r  ${at} loss ${e.loss.toFixed(3)}  `);
    },
    onEpochEnd: (e) => {
      const { loss: trainLoss, valLoss } = e.logs;
      const bits = (valLoss * NATS_TO_BITS).toFixed(4);
      reportEpoch({ epoch: e.epoch, losses: { loss: trainLoss, valLoss }, lr: flags.lr ?? d.lr,
        metrics: { trainBitsPerChar: trainLoss * NATS_TO_BITS, valBitsPerChar: valLoss * NATS_TO_BITS },
        samples: (steps - stepsBefore) * batchSize * seqLength, seconds: e.seconds, step: steps });
      stepsBefore = steps;
      log(`${process.stderr.isTTY ? "\r" : ""}epoch ${e.epoch}: train ${trainLoss.toFixed(4)} nats/char, ` +
        `validation ${valLoss.toFixed(4)} nats/char = ${bits} bits/char (${e.seconds.toFixed(1)} s)`);
    },
  };
  const started = performance.now();
  const history = fitSequence(model, train, {
    loss, optimizer: new Adam(model.parameters(), { lr: flags.lr ?? d.lr }), epochs: flags.epochs ?? d.epochs,
    minutes, clipGradNorm: d.clip, validation, reportBits: true, verbose: 0,
    // epochLog replaces the CLI's progress callback (the first hook): it reports nats and bits per char
    callbacks: [epochLog, ...hooks.callbacks.slice(1)], resumeFrom: hooks.resumeFrom,
    onEvent: (e) => {
      if (e.type !== "batchEnd") return;
      steps = e.globalStep ?? steps + 1;
      if (steps % 10 === 0) reportStep(e.epoch, steps, { loss: e.loss });
    },
  }).history;
  const seconds = (performance.now() - started) / 1000;
  const valLoss = history.valLoss.at(-1)!;
  const tokens = steps * batchSize * seqLength;
  const round = (x: number, digits: number): number => Number(x.toFixed(digits));
  const result = {
    model: modelName, dataset: flags.dataset, valLoss: round(valLoss, 4),
    valBitsPerChar: round(valLoss * NATS_TO_BITS, 4), trainLoss: round(history.loss.at(-1)!, 4),
    epochs: history.loss.length, steps, tokensPerSecond: Math.round(tokens / seconds),
    seconds: round(seconds, 1),
  };
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, hiddenSize, numLayers, batchSize, seqLength,
      valLossCurve: history.valLoss, trainLossCurve: history.loss });
    await save(model, modelPath, { metadata: {
      "cli.input": "text", "cli.model": modelName, "cli.dataset": flags.dataset,
      "cli.vocabulary": JSON.stringify(corpus.vocabulary.toJSON()),
    } });
    log(`wrote ${modelPath} and ${metricsPath}`);
  }
  return result;
}

/** An LSTM or GRU reading each image row by row (digits: 8 steps of 8 pixels). */
export async function trainSequenceClassifier(modelName: "lstm" | "gru", flags: TrainFlags, hooks: RunHooks) {
  const log = logger(flags);
  const data = prepareDataset(flags.dataset, { testSize: 0.25, seed: flags.seed });
  const features = data.xTrain.shape[1];
  const side = imageSide(features);
  if (side === null) {
    throw new UsageError(`${modelName} reads images row by row; ${flags.dataset} has ${features} features, ` +
      "not a square image");
  }
  const { hiddenSize, numLayers } = layersOf(flags, 64);
  manualSeed(flags.seed);
  const model = new SequenceClassifier({ inputSize: side, numClasses: data.numClasses, cell: modelName,
    hiddenSize, numLayers });
  const epochs = flags.epochs ?? 20;
  const started = performance.now();
  const history = fit(model, data.xTrain, data.yTrain, {
    loss: (output, target) => crossEntropy(output, target),
    optimizer: new Adam(model.parameters(), { lr: flags.lr ?? 5e-3 }),
    epochs, batchSize: flags.batchSize ?? 32, seed: flags.seed, metrics: ["accuracy"],
    validationData: [data.xTest, data.yTest], verbose: 0,
    callbacks: [...hooks.callbacks, epochReporter({ lr: flags.lr ?? 5e-3 })], resumeFrom: hooks.resumeFrom,
  }).history;
  const result = {
    model: modelName, dataset: data.name, testAccuracy: history.valAccuracy.at(-1)!,
    trainLoss: history.loss.at(-1)!,
    epochs: history.loss.length, seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  if (flags.out) {
    const modelPath = join(flags.out, "model.safetensors");
    const metricsPath = writeMetrics(flags.out, { ...result, hiddenSize, numLayers, steps: side,
      lossCurve: history.loss, testAccuracyCurve: history.valAccuracy });
    const classes = Array.from({ length: data.numClasses }, (_, i) => i);
    await save(model, modelPath, { metadata: modelMetadata(data, classes) });
    log(`wrote ${modelPath} and ${metricsPath}`);
  }
  return result;
}

export const RNN_TRAINERS: Record<string, ModelTrainer<CharLstmFlags>> = {
  "char-lstm": {
    flags: CHAR_LSTM_FLAGS, resumable: true,
    description: "character-level LSTM language model on tinyshakespeare or a text file (embedding 64, " +
      "hidden 256, batch 32, sequence 64, Adam 2e-3, clip 5; --minutes budget, default 10)",
    run: async (model, flags, hooks) => {
      const r = await trainCharLstm(model, flags, hooks);
      const run = `${model} on ${r.dataset}, ${plural(r.epochs, "epoch")}, ${r.tokensPerSecond} chars/s, ` +
        `${r.seconds.toFixed(1)}s`;
      const loss = `${r.valLoss.toFixed(4)} nats/char = ${r.valBitsPerChar.toFixed(4)} bits/char`;
      return { summary: `validation loss: ${loss} (${run})`, result: r };
    },
  },
  ...Object.fromEntries((["lstm", "gru"] as const).map((cell): [string, ModelTrainer] => [cell, {
    description: `${cell.toUpperCase()} sequence classifier reading images row by row (hidden 64, ` +
      "Adam 5e-3, 20 epochs)",
    flags: [EPOCHS, BATCH_SIZE, LR, HIDDEN, ...RESUME_FLAGS], resumable: true,
    run: async (model, flags, hooks) => {
      const r = await trainSequenceClassifier(cell, flags, hooks);
      return { summary: `test accuracy: ${r.testAccuracy.toFixed(4)} (${model} on ${r.dataset}, ` +
        `${plural(r.epochs, "epoch")}, ${r.seconds.toFixed(1)}s)`, result: r };
    },
  }])),
};
