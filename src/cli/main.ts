#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { UsageError } from "./errors.js";
import { registerUseCommands } from "./commands/use-commands.js";
import { registerExportCommand } from "./commands/export.js";
import { COMMON_FLAGS, type TrainFlags } from "./commands/train-flags.js";
import { recordRun, type RecordFlags } from "./commands/recorded-run.js";
import { TRAINERS, allTrainFlags, datasetHelp, prepareTrain } from "./commands/trainers-table.js";
import { infoCommand } from "./commands/info.js";

function version(): string {
  const path = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

function printResult(result: object, json: boolean | undefined, human: string): void {
  process.stdout.write(`${human}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * `zendl train <model>` shows and accepts the flags of that model only: the model named on the command
 * line picks the flags the command is built with (all of them when none is named, for the overview).
 */
function trainModelIn(argv: string[]): string | undefined {
  const at = argv.indexOf("train");
  const model = at < 0 ? undefined : argv.slice(at + 1).find((a) => !a.startsWith("-"));
  return model !== undefined && Object.hasOwn(TRAINERS, model) ? model : undefined;
}

/** A flag of another model is named as such, not just "unknown". */
function checkFlagsApply(model: string, argv: string[]): void {
  const own = new Set([...COMMON_FLAGS, ...TRAINERS[model].flags].map((f) => f.name));
  const every = allTrainFlags();
  for (const arg of argv.slice(argv.indexOf("train") + 1)) {
    const name = arg.split("=")[0];
    if (!name.startsWith("--") || own.has(name) || name === "--help") continue;
    const users = Object.entries(TRAINERS).filter(([, t]) => t.flags.some((f) => f.name === name));
    if (every.has(name)) {
      throw new UsageError(`${name} does not apply to ${model} (it is ` +
        `for ${users.map(([m]) => m).join(", ")})`);
    }
  }
}

export function buildProgram(argv: string[] = []): Command {
  const program = new Command("zendl")
    .description("zendl: train and use neural networks from the command line")
    .version(version(), "-V, --version", "print the version")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`zendl: ${text.replace(/^error: /,
      "").split("\n")[0]}\n`) });

  const model = trainModelIn(argv);
  const train = program.command("train")
    .description(model === undefined ? "train a model on a data set and print its test accuracy"
      : `train ${model}: ${TRAINERS[model].description}`)
    .argument("<model>", `model to train: ${Object.keys(TRAINERS).join(", ")}`);
  const flags = model === undefined ? [...COMMON_FLAGS, ...[...allTrainFlags().values()]]
    : [...COMMON_FLAGS, ...TRAINERS[model].flags];
  for (const spec of flags) {
    const option = spec.make();
    if (spec.name === "--dataset") option.description = datasetHelp(model);
    train.addOption(option);
  }
  train.action(async (name: string, parsed: TrainFlags & RecordFlags) => {
    // usage errors, the --out check and lock, --resume's checks: all before anything is written or trained
    const { trainer, flags, hooks } = prepareTrain(name, parsed);
    const { summary, result } = await recordRun(name, flags, () => trainer.run(name, flags, hooks));
    printResult(result, parsed.json, summary);
  });
  registerUseCommands(program, printResult);
  registerExportCommand(program);
  program.command("info")
    .description("print the compute backend in use and why native kernels are not, if they are not")
    .option("--json", "print it as one JSON object on the last line of stdout")
    .action((flags: { json?: boolean }) => {
      const { text, info } = infoCommand();
      printResult(info, flags.json, text);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const model = trainModelIn(argv);
    const program = buildProgram(argv);
    if (argv.length <= 2) {
      process.stdout.write(program.helpInformation());
      return 0;
    }
    if (model !== undefined) checkFlagsApply(model, argv);
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
        error.exitCode === 0 ? 0 : 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`zendl: ${message.split("\n")[0]}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv);
