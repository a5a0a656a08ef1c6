import type { TrainFlags } from "./train-flags.js";

/** What `zendl train` prints: one human line, and the JSON object `--json` puts on the last line of stdout. */
export interface TrainOutcome {
  summary: string;
  result: TrainReport;
}

/** Every family reports at least these; each adds its own figures (testAccuracy, valLoss, mse, ...). */
export type TrainReport = { model: string; dataset: string; seconds: number } & Record<string, unknown>;

/** One model family of the CLI. Each lives in its own `train-<family>.ts` and is listed in trainers-table.ts. */
export interface ModelTrainer {
  description: string;
  run(model: string, flags: TrainFlags): Promise<TrainOutcome>;
}
