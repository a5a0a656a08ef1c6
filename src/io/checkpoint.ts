/**
 * zd.save / zd.load: models and state dicts as safetensors files with PyTorch names and layouts.
 * The architecture, when the model can describe itself, travels as JSON in the file's metadata so
 * that `load` can rebuild the model without its code; the weights stay readable by any tool.
 */
import { platform } from "#platform";
import { Module, type AnyModule, type StateDict } from "../nn/module.js";
import { buildModule } from "../nn/registry.js";
import {
  decodeOptimizerState, encodeOptimizerState, type OptimizerLike, type OptimizerStateDict,
} from "./optimizer-state.js";
import { describeSource, readSource, readSourceSync, type ByteSource } from "./sources.js";
import { decodeStateDict, encodeStateDict } from "./state-dict.js";

export type { OptimizerLike, OptimizerStateDict, ByteSource };

export interface SaveOptions {
  /** Also save this optimizer's state, to `${path}.optim`. */
  optimizer?: OptimizerLike;
  /** Extra string entries for the file's `__metadata__` ("format" and "zendl.*" are reserved). */
  metadata?: Record<string, string>;
}

const ARCHITECTURE_METADATA_KEY = "zendl.architecture";

/** Where `save` puts the optimizer state for a checkpoint at `path`. @example zd.optimizerStatePath("m") */
export function optimizerStatePath(path: string): string {
  return `${path}.optim`;
}

function checkPath(op: string, path: unknown): void {
  if (typeof path !== "string" || path === "") throw new Error(`${op}: path must be a non-empty string`);
}

/** Sources are checked by readSource; only an empty string gets the path message. */
function checkSource(op: string, source: unknown): void {
  if (source === "") checkPath(op, source);
}

interface Encoded { model: Uint8Array; optimizer: Uint8Array | null }

function encodeCheckpoint(target: AnyModule | StateDict, path: string | null, options: SaveOptions): Encoded {
  if (path !== null) checkPath("save", path);
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
  const model = encodeStateDict(stateDict, metadata);
  if (options.optimizer === undefined) return { model, optimizer: null };
  const optimizer = options.optimizer;
  if (typeof optimizer?.stateDict !== "function") {
    throw new Error("save: options.optimizer has no stateDict() method");
  }
  const encoded = encodeOptimizerState(optimizer.stateDict());
  return { model, optimizer: encodeStateDict(encoded.tensors, encoded.metadata) };
}

/**
 * Writes a model's (or a state dict's) weights to a safetensors file, atomically: a failed save
 * leaves any previous file intact. Keys and layouts are PyTorch's, so
 * `safetensors.torch.load_file(path)` reads it; built-in architectures are recorded for `load`.
 * Without a path (the form for browsers) it resolves to the file's bytes instead.
 * @example
 * await zd.save(model, "digits.zendl", { optimizer: opt, metadata: { epoch: "10" } });
 * const bytes = await zd.save(model);   // a Uint8Array: download it, or store it in IndexedDB
 */
export async function save(target: AnyModule | StateDict, path: string, options?: SaveOptions): Promise<void>;
export async function save(target: AnyModule | StateDict, options?: SaveOptions): Promise<Uint8Array>;
export async function save(
  target: AnyModule | StateDict, pathOrOptions?: string | SaveOptions, options: SaveOptions = {},
): Promise<void | Uint8Array> {
  if (typeof pathOrOptions !== "string") {
    const bytesOptions = pathOrOptions ?? {};
    if (bytesOptions.optimizer !== undefined) {
      throw new Error("save: options.optimizer needs a path (its state goes to a second file, " +
        "`${path}.optim`); without a path save returns only the model's bytes");
    }
    return encodeCheckpoint(target, null, bytesOptions).model;
  }
  const path = pathOrOptions;
  const encoded = encodeCheckpoint(target, path, options);
  await platform.writeFileAtomic(path, encoded.model);
  if (encoded.optimizer !== null) await platform.writeFileAtomic(optimizerStatePath(path), encoded.optimizer);
}

