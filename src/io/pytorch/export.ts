/**
 * zd.exportPyTorch: a model as a readable torch.nn.Module (model.py), its weights (model.safetensors,
 * PyTorch's key layout, zendl's metadata kept) and train_ddp.py, which continues training on as many
 * processes and machines as torchrun is given. Pure strings and bytes: Node writes them (savePyTorch).
 */
import { noGrad } from "../../core/autograd.js";
import { randint, randn } from "../../core/creation.js";
import { Autoencoder } from "../../models/autoencoder.js";
import { CharLSTM } from "../../models/char-lstm.js";
import { GAN } from "../../models/gan.js";
import { MLPRegressor } from "../../models/mlp-estimators.js";
import { RBFRegressor } from "../../models/rbf.js";
import { BernoulliRBM } from "../../models/rbm.js";
import type { AnyModule } from "../../nn/module.js";
import { moduleOf, vocabularyOf, type Exportable } from "../onnx/export.js";
import { defaultInputShape } from "../onnx/signature.js";
import { encodeStateDict } from "../state-dict.js";
import { classSources } from "./classes.js";
import { py, pythonOf, type Emitted } from "./layers.js";
import { SAFETENSORS_PY, trainDdpPy } from "./templates.js";

/** What train_ddp.py optimizes: the loss follows from it. */
export type PyTorchTask =
  | "classification" | "regression" | "reconstruction" | "language-model" | "gan" | "rbm";

export interface ExportPyTorchOptions {
  /** One input sample's shape, for train_ddp.py's random data; optional when the model says it. */
  inputShape?: readonly number[];
  /** The training objective of train_ddp.py. Default: from the model (a classifier's cross-entropy). */
  task?: PyTorchTask;
  /** String metadata for model.safetensors (kept by train_ddp.py); the architecture is always added. */
  metadata?: Record<string, string>;
}

/** The three files of a PyTorch export. */
export interface PyTorchExport {
  /** model.py: the architecture as torch.nn code, `build_model()` and `load_model()`. */
  modelPy: string;
  /** train_ddp.py: DistributedDataParallel training under torchrun. */
  trainDdpPy: string;
  /** model.safetensors: the weights with their zendl (= PyTorch) names. */
  weights: Uint8Array;
}

const TASKS: readonly PyTorchTask[] =
  ["classification", "regression", "reconstruction", "language-model", "gan", "rbm"];

function taskOf(target: Exportable, model: AnyModule): PyTorchTask {
  if (target instanceof MLPRegressor || target instanceof RBFRegressor) return "regression";
  if (model instanceof Autoencoder) return "reconstruction";
  if (model instanceof GAN) return "gan";
  if (model instanceof CharLSTM) return "language-model";
  if (model instanceof BernoulliRBM) return "rbm";
  return "classification";
}

/** The constants at the top of train_ddp.py. */
function configBlock(op: string, model: AnyModule, task: PyTorchTask,
  inputShape: readonly number[] | null): string {
  const lines = [`TASK = ${py(task)}`];
  const learningRate = task === "gan" ? 2e-4 : 1e-3;
  if (task === "language-model") {
    lines.push(`NUM_OUTPUTS = ${(model as CharLSTM).vocabSize}  # the vocabulary`, "SEQ_LENGTH = 64");
  } else if (task === "gan") {
    const gan = model as GAN;
    lines.push(`DATA_SHAPE = ${py([...gan.imageShape])}  # one image`, `LATENT_SIZE = ${gan.latentSize}`);
  } else {
    if (inputShape === null) {
      throw new Error(`${op}: pass inputShape (one input sample, no batch dimension); a ` +
        `${model.constructor.name} does not say what it reads`);
    }
    const vocabulary = vocabularyOf(model);
    lines.push(`DATA_SHAPE = ${py([...inputShape])}  # one input sample`,
      `INPUT_IDS = ${py(vocabulary)}  # token ids in [0, INPUT_IDS) rather than numbers, when not None`);
    if (task === "classification" || task === "regression") {
      const dtype = model.parameters().find((p) => p.dtype === "float64")?.dtype ?? "float32";
      const probe = vocabulary === null ? randn([2, ...inputShape], { seed: 0, dtype })
        : randint(0, vocabulary, [2, ...inputShape], { seed: 0, dtype: "int32" });
      // The first output (a recurrent layer's is its output sequence) says the number of outputs.
      let out: unknown = noGrad(() => model.forward(probe));
      while (Array.isArray(out)) out = out[0];
      lines.push(`NUM_OUTPUTS = ${(out as { shape: number[] }).shape[1] ?? 1}`);
    }
  }
  lines.push(`LEARNING_RATE = ${py(learningRate)}`);
  return lines.join("\n");
}

function modelPy(model: AnyModule, expression: string, classes: string[]): string {
  const header = `"""A ${model.constructor.name} exported from zendl: the same layers and parameter
names, so the weights in model.safetensors beside this file load unchanged (and train_ddp.py trains
them further).

    from model import load_model
    model = load_model()   # model.safetensors from this folder, in eval mode
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))`;
  const build = `def build_model():
    """The architecture, freshly initialized."""
    return ${expression.split("\n").join("\n    ")}`;
  const load = `def load_model(path=os.path.join(HERE, "model.safetensors")):
    """The model with the weights of \`path\`, in eval mode."""
    model = build_model()
    model.load_state_dict(load_safetensors(path)[0])
    return model.eval()


if __name__ == "__main__":
    print(load_model())
`;
  return [header, ...classes, build, SAFETENSORS_PY, load].join("\n\n\n");
}

/**
 * A PyTorch version of the model: model.py (readable torch.nn code with the same parameter names, no
 * zendl import), its weights, and train_ddp.py, a DistributedDataParallel training script for
 * `torchrun`. An estimator exports its network. A layer without a PyTorch form throws, naming it.
 * @example
 * const { modelPy, trainDdpPy, weights } = zd.exportPyTorch(zd.models.cnn(), { inputShape: [1, 28, 28] });
 * // Node: await zd.savePyTorch(model, "cnn-torch", { inputShape: [1, 28, 28] });
 */
export function exportPyTorch(target: Exportable, options: ExportPyTorchOptions = {}): PyTorchExport {
  const op = "exportPyTorch";
  const model = moduleOf(op, target);
  const task = options.task ?? taskOf(target, model);
  if (!TASKS.includes(task)) {
    throw new Error(`${op}: task must be one of ${TASKS.join(", ")}, got ${String(task)}`);
  }
  const emitted: Emitted = { classes: new Set() };
  const expression = pythonOf(model, "", emitted);
  const wasTraining = model.modules().map((m): [AnyModule, boolean] => [m, m.training]);
  model.eval();
  let config: string;
  try {
    config = configBlock(op, model, task, options.inputShape ?? defaultInputShape(model));
  } finally {
    for (const [m, training] of wasTraining) m.training = training;
  }
  const metadata: Record<string, string> = { ...(options.metadata ?? {}), format: "pt" };
  const architecture = model.getConfig();
  if (architecture !== null) metadata["zendl.architecture"] = JSON.stringify(architecture);
  return {
    modelPy: modelPy(model, expression, classSources(emitted.classes)),
    trainDdpPy: trainDdpPy(model.constructor.name, config),
    weights: encodeStateDict(model.stateDict(), metadata),
  };
}
