/**
 * zd.save / zd.load: models and state dicts as safetensors files with PyTorch names and layouts.
 * The architecture, when the model can describe itself, travels as JSON in the file's metadata so
 * that `load` can rebuild the model without its code; the weights stay readable by any tool.
 */
import { platform } from "#platform";
import { openBackend, withBackend } from "../backend/registry.js";
import { Module, type AnyModule, type StateDict } from "../nn/module.js";
import { buildModule } from "../nn/registry.js";
import {
  decodeOptimizerState, encodeOptimizerState, type OptimizerLike, type OptimizerStateDict,
} from "./optimizer-state.js";
import { describeSource, readSource, readSourceSync, type ByteSource } from "./sources.js";
import { decodeStateDict, encodeStateDict, fromRawTensors } from "./state-dict.js";

export type { OptimizerLike, OptimizerStateDict, ByteSource };

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

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

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
  if (options.optimizer === undefined) {
    return { model: encodeStateDict(stateDict, metadata), optimizer: null };
  }
  const optimizer = options.optimizer;
  if (typeof optimizer?.stateDict !== "function") {
    throw new Error("save: options.optimizer has no stateDict() method");
  }
  const encoded = encodeOptimizerState(optimizer.stateDict());
  const id = randomId();
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
  if (encoded.optimizer !== null) await platform.writeFileAtomic(optimizerStatePath(path), encoded.optimizer);
  await platform.writeFileAtomic(path, encoded.model);
}

/** `save`, synchronously. @example zd.saveSync(model, "model.safetensors") */
export function saveSync(target: AnyModule | StateDict, path: string, options: SaveOptions = {}): void {
  const encoded = encodeCheckpoint(target, path, options);
  if (encoded.optimizer !== null) platform.writeFileAtomicSync(optimizerStatePath(path), encoded.optimizer);
  platform.writeFileAtomicSync(path, encoded.model);
}

interface FileContents { stateDict: StateDict; metadata: Record<string, string> }

/**
 * A file read piece by piece where the platform can (Node: never twice in memory; `headerOnly` skips
 * the tensors), else null and the caller reads the bytes.
 */
function fromFile(op: string, path: string, headerOnly: boolean): FileContents | null {
  if (platform.readSafetensorsFile === undefined) return null;
  let raw: ReturnType<NonNullable<typeof platform.readSafetensorsFile>>;
  try {
    raw = platform.readSafetensorsFile(path, { headerOnly });
  } catch (err) {
    if ((err as { code?: unknown }).code !== undefined) {
      throw new Error(`${op}: cannot read "${path}": ${err instanceof Error ? err.message : String(err)}`);
    }
    throw err;
  }
  return { stateDict: fromRawTensors(raw.tensors), metadata: raw.metadata };
}

async function contentsOf(op: string, source: ByteSource, headerOnly = false): Promise<FileContents> {
  const piecewise = typeof source === "string" ? fromFile(op, source, headerOnly) : null;
  return piecewise ?? decodeStateDict(await readSource(op, source), describeSource(source));
}

function contentsOfSync(op: string, source: string | Uint8Array | ArrayBuffer,
  headerOnly = false): FileContents {
  const piecewise = typeof source === "string" ? fromFile(op, source, headerOnly) : null;
  const name = typeof source === "string" ? source : "<bytes>";
  return piecewise ?? decodeStateDict(readSourceSync(op, source), name);
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

/** Where `load` and `loadStateDict` put the tensors they read. */
export interface LoadOptions {
  /** The backend to make them on (default: the active one); "webgpu" is opened when it must be. */
  backend?: string;
}

/** Runs `fn` on `contents` with its tensors (and whatever `fn` makes) on the backend named, if any. */
async function placed<T>(contents: FileContents, name: string | undefined,
  fn: (contents: FileContents) => T): Promise<T> {
  if (name === undefined) return fn(contents);
  const backend = await openBackend(name);
  return withBackend(backend, () => {
    const stateDict: StateDict = new Map([...contents.stateDict].map(([k, t]) => [k, t.to(name)]));
    return fn({ ...contents, stateDict });
  });
}

/**
 * Rebuilds a model saved by `save` (architecture and weights, strictly checked) from a path (Node), a
 * URL, a `Response`, a `Blob` or the bytes, on the active backend or `options.backend`. The type
 * parameter is an unchecked convenience for the caller's known model type.
 * @example const model = await zd.load<nn.Sequential>("digits.zendl", { backend: "webgpu" });
 */
export async function load<M extends AnyModule = Module>(source: ByteSource,
  options: LoadOptions = {}): Promise<M> {
  checkSource("load", source);
  const contents = await contentsOf("load", source);
  return placed(contents, options.backend, (c) => rebuild(c, describeSource(source))) as Promise<M>;
}

/** `load`, synchronously. @example const model = zd.loadSync("model.safetensors") */
export function loadSync<M extends AnyModule = Module>(path: string | Uint8Array | ArrayBuffer): M {
  checkSource("loadSync", path);
  return rebuild(contentsOfSync("loadSync", path), typeof path === "string" ? path : "<bytes>") as M;
}

/**
 * The tensors of a safetensors file by name, from zendl or from PyTorch (int64 becomes int32).
 * @example model.loadStateDict(await zd.loadStateDict("pytorch_model.safetensors"));
 */
export async function loadStateDict(source: ByteSource, options: LoadOptions = {}): Promise<StateDict> {
  checkSource("loadStateDict", source);
  return placed(await contentsOf("loadStateDict", source), options.backend, (c) => c.stateDict);
}

/** `loadStateDict`, synchronously. @example model.loadStateDict(zd.loadStateDictSync("w.safetensors")) */
export function loadStateDictSync(path: string): StateDict {
  checkPath("loadStateDictSync", path);
  return contentsOfSync("loadStateDictSync", path).stateDict;
}

/**
 * The string metadata of a safetensors file (format, architecture, the user's entries).
 * @example (await zd.loadMetadata("digits.zendl")).epoch
 */
export async function loadMetadata(source: ByteSource): Promise<Record<string, string>> {
  checkSource("loadMetadata", source);
  return (await contentsOf("loadMetadata", source, true)).metadata;
}

function restoreOptimizer(op: string, path: string, optimizer: OptimizerLike): void {
  if (typeof optimizer?.loadStateDict !== "function") {
    throw new Error(`${op}: the optimizer has no loadStateDict() method`);
  }
  const file = optimizerStatePath(path);
  const { stateDict, metadata } = contentsOfSync(op, file);
  const modelId = contentsOfSync(op, path, true).metadata[SAVE_ID_KEY];
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

