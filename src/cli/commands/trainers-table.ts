import { datasetNames } from "../datasets.js";
import { UsageError } from "../errors.js";
import { startRun } from "../run-hooks.js";
import { AUTOENCODER_TRAINERS } from "./train-autoencoder.js";
import { CLASSIC_TRAINERS } from "./train-classic.js";
import { COMMON_FLAGS, type FlagSpec, type TrainFlags } from "./train-flags.js";
import { GAN_TRAINERS } from "./train-gan.js";
import { IMAGE_TRAINERS } from "./train-image.js";
import { RBM_TRAINERS } from "./train-rbm.js";
import { RNN_TRAINERS } from "./train-rnn.js";
import { MLP_TRAINERS } from "./train.js";
import type { ModelTrainer, RunHooks, TrainOutcome } from "./trainers.js";

/**
 * Every model `zendl train` knows, by name: the one list. A family lives in its own `train-<family>.ts`
 * (trainers, their flags and help) and is added here, in one line.
 */
export const TRAINERS: Record<string, ModelTrainer> = {
  ...MLP_TRAINERS,
  ...IMAGE_TRAINERS,
  ...CLASSIC_TRAINERS,
  ...RBM_TRAINERS,
  ...AUTOENCODER_TRAINERS,
  ...GAN_TRAINERS,
  ...RNN_TRAINERS,
};

/** Every model-specific flag by name (for the overview help, and to name another model's flag). */
export function allTrainFlags(): Map<string, FlagSpec> {
  const common = new Set(COMMON_FLAGS.map((f) => f.name));
  const all = new Map<string, FlagSpec>();
  for (const trainer of Object.values(TRAINERS)) {
    for (const spec of trainer.flags) if (!common.has(spec.name) && !all.has(spec.name)) all.set(spec.name,
      spec);
  }
  return all;
}

export function datasetHelp(model: string | undefined): string {
  if (model === "char-lstm") return "data set: tinyshakespeare or the path of a text file";
  return `data set: ${datasetNames().join(", ")}${model === undefined ? "; char-lstm: tinyshakespeare or a " +
    "text file" : ""}`;
}

/**
 * Everything `zendl train` checks before it starts: the model, the flags, `--out` (made, writable,
 * locked) and `--resume`; returns the trainer, the flags it runs with (`--out` defaults to `--resume`'s
 * folder) and the run's hooks.
 */
export function prepareTrain<F extends TrainFlags>(model: string, flags: F):
  { trainer: ModelTrainer; flags: F; hooks: RunHooks } {
  if (!Object.hasOwn(TRAINERS, model)) {
    throw new UsageError(`unknown model "${model}"; available: ${Object.keys(TRAINERS).join(", ")}`);
  }
  const trainer = TRAINERS[model];
  const hooks = startRun(model, flags, trainer);
  return { trainer, flags: { ...flags, out: flags.out ?? flags.resume }, hooks };
}

/** Prepares and runs one training (without the run log; the CLI adds it around `run`). */
export async function trainCommand(model: string, flags: TrainFlags): Promise<TrainOutcome> {
  const prepared = prepareTrain(model, flags);
  return prepared.trainer.run(model, prepared.flags, prepared.hooks);
}
