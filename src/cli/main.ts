#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { datasetNames } from "./datasets.js";
import { UsageError, parseChoice, parseInteger, parsePositiveNumber } from "./errors.js";
import { evaluateCommand, formatEvaluation } from "./commands/evaluate.js";
import { DEFAULT_DASHBOARD_PORT, recordRun, type RecordFlags } from "./commands/recorded-run.js";
import { reportCommand } from "./commands/report.js";
import { summaryCommand } from "./commands/summary.js";
import { registerExportCommand } from "./commands/export.js";
import { predictCommand } from "./commands/predict.js";
import { sampleCommand, type SampleFlags } from "./commands/sample.js";
import type { TrainFlags } from "./commands/train-flags.js";
import { TRAINERS, trainCommand } from "./commands/trainers-table.js";

function parseHidden(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--hidden must be comma-separated positive integers (e.g. 128 or 256,128), got "${value}"`);
  }
  return sizes;
}

function parseNonNegative(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new UsageError(`${flag} must be a number >= 0, got "${value}"`);
    }
    return n;
  };
}

function printResult(result: object, json: boolean | undefined, human: string): void {
  process.stdout.write(`${human}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function buildProgram(): Command {
  const program = new Command("zendl")
    .description("zendl: train and use neural networks from the command line")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`zendl: ${text.replace(/^error: /, "").split("\n")[0]}\n`) });

  program.command("train")
    .description("train a model on a data set and print its test accuracy")
    .argument("<model>", `model to train: ${Object.keys(TRAINERS).join(", ")}`)
    .requiredOption("--dataset <name>", `data set: ${datasetNames().join(", ")}; ` +
      "char-lstm: tinyshakespeare or a text file")
    .option("--epochs <n>", "maximum number of epochs (default 100; 5 for image data sets)", parseInteger("--epochs"))
    .option("--batch-size <n>", "mini-batch size (default min(200, samples); 128 for image models)", parseInteger("--batch-size"))
    .option("--lr <x>", "initial learning rate (default 0.01; 1e-3 with adam for image models)", parsePositiveNumber("--lr"))
    .addOption(new Option("--optimizer <name>", "optimizer (default sgd: momentum 0.9, Nesterov; adam for image models)")
      .argParser(parseChoice("--optimizer", ["sgd", "adam"] as const)))
    .option("--hidden <sizes>", "hidden layer sizes, comma-separated (default 128; rbf: centres, rbm: hidden units)",
      parseHidden)
    .option("--pretrain-epochs <n>", "epochs of RBM pre-training per layer (dbn; default 20)",
      parseInteger("--pretrain-epochs"))
    .option("--persistent", "persistent contrastive divergence instead of CD-1 (rbm, dbn)")
    .addOption(new Option("--variant <name>", "architecture: dense or conv (autoencoder), mlp or dcgan (gan)")
      .argParser(parseChoice("--variant", ["dense", "conv", "mlp", "dcgan"] as const)))
    .option("--latent <n>", "size of the latent code (autoencoder: 16, gan: 32)", parseInteger("--latent"))
    .option("--noise <x>", "std of Gaussian noise added to training inputs (denoising autoencoder; default 0)",
      parseNonNegative("--noise"))
    .option("--minutes <x>", "stop training after this many minutes (char-lstm: default 10)",
      parsePositiveNumber("--minutes"))
    .option("--seq-length <n>", "time steps per training chunk, the BPTT truncation (char-lstm; default 64)",
      parseInteger("--seq-length"))
    .option("--seed <n>", "seed for the split, the initial weights and the batch order", parseInteger("--seed", 0), 0)
    .option("--out <dir>", "write model.safetensors, metrics.json, metrics.jsonl (a line per epoch) and " +
      "report.html into this folder")
    .option("--dashboard [port]", "serve a live dashboard on 127.0.0.1 (default port " +
      `${DEFAULT_DASHBOARD_PORT}; ` +
      "0: any free port)", parseInteger("--dashboard", 0))
    .option("--keep-serving", "keep the dashboard running after training until stopped (Ctrl-C)")
    .option("--json", "print the final metrics as one JSON object on the last line of stdout")
    .action(async (model: string, flags: TrainFlags & RecordFlags) => {
      const { summary, result } = await recordRun(model, flags, () => trainCommand(model, flags));
      printResult(result, flags.json, summary);
    });

  program.command("evaluate")
    .description("evaluate a model written by `zendl train --out` on its data set's test split")
    .argument("<model-file>", "path to model.safetensors")
    .option("--dataset <name>", "data set (default: the one the model was trained on)")
    .option("--json", "print the metrics as one JSON object on the last line of stdout")
    .action(async (file: string, flags: { dataset?: string; json?: boolean }) => {
      const result = await evaluateCommand(file, flags.dataset);
      printResult(result, flags.json, formatEvaluation(result));
    });

  program.command("summary")
    .description("print a model file's layers, output shapes and parameter counts")
    .argument("<model-file>", "path to model.safetensors")
    .action(async (file: string) => {
      process.stdout.write(`${await summaryCommand(file)}\n`);
    });

  program.command("report")
    .description("write DIR/report.html from a run folder of `zendl train --out DIR`")
    .argument("<dir>", "the run folder (metrics.jsonl, model.safetensors, figures)")
    .action(async (dir: string) => {
      process.stdout.write(`wrote ${await reportCommand(dir)}\n`);
    });

  program.command("predict")
    .description("predict the class of each row of a CSV file (features only, no header needed)")
    .argument("<model-file>", "path to model.safetensors")
    .argument("<csv>", "CSV file (or .csv.gz) with one sample per row")
    .option("--json", "print the predictions as one JSON array")
    .action(async (file: string, csv: string, flags: { json?: boolean }) => {
      const predictions = await predictCommand(file, csv);
      process.stdout.write(flags.json ? `${JSON.stringify(predictions)}\n` : `${predictions.join("\n")}\n`);
    });
  program.command("sample")
    .description("generate text with a model written by `zendl train char-lstm --out`")
    .argument("<model-file>", "path to model.safetensors")
    .option("--length <n>", "characters to generate", parseInteger("--length", 0), 500)
    .option("--temperature <x>", "below 1 more conservative, above 1 more varied",
      parsePositiveNumber("--temperature"), 1)
    .option("--prime <text>", "text the model reads first; the output starts with it")
    .option("--seed <n>", "seed of the sampling", parseInteger("--seed", 0))
    .action(async (file: string, flags: SampleFlags) => {
      process.stdout.write(`${await sampleCommand(file, flags)}\n`);
    });
  registerExportCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`zendl: ${message.split("\n")[0]}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv);