/** `save`, synchronously. @example zd.saveSync(model, "model.safetensors") */
export function saveSync(target: AnyModule | StateDict, path: string, options: SaveOptions = {}): void {
  const encoded = encodeCheckpoint(target, path, options);
  platform.writeFileAtomicSync(path, encoded.model);
  if (encoded.optimizer !== null) platform.writeFileAtomicSync(optimizerStatePath(path), encoded.optimizer);
}

function rebuild(bytes: Uint8Array, path: string): AnyModule {
  const { stateDict, metadata } = decodeStateDict(bytes, path);
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
 * Rebuilds a model saved by `save` (architecture and weights, strictly checked) from a path (Node), a
 * URL, a `Response`, a `Blob` or the bytes. The type parameter is an unchecked convenience for the
 * caller's known model type.
 * @example const model = await zd.load<nn.Sequential>("digits.zendl");
 */
export async function load<M extends AnyModule = Module>(source: ByteSource): Promise<M> {
  checkSource("load", source);
  const bytes = await readSource("load", source);
  return rebuild(bytes, describeSource(source)) as M;
}

/** `load`, synchronously. @example const model = zd.loadSync("model.safetensors") */
export function loadSync<M extends AnyModule = Module>(path: string | Uint8Array | ArrayBuffer): M {
  checkSource("loadSync", path);
  return rebuild(readSourceSync("loadSync", path), typeof path === "string" ? path : "<bytes>") as M;
}

/**
 * The tensors of a safetensors file by name, from zendl or from PyTorch (int64 becomes int32).
 * @example model.loadStateDict(await zd.loadStateDict("pytorch_model.safetensors"));
 */
export async function loadStateDict(source: ByteSource): Promise<StateDict> {
  checkSource("loadStateDict", source);
  const bytes = await readSource("loadStateDict", source);
  return decodeStateDict(bytes, describeSource(source)).stateDict;
}

/** `loadStateDict`, synchronously. @example model.loadStateDict(zd.loadStateDictSync("w.safetensors")) */
export function loadStateDictSync(path: string): StateDict {
  checkPath("loadStateDictSync", path);
  return decodeStateDict(readSourceSync("loadStateDictSync", path), path).stateDict;
}

/**
 * The string metadata of a safetensors file (format, architecture, the user's entries).
 * @example (await zd.loadMetadata("digits.zendl")).epoch
 */
export async function loadMetadata(source: ByteSource): Promise<Record<string, string>> {
  checkSource("loadMetadata", source);
  const bytes = await readSource("loadMetadata", source);
  return decodeStateDict(bytes, describeSource(source)).metadata;
}

function restoreOptimizer(bytes: Uint8Array, file: string, optimizer: OptimizerLike): void {
  if (typeof optimizer?.loadStateDict !== "function") {
    throw new Error("loadOptimizerState: the optimizer has no loadStateDict() method");
  }
  const { stateDict, metadata } = decodeStateDict(bytes, file);
  optimizer.loadStateDict(decodeOptimizerState(stateDict, metadata, file));
}

/**
 * Restores an optimizer's state saved by `save(model, path, { optimizer })` (read from `${path}.optim`),
 * so training resumes where it stopped. Build the optimizer over the loaded model's parameters first.
 * @example
 * const model = await zd.load("run.zendl");
 * const opt = new optim.Adam(model.parameters());
 * await zd.loadOptimizerState("run.zendl", opt);
 */
export async function loadOptimizerState(path: string, optimizer: OptimizerLike): Promise<void> {
  checkPath("loadOptimizerState", path);
  const file = optimizerStatePath(path);
  const bytes = await readSource("loadOptimizerState", file);
  restoreOptimizer(bytes, file, optimizer);
}

/** `loadOptimizerState`, synchronously. @example zd.loadOptimizerStateSync("run.zendl", opt) */
export function loadOptimizerStateSync(path: string, optimizer: OptimizerLike): void {
  checkPath("loadOptimizerStateSync", path);
  const file = optimizerStatePath(path);
  restoreOptimizer(readSourceSync("loadOptimizerStateSync", file), file, optimizer);
}

