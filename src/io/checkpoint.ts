/**
 * zd.save / zd.load: models and state dicts as safetensors files with PyTorch names and layouts.
 * The architecture, when the model can describe itself, travels as JSON in the file's metadata so
 * that `load` can rebuild the model without its code; the weights stay readable by any tool.
 */
import { randomBytes } from "node:crypto";
import { readSafetensorsFile } from "../node/safetensors-file.js";
import { Module, type AnyModule, type StateDict } from "../nn/module.js";
import { buildModule } from "../nn/registry.js";
import {
  decodeOptimizerState, encodeOptimizerState, type OptimizerLike, type OptimizerStateDict,
} from "./optimizer-state.js";
import { writeFileAtomic, writeFileAtomicSync } from "./safetensors.js";
import { encodeStateDict, fromRawTensors } from "./state-dict.js";

export type { OptimizerLike, OptimizerStateDict };

export interface SaveOptions {
  /** Also save this optimizer's state, to `${path}.optim`. */
  optimizer?: OptimizerLike;
  /** Extra string entries for the file's `__metadata__` ("format" and "zendl.*" are reserved). */
  metadata?: Record<string, string>;
}

const ARCHITECTURE_METADATA_KEY = "zendl.architecture";
// The model file and its `.optim` carry the same random id: a save killed between the two renames leaves a
// pair whose ids differ, and loading it fails instead of resuming a model of step N with moments of N-1.
const SAVE_ID_KEY = "zendl.save_id";

/** Where `save` puts the optimizer state for a checkpoint at `path`. @example zd.optimizerStatePath("m") */
export function optimizerStatePath(path: string): string {
  return `${path}.optim`;
}

function checkPath(op: string, path: string): void {
  if (typeof path !== "string" || path === "") throw new Error(`${op}: path must be a non-empty string`);
}

interface Encoded { model: Uint8Array; optimizer: Uint8Array | null }

function encodeCheckpoint(target: AnyModule | StateDict, path: string, options: SaveOptions): Encoded {
  checkPath("save", path);
  const metadata: Record<string, string> = { format: "pt" };
  let stateDict: StateDict;
  if (target instanceof Module) {
    const config = target.getConfig();
    if (config !== null) metadata[ARCHITECTURE_METADATA_KEY] = JSON.stringify(config);
    stateDict = target.stateDict();
  } else {
    stateDict = target;
  }
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (key === "format" || key.startsWith("zendl.")) {
      throw new Error(`save: metadata key "${key}" is reserved`);
    }
    if (typeof value !== "string") throw new Error(`save: metadata value for "${key}" must be a string`);
    // defineProperty so that a "__proto__" key stays an ordinary entry.
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (options.optimizer === undefined) return { model: encodeStateDict(stateDict, metadata),
    optimizer: null };
  const optimizer = options.optimizer;
  if (typeof optimizer?.stateDict !== "function") {
    throw new Error("save: options.optimizer has no stateDict() method");
  }
  const encoded = encodeOptimizerState(optimizer.stateDict());
  const id = randomBytes(8).toString("hex");
  metadata[SAVE_ID_KEY] = id;
  return { model: encodeStateDict(stateDict, metadata),
    optimizer: encodeStateDict(encoded.tensors, { ...encoded.metadata, [SAVE_ID_KEY]: id }) };
}

/**
 * Writes a model's (or a state dict's) weights to a safetensors file, atomically: a failed save
 * leaves any previous file intact. With `optimizer`, its state goes to `${path}.optim` (written first)
 * and both files carry one save id that `loadOptimizerState` checks; for a resumable unit written in
 * one step use `callbacks.ModelCheckpoint`. Keys and layouts are PyTorch's, so
 * `safetensors.torch.load_file(path)` reads it; built-in architectures are recorded for `load`.
 * @example
 * await zd.save(model, "digits.zendl", { optimizer: opt, metadata: { epoch: "10" } });
 */
export async function save(
  target: AnyModule | StateDict, path: string, options: SaveOptions = {},
): Promise<void> {
  const encoded = encodeCheckpoint(target, path, options);
  if (encoded.optimizer !== null) await writeFileAtomic(optimizerStatePath(path), encoded.optimizer);
  await writeFileAtomic(path, encoded.model);
}

/** `save`, synchronously. @example zd.saveSync(model, "model.safetensors") */
export function saveSync(target: AnyModule | StateDict, path: string, options: SaveOptions = {}): void {
  const encoded = encodeCheckpoint(target, path, options);
  if (encoded.optimizer !== null) writeFileAtomicSync(optimizerStatePath(path), encoded.optimizer);
  writeFileAtomicSync(path, encoded.model);
}

function cannotRead(op: string, path: string, err: unknown): Error {
  return new Error(`${op}: cannot read "${path}": ${err instanceof Error ? err.message : String(err)}`);
}

interface FileContents { stateDict: StateDict; metadata: Record<string, string> }

