import { readFile } from "node:fs/promises";
import { decodeSafetensors } from "../io/safetensors.js";
import { StandardScaler } from "../data/transforms.js";
import { UsageError } from "./errors.js";
import type { PreparedData } from "./datasets.js";

/** What the CLI stores beside the weights so `evaluate` and `predict` can prepare inputs the same way. */
export interface ModelInfo {
  dataset: string;
  split: { testSize: number; seed: number };
  scaler: StandardScaler;
  classes: number[];
}

export function modelMetadata(data: PreparedData, classes: number[]): Record<string, string> {
  return {
    "cli.dataset": data.name,
    "cli.split": JSON.stringify(data.split),
    "cli.scaler": JSON.stringify(data.scaler.toJSON()),
    "cli.classes": JSON.stringify(classes),
  };
}

export function parseModelInfo(path: string, metadata: Record<string, string>): ModelInfo {
  const need = (key: string): string => {
    const value = metadata[key];
    if (value === undefined) throw new UsageError(`${path} was not written by "zendl train" (no ${key} in its metadata)`);
    return value;
  };
  return {
    dataset: need("cli.dataset"),
    split: JSON.parse(need("cli.split")) as { testSize: number; seed: number },
    scaler: StandardScaler.fromJSON(JSON.parse(need("cli.scaler"))),
    classes: JSON.parse(need("cli.classes")) as number[],
  };
}

/** Reads a model file's safetensors metadata (validated by the codec). */
export async function readMetadata(path: string): Promise<Record<string, string>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read model file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return decodeSafetensors(bytes, path).metadata;
}
