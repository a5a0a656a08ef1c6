/**
 * Optimizer state as safetensors: per-parameter tensors under `state.<paramIndex>.<name>`, and
 * everything else (scalar state such as step counts, and the param groups) as JSON in the
 * `zendl.optimizer` metadata entry, so one file holds it all and other tools can read the tensors.
 */
import { Tensor } from "../core/tensor.js";
import type { JsonValue, StateDict } from "../nn/module.js";

/**
 * What an optimizer's `stateDict()` returns and `loadStateDict()` takes (PyTorch's layout): lazily
 * created per-parameter state keyed by the parameter's index, and the param groups with their
 * hyper-parameters and the indices of their parameters.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

/** Anything whose state `zd.save(..., { optimizer })` can store and `zd.loadOptimizerState` restore. */
export interface OptimizerLike {
  stateDict(): OptimizerStateDict;
  loadStateDict(stateDict: OptimizerStateDict): void;
}

export const OPTIMIZER_METADATA_KEY = "zendl.optimizer";
const FORMAT_VERSION = 1;
const TENSOR_KEY = /^state\.(\d+)\.(.+)$/s;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty so that a "__proto__" key stays an ordinary entry.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON has no Infinity or NaN (an lr bound or a max norm may be infinite); they are boxed. */
function toJson(value: unknown, where: string): JsonValue {
  if (typeof value === "number") return Number.isFinite(value) ? value : { $float: String(value) };
  if (typeof value === "string" || typeof value === "boolean" || value === null) return value;
  if (value instanceof Tensor) {
    throw new Error(`${where} is a Tensor; only per-parameter state (state[index][name]) may hold tensors`);
  }
  if (Array.isArray(value)) return value.map((v: unknown, i) => toJson(v, `${where}[${i}]`));
  if (isPlainObject(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) define(out, k, toJson(v, `${where}.${k}`));
    }
    return out;
  }
  throw new Error(`${where} cannot be saved: expected numbers, strings, booleans, arrays or objects, ` +
    `got ${typeof value}`);
}

function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  const boxed = keys.length === 1 && keys[0] === "$float" && typeof value.$float === "string";
  if (boxed) return Number(value.$float);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) define(out, k, fromJson(v));
  return out;
}

function checkIndex(text: string, fail: (message: string) => Error): number {
  const index = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(index)) {
    throw fail(`parameter index "${text}" is not an integer`);
  }
  return index;
}

/** The tensors and metadata entry that represent `stateDict` in a file. */
export function encodeOptimizerState(stateDict: OptimizerStateDict): {
  tensors: StateDict; metadata: Record<string, string>;
} {
  const where = "save: optimizer.stateDict()";
  if (!isPlainObject(stateDict) || !isPlainObject(stateDict.state) || !Array.isArray(stateDict.paramGroups)) {
    throw new Error(`${where} must return { state: {...}, paramGroups: [...] }`);
  }
  const tensors: StateDict = new Map();
  const scalars: Record<string, Record<string, JsonValue>> = {};
  for (const [index, entry] of Object.entries(stateDict.state)) {
    checkIndex(index, (m) => new Error(`${where}.state: ${m}`));
    if (!isPlainObject(entry)) throw new Error(`${where}.state[${index}] must be an object`);
    const plain: Record<string, JsonValue> = {};
    for (const [name, value] of Object.entries(entry)) {
      const what = `${where}.state[${index}].${name}`;
      if (value instanceof Tensor) tensors.set(`state.${index}.${name}`, value);
      else if (typeof value === "number") define(plain, name, toJson(value, what));
      else throw new Error(`${what} must be a Tensor or a number, got ${typeof value}`);
    }
    define(scalars, index, plain);
  }
  const paramGroups = toJson(stateDict.paramGroups, `${where}.paramGroups`);
  const json = JSON.stringify({ version: FORMAT_VERSION, state: scalars, paramGroups });
  return { tensors, metadata: { [OPTIMIZER_METADATA_KEY]: json } };
}

/** Rebuilds the optimizer state dict from a decoded file; `file` names it in errors. */
export function decodeOptimizerState(
  tensors: StateDict, metadata: Record<string, string>, file: string,
): OptimizerStateDict {
  const fail = (message: string): Error => new Error(`loadOptimizerState: "${file}": ${message}`);
  const text = metadata[OPTIMIZER_METADATA_KEY];
  if (typeof text !== "string" || !Object.hasOwn(metadata, OPTIMIZER_METADATA_KEY)) {
    throw fail(`not an optimizer state file (no "${OPTIMIZER_METADATA_KEY}" metadata)`);
  }
  let parsed: unknown;
  try {
    parsed = fromJson(JSON.parse(text));
  } catch (err) {
    throw fail(`the "${OPTIMIZER_METADATA_KEY}" metadata is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(parsed) || parsed.version !== FORMAT_VERSION) {
    throw fail(`unsupported optimizer state format (expected version ${FORMAT_VERSION})`);
  }
  const { state: scalars, paramGroups } = parsed;
  if (!isPlainObject(scalars)) throw fail(`"state" must be an object`);
  if (!Array.isArray(paramGroups)) throw fail(`"paramGroups" must be an array`);
  paramGroups.forEach((group: unknown, i) => {
    if (!isPlainObject(group) || !Array.isArray(group.params) ||
      !group.params.every((p: unknown) => Number.isSafeInteger(p) && (p as number) >= 0)) {
      throw fail(`paramGroups[${i}] must be an object whose "params" are parameter indices`);
    }
  });
  const state: Record<number, Record<string, Tensor | number>> = {};
  const entryFor = (index: number): Record<string, Tensor | number> => (state[index] ??= {});
  for (const [index, entry] of Object.entries(scalars)) {
    const i = checkIndex(index, fail);
    if (!isPlainObject(entry)) throw fail(`state[${index}] must be an object`);
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value !== "number") {
        throw fail(`state[${index}].${name} must be a number, got ${typeof value}`);
      }
      define(entryFor(i), name, value);
    }
  }
  for (const [key, tensor] of tensors) {
    const match = TENSOR_KEY.exec(key);
    if (match === null) throw fail(`unexpected tensor "${key}" (expected state.<paramIndex>.<name>)`);
    define(entryFor(checkIndex(match[1], fail)), match[2], tensor);
  }
  return { state, paramGroups: paramGroups as OptimizerStateDict["paramGroups"] };
}
