import { Option } from "commander";
import { UsageError, parseChoice, parseInteger, parsePositiveNumber } from "../errors.js";

/**
 * Flags every `zendl train` run understands; each family extends this with its own (declared beside its
 * trainer as `FlagSpec`s) and reads the ones it listed.
 */
export interface TrainFlags {
  dataset: string;
  seed: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: "sgd" | "adam";
  hidden?: number[];
  /** `--checkpoint-every`: epochs, or a time such as 30s or 5m, or steps such as 100steps. */
  checkpointEvery?: CheckpointEvery;
  /** `--resume DIR`: the folder of an interrupted run. */
  resume?: string;
}

/** How often a resumable run saves a checkpoint. */
export interface CheckpointEvery { epochs?: number; seconds?: number; steps?: number }

/** One command-line flag of `zendl train`: made fresh for each command that shows it. */
export interface FlagSpec {
  /** The long name, with its dashes: `--latent`. */
  readonly name: string;
  make(): Option;
}

/** A flag from a commander Option factory; the name is read from it. */
export function flag(make: () => Option): FlagSpec {
  return { name: make().long ?? make().flags, make };
}

function parseHidden(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--hidden must be comma-separated positive integers (e.g. 128 or 256,128), got ` +
      `"${value}"`);
  }
  return sizes;
}

/** `3` (epochs), `30s`, `5m` (time) or `100steps`. */
export function parseCheckpointEvery(value: string): CheckpointEvery {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|steps?)?\s*$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (m === null || !(n > 0) || ((m[2] === undefined || m[2].startsWith("step")) && !Number.isInteger(n))) {
    throw new UsageError(`--checkpoint-every must be a number of epochs (2), a time (30s, 5m) or steps ` +
      `(100steps), got "${value}"`);
  }
  if (m[2] === "s") return { seconds: n };
  if (m[2] === "m") return { seconds: n * 60 };
  return m[2] === undefined ? { epochs: n } : { steps: n };
}

/** Flags every model takes. */
export const COMMON_FLAGS: FlagSpec[] = [
  flag(() => new Option("--dataset <name>", "data set (see `zendl train --help`)").makeOptionMandatory()),
  flag(() => new Option("--seed <n>", "seed for the split, the initial weights and the batch order")
    .argParser(parseInteger("--seed", 0)).default(0)),
  flag(() => new Option("--out <dir>", "write model.safetensors and metrics.json into this folder " +
    "(checked before training starts), with metrics.jsonl (a line per epoch) and report.html")),
  flag(() => new Option("--json", "print the final metrics as one JSON object on the last line of stdout")),
  flag(() => new Option("--dashboard [port]",
    "serve a live dashboard on 127.0.0.1 (default port 6060; 0: any " +
    "free port)").argParser(parseInteger("--dashboard", 0))),
  flag(() => new Option("--keep-serving",
    "keep the dashboard running after training until stopped (Ctrl-C)")),
];

export const EPOCHS = flag(() => new Option("--epochs <n>", "maximum number of epochs")
  .argParser(parseInteger("--epochs")));
export const BATCH_SIZE = flag(() => new Option("--batch-size <n>", "mini-batch size")
  .argParser(parseInteger("--batch-size")));
export const LR = flag(() => new Option("--lr <x>",
  "initial learning rate").argParser(parsePositiveNumber("--lr")));
export const OPTIMIZER = flag(() => new Option("--optimizer <name>",
  "optimizer: sgd (momentum 0.9, Nesterov) " +
  "or adam").argParser(parseChoice("--optimizer", ["sgd", "adam"] as const)));
export const HIDDEN = flag(() => new Option("--hidden <sizes>", "hidden layer sizes, comma-separated")
  .argParser(parseHidden));

/** Flags of the models whose runs can be checkpointed and resumed. */
export const RESUME_FLAGS: FlagSpec[] = [
  flag(() => new Option("--checkpoint-every <when>", "with --out: save a checkpoint every N epochs, every " +
    "30s / 5m, or every 100steps (default: every epoch and every 60s)").argParser(parseCheckpointEvery)),
  flag(() => new Option("--resume <dir>",
    "continue the interrupted run whose --out was <dir> from its last " +
    "checkpoint (same model and flags; writes to <dir> unless --out says otherwise)")),
];
