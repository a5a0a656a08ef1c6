import type { Command } from "commander";
import { parseInteger, parsePositiveNumber } from "../errors.js";
import { evaluateCommand, formatEvaluation } from "./evaluate.js";
import { reportCommand } from "./report.js";
import { summaryCommand } from "./summary.js";
import { predictCommand } from "./predict.js";
import { sampleCommand, type SampleFlags } from "./sample.js";

type Printer = (result: object, json: boolean | undefined, human: string) => void;

/** The commands that use a trained model file or run folder: evaluate, summary, report, predict, sample. */
export function registerUseCommands(program: Command, printResult: Printer): void {
  program.command("evaluate")
    .description("evaluate a model written by `zendl train --out` on its data set's test split")
    .argument("<model-file>", "path to model.safetensors")
    .option("--dataset <name>", "data set (default: the one the model was trained on; a model of " +
      "fashion-mnist-subset also evaluates on fashion-mnist)")
    .option("--allow-nan", "let NaN and infinite features through instead of refusing them")
    .option("--json", "print the metrics as one JSON object on the last line of stdout")
    .action(async (file: string, flags: { dataset?: string; json?: boolean; allowNan?: boolean }) => {
      const result = await evaluateCommand(file, flags.dataset, { allowNan: flags.allowNan ?? false });
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
    .description("predict the class of each row of a CSV file of raw features (as in the data set, " +
      "unscaled; no header needed)")
    .argument("<model-file>", "path to model.safetensors")
    .argument("<csv>", "CSV file (or .csv.gz) with one sample per row")
    .option("--allow-nan", "let NaN and infinite features through instead of refusing them")
    .option("--json", "print the predictions as one JSON array")
    .action(async (file: string, csv: string, flags: { json?: boolean; allowNan?: boolean }) => {
      const predictions = await predictCommand(file, csv, { allowNan: flags.allowNan ?? false });
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
}