/** Reads a safetensors file piece by piece (never twice in memory); `headerOnly` skips the tensors. */
function readContents(op: string, path: string, headerOnly = false): FileContents {
  let raw: ReturnType<typeof readSafetensorsFile>;
  try {
    raw = readSafetensorsFile(path, { headerOnly });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) throw cannotRead(op, path, err);
    throw err;
  }
  return { stateDict: fromRawTensors(raw.tensors), metadata: raw.metadata };
}

function rebuild({ stateDict, metadata }: FileContents, path: string): AnyModule {
  const architecture = metadata[ARCHITECTURE_METADATA_KEY];
  if (architecture === undefined || !Object.hasOwn(metadata, ARCHITECTURE_METADATA_KEY)) {
    throw new Error(`load: "${path}" does not record its architecture (it was saved from a module ` +
      "without getConfig(), such as an unregistered subclass, or from a state dict or another tool). " +
      "Build the model in code and call " +
      `model.loadStateDict(await zd.loadStateDict(${JSON.stringify(path)})) instead.`);
  }
  let module: AnyModule;
  try {
    module = buildModule(JSON.parse(architecture) as Parameters<typeof buildModule>[0]);
  } catch (err) {
    throw new Error(`load: "${path}": cannot rebuild the architecture: ${(err as Error).message}`);
  }
  try {
    module.loadStateDict(stateDict);
  } catch (err) {
    const reason = (err as Error).message;
    throw new Error(`load: "${path}": the weights do not fit the recorded architecture: ${reason}`);
  }
  return module;
}

/**
 * Rebuilds a model saved by `save` (architecture and weights, strictly checked). The type parameter
 * is an unchecked convenience for the caller's known model type.
 * @example const model = await zd.load<nn.Sequential>("digits.zendl");
 */
export async function load<M extends AnyModule = Module>(path: string): Promise<M> {
  checkPath("load", path);
  return rebuild(readContents("load", path), path) as M;
}

/** `load`, synchronously. @example const model = zd.loadSync("model.safetensors") */
export function loadSync<M extends AnyModule = Module>(path: string): M {
  checkPath("loadSync", path);
  return rebuild(readContents("loadSync", path), path) as M;
}

/**
 * The tensors of a safetensors file by name, from zendl or from PyTorch (int64 becomes int32).
 * @example model.loadStateDict(await zd.loadStateDict("pytorch_model.safetensors"));
 */
export async function loadStateDict(path: string): Promise<StateDict> {
  checkPath("loadStateDict", path);
  return readContents("loadStateDict", path).stateDict;
}

/** `loadStateDict`, synchronously. @example model.loadStateDict(zd.loadStateDictSync("w.safetensors")) */
export function loadStateDictSync(path: string): StateDict {
  checkPath("loadStateDictSync", path);
  return readContents("loadStateDictSync", path).stateDict;
}

/**
 * The string metadata of a safetensors file (format, architecture, the user's entries).
 * @example (await zd.loadMetadata("digits.zendl")).epoch
 */
export async function loadMetadata(path: string): Promise<Record<string, string>> {
  checkPath("loadMetadata", path);
  return readContents("loadMetadata", path, true).metadata;
}

function restoreOptimizer(op: string, path: string, optimizer: OptimizerLike): void {
  if (typeof optimizer?.loadStateDict !== "function") {
    throw new Error(`${op}: the optimizer has no loadStateDict() method`);
  }
  const file = optimizerStatePath(path);
  const { stateDict, metadata } = readContents(op, file);
  const modelId = readContents(op, path, true).metadata[SAVE_ID_KEY];
  const optimizerId = metadata[SAVE_ID_KEY];
  if (optimizerId !== undefined && modelId !== optimizerId) {
    throw new Error(`${op}: "${file}" and "${path}" come from different saves (a save was interrupted ` +
      "between the two files, or the model was saved again without its optimizer); they cannot resume " +
      "together. callbacks.ModelCheckpoint writes both as one unit");
  }
  optimizer.loadStateDict(decodeOptimizerState(stateDict, metadata, file));
}

/**
 * Restores an optimizer's state saved by `save(model, path, { optimizer })` (read from `${path}.optim`),
 * so training resumes where it stopped. Build the optimizer over the loaded model's parameters first.
 * Fails when the two files are not from the same save.
 * @example
 * const model = await zd.load("run.zendl");
 * const opt = new optim.Adam(model.parameters());
 * await zd.loadOptimizerState("run.zendl", opt);
 */
export async function loadOptimizerState(path: string, optimizer: OptimizerLike): Promise<void> {
  checkPath("loadOptimizerState", path);
  restoreOptimizer("loadOptimizerState", path, optimizer);
}

/** `loadOptimizerState`, synchronously. @example zd.loadOptimizerStateSync("run.zendl", opt) */
export function loadOptimizerStateSync(path: string, optimizer: OptimizerLike): void {
  checkPath("loadOptimizerStateSync", path);
  restoreOptimizer("loadOptimizerStateSync", path, optimizer);
}
