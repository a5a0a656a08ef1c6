import { UsageError } from "../errors.js";
import { MLP_DESCRIPTION, trainMlp } from "./train.js";
import type { TrainFlags } from "./train-flags.js";
import { IMAGE_MODELS, trainImageModel } from "./train-image.js";
import type { ModelTrainer, TrainOutcome } from "./trainers.js";
import { CLASSIC_TRAINERS } from "./train-classic.js";
import { RBM_TRAINERS } from "./train-rbm.js";
import { AUTOENCODER_TRAINERS } from "./train-autoencoder.js";
import { GAN_TRAINERS } from "./train-gan.js";
import { RNN_TRAINERS } from "./train-rnn.js";

function accuracyLine(r: { model: string; dataset: string; testAccuracy: number; epochs: number; seconds: number }) {
  return `test accuracy: ${r.testAccuracy.toFixed(4)} (${r.model} on ${r.dataset}, ${r.epochs} epochs, ` +
    `${r.seconds.toFixed(1)}s)`;
}

/** Every model `zendl train` knows, by name. A new family adds its entries here and nowhere else. */
export const TRAINERS: Record<string, ModelTrainer> = {
  mlp: { description: MLP_DESCRIPTION, run: async (model, flags) => {
    const result = await trainMlp(model, flags);
    return { summary: accuracyLine(result), result };
  } },
  ...Object.fromEntries(Object.entries(IMAGE_MODELS).map(([name, entry]): [string, ModelTrainer] => [name, {
    description: entry.description,
    run: async (model, flags) => {
      const result = await trainImageModel(model, flags);
      return { summary: accuracyLine(result), result };
    },
  }])),
  ...CLASSIC_TRAINERS,
  ...RBM_TRAINERS,
  ...AUTOENCODER_TRAINERS,
  ...GAN_TRAINERS,
  ...RNN_TRAINERS,
};

export async function trainCommand(model: string, flags: TrainFlags): Promise<TrainOutcome> {
  if (!Object.hasOwn(TRAINERS, model)) {
    throw new UsageError(`unknown model "${model}"; available: ${Object.keys(TRAINERS).join(", ")}`);
  }
  return TRAINERS[model].run(model, flags);
}
