/**
 * A training checkpoint as a set of named files (bytes in, bytes out), PyTorch-style: the model's state
 * dict (`model.safetensors`, a clean file any safetensors reader loads), the optimizer's
 * (`optimizer.safetensors`), and `training.safetensors`: the loop's position (epoch, step, the running
 * epoch's sums), the RNG and data-loader states, the callbacks' states (history, best metric, schedules)
 * and a recurrent state carried between chunks, as JSON metadata plus the few tensors they hold.
 * Writing the files as one unit is the store's job (src/node/checkpoint-dir.ts).
 */
import type { GeneratorState } from "../core/random.js";
import { Tensor } from "../core/tensor.js";
import type { LoaderState } from "../data/loader-state.js";
import { decodeOptimizerState, encodeOptimizerState, type OptimizerLike } from "../io/optimizer-state.js";
import { decodeStateDict, encodeStateDict } from "../io/state-dict.js";

export const MODEL_FILE = "model.safetensors";
export const OPTIMIZER_FILE = "optimizer.safetensors";
export const TRAINING_FILE = "training.safetensors";
const TRAINING_KEY = "zendl.training";
const VERSION = 1;

/** Where a training loop stands; everything but the tensors of model and optimizer. */
export interface TrainingState {
  /** Which loop wrote it: `fit` or `fitSequence`. */
  loop: string;
  /** Epochs fully done. */
  epochsDone: number;
  /** Steps already done in the next epoch (0 at an epoch boundary). */
  epochStep: number;
  /** Optimizer steps since training began. */
  globalStep: number;
  /** Seconds spent training before this checkpoint (time budgets continue from it). */
  elapsedSeconds: number;
  /** The running epoch's sums (loss, samples, metrics), so its logged means come out the same. */
  partial: Record<string, number[]>;
  rng: GeneratorState;
  loader: LoaderState | null;
  /** `stateDict()` of each callback, in the loop's order (null for those without state). */
  callbacks: unknown[];
  stopTraining: boolean;
  /** A recurrent state carried between chunks (tensors, nested arrays of them), or null. */
  carried: unknown;
}

/** What the model must offer to be checkpointed (nn.Module does). */
export interface CheckpointModel {
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: Map<string, Tensor>): unknown;
  getConfig?(): unknown;
}

/** A decoded checkpoint: the state dicts and the loop state. */
export interface Checkpoint {
  model: Map<string, Tensor>;
  modelMetadata: Record<string, string>;
  optimizer: ReturnType<OptimizerLike["stateDict"]>;
  training: TrainingState;
}

/** Tensors inside JSON-like values become `{ $tensor: key }`; non-finite numbers `{ $float: "Infinity" }`. */
function pack(value: unknown, tensors: Map<string, Tensor>): unknown {
  if (value instanceof Tensor) {
    const key = `t${tensors.size}`;
    tensors.set(key, value);
    return { $tensor: key };
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : { $float: String(value) };
  if (Array.isArray(value)) return value.map((v: unknown) => pack(v, tensors));
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, pack(v, tensors)]) };
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = pack(v, tensors);
    return out;
  }
  return value;
}

function unpack(value: unknown, tensors: Map<string, Tensor>, where: string): unknown {
  if (Array.isArray(value)) return value.map((v: unknown) => unpack(v, tensors, where));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (typeof record.$tensor === "string") {
    const t = tensors.get(record.$tensor);
    if (t === undefined) throw new Error(`${where}: tensor "${record.$tensor}" is missing`);
    return t;
  }
  if (typeof record.$float === "string") return Number(record.$float);
  if (Array.isArray(record.$map)) {
    return new Map((record.$map as [string, unknown][]).map(([k, v]) => [k, unpack(v, tensors, where)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    Object.defineProperty(out, k, { value: unpack(v, tensors, where), enumerable: true, writable: true });
  }
  return out;
}

/** The checkpoint's files. */
export function encodeCheckpoint(model: CheckpointModel, optimizer: OptimizerLike,
  training: TrainingState): Map<string, Uint8Array> {
  if (typeof optimizer?.stateDict !== "function") {
    throw new Error("checkpoint: the optimizer has no stateDict(); checkpoints need one to resume exactly");
  }
  const modelMetadata: Record<string, string> = { format: "pt" };
  const config = typeof model.getConfig === "function" ? model.getConfig() : null;
  if (config !== null && config !== undefined) modelMetadata["zendl.architecture"] = JSON.stringify(config);
  const opt = encodeOptimizerState(optimizer.stateDict());
  const tensors = new Map<string, Tensor>();
  const json = JSON.stringify(pack({ version: VERSION, ...training }, tensors));
  return new Map([
    [MODEL_FILE, encodeStateDict(model.stateDict(), modelMetadata)],
    [OPTIMIZER_FILE, encodeStateDict(opt.tensors, opt.metadata)],
    [TRAINING_FILE, encodeStateDict(tensors, { [TRAINING_KEY]: json })],
  ]);
}

/** Decodes the files of `encodeCheckpoint`; `where` names the checkpoint in errors. */
export function decodeCheckpoint(files: Map<string, Uint8Array>, where: string): Checkpoint {
  const need = (name: string): Uint8Array => {
    const bytes = files.get(name);
    if (bytes === undefined) throw new Error(`checkpoint "${where}": ${name} is missing`);
    return bytes;
  };
  const model = decodeStateDict(need(MODEL_FILE), `${where}/${MODEL_FILE}`);
  const optFile = `${where}/${OPTIMIZER_FILE}`;
  const opt = decodeStateDict(need(OPTIMIZER_FILE), optFile);
  const training = decodeStateDict(need(TRAINING_FILE), `${where}/${TRAINING_FILE}`);
  const text = training.metadata[TRAINING_KEY];
  let state: unknown;
  try {
    state = unpack(JSON.parse(text ?? "null"), training.stateDict, where);
  } catch (err) {
    throw new Error(`checkpoint "${where}": ${TRAINING_FILE} has no valid ${TRAINING_KEY} ` +
      `(${(err as Error).message})`);
  }
  const s = state as Partial<TrainingState> & { version?: number } | null;
  const counters = [s?.epochsDone, s?.epochStep, s?.globalStep];
  if (s === null || s.version !== VERSION || !counters.every((n) => Number.isInteger(n) &&
    (n as number) >= 0) ||
    !Array.isArray(s.callbacks) || typeof s.loop !== "string") {
    throw new Error(`checkpoint "${where}": ${TRAINING_FILE} is not a version ${VERSION} training state`);
  }
  return { model: model.stateDict, modelMetadata: model.metadata,
    optimizer: decodeOptimizerState(opt.stateDict, opt.metadata, optFile), training: s as TrainingState };
}
