import type { Callback } from "../../train/callbacks.js";
import type { FlagSpec, TrainFlags } from "./train-flags.js";

/** What `zendl train` prints: one human line, and the JSON object `--json` puts on stdout's last line. */
export interface TrainOutcome {
  summary: string;
  result: TrainReport;
}

/** Every family reports at least these; each adds its own figures (testAccuracy, valLoss, mse, ...). */
export type TrainReport = { model: string; dataset: string; seconds: number } & Record<string, unknown>;

/**
 * What the CLI hands each run besides its flags: callbacks to pass to the training loop (the progress bar,
 * the checkpoint writer, and whatever `addRunHook` added: a dashboard, a metrics log), always in the same
 * order so a resumed run lines up with the interrupted one, and the checkpoint folder to resume from.
 */
export interface RunHooks {
  callbacks: Callback[];
  /** Set with `--resume`: the folder of checkpoints to continue from (resumable families only). */
  resumeFrom?: string;
}

/** One model of the CLI, declared in its family's `train-<family>.ts` and listed in trainers-table.ts. */
export interface ModelTrainer<F extends TrainFlags = TrainFlags> {
  description: string;
  /** The flags this model takes besides COMMON_FLAGS; any other flag is an error. */
  flags: readonly FlagSpec[];
  /** Runs can be checkpointed (`--checkpoint-every`) and resumed (`--resume`). */
  resumable?: boolean;
  run(model: string, flags: F, hooks: RunHooks): Promise<TrainOutcome>;
}

/** "1 epoch", "5 epochs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
