import { formatShape, shapesEqual } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";

export interface LoadStateDictOptions {
  /** Require the keys to match the module's exactly (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks (always empty after a strict load). */
  missingKeys: string[];
  /** Keys the state dict has but the module lacks (always empty after a strict load). */
  unexpectedKeys: string[];
}

interface CheckedLoad extends LoadStateDictResult {
  copies: Array<[Tensor, Tensor]>;
}

function entriesOf(stateDict: Map<string, Tensor> | Record<string, Tensor>): Array<[string, unknown]> {
  if (stateDict instanceof Map) return [...stateDict.entries()];
  if (stateDict === null || typeof stateDict !== "object") {
    throw new Error(`loadStateDict: expected a Map or an object of tensors, got ${String(stateDict)}`);
  }
  return Object.entries(stateDict);
}

const quoteAll = (keys: string[]): string => keys.map((k) => JSON.stringify(k)).join(", ");

/**
 * Pairs each module tensor with its source and collects every problem first, so that a failed load
 * reports all of them at once (as PyTorch does) and leaves the module untouched.
 */
export function checkStateDict(
  typeName: string, targets: Array<[string, Tensor]>, stateDict: Map<string, Tensor> | Record<string, Tensor>,
  strict: boolean,
): CheckedLoad {
  const sources = new Map(entriesOf(stateDict));
  const expected = new Set(targets.map(([name]) => name));
  const missingKeys: string[] = [];
  const problems: string[] = [];
  const copies: Array<[Tensor, Tensor]> = [];
  for (const [name, target] of targets) {
    if (!sources.has(name)) {
      missingKeys.push(name);
      continue;
    }
    const source = sources.get(name);
    if (!(source instanceof Tensor)) {
      problems.push(`value for ${name} is not a Tensor (got ${source === null ? "null" : typeof source}).`);
    } else if (!shapesEqual(source.shape, target.shape)) {
      problems.push(`size mismatch for ${name}: copying a param with shape ${formatShape(source.shape)} ` +
        `from checkpoint, the shape in current model is ${formatShape(target.shape)}.`);
    } else if ((source.dtype === "int32") !== (target.dtype === "int32")) {
      // Casting would "work" and give weights of about 1e9 from integer bits: refuse, naming both dtypes.
      problems.push(`dtype mismatch for ${name}: the checkpoint holds ${source.dtype} data, the tensor in ` +
        `current model is ${target.dtype}.`);
    } else {
      copies.push([target, source]);
    }
  }
  const unexpectedKeys = [...sources.keys()].filter((k) => !expected.has(k));
  const keyProblems: string[] = [];
  if (strict && missingKeys.length > 0) {
    keyProblems.push(`Missing key(s) in state dict: ${quoteAll(missingKeys)}.`);
  }
  if (strict && unexpectedKeys.length > 0) {
    keyProblems.push(`Unexpected key(s) in state dict: ${quoteAll(unexpectedKeys)}.`);
  }
  const all = [...keyProblems, ...problems];
  if (all.length > 0) {
    throw new Error(`Error(s) in loading state dict for ${typeName}:\n  ${all.join("\n  ")}`);
  }
  return { copies, missingKeys, unexpectedKeys };
}
