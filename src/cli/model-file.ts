import { readFile } from "node:fs/promises";
import { decodeSafetensors } from "../io/safetensors.js";
import { StandardScaler } from "../data/transforms.js";
import { UsageError } from "./errors.js";
import type { PreparedData } from "./datasets.js";
import type { ImageData, ImageNormalization } from "./image-data.js";

/**
 * What the CLI stores beside the weights so `evaluate` and `predict` can prepare inputs the same way:
 * a scaler for feature rows (`input: "features"`), or the per-channel normalization of image models
 * (`input: "images"`, recorded as `cli.input`; files without it are feature models).
 */
export type ModelInfo =
  | { input: "features"; dataset: string; split: { testSize: number; seed: number }; scaler: StandardScaler;
    classes: number[] }
  | { input: "images"; dataset: string; normalization: ImageNormalization; classes: number[] };

export function modelMetadata(data: PreparedData, classes: number[]): Record<string, string> {
  return {
    "cli.dataset": data.name,
    "cli.split": JSON.stringify(data.split),
    "cli.scaler": JSON.stringify(data.scaler.toJSON()),
    "cli.classes": JSON.stringify(classes),
  };
}

export function imageModelMetadata(data: ImageData, model: string): Record<string, string> {
  return {
    "cli.input": "images",
    "cli.model": model,
    "cli.dataset": data.name,
    "cli.normalize": JSON.stringify(data.normalization),
    "cli.classes": JSON.stringify(Array.from({ length: data.numClasses }, (_, i) => i)),
  };
}

export function parseModelInfo(path: string, metadata: Record<string, string>): ModelInfo {
  const need = (key: string): string => {
    const value = metadata[key];
    if (value === undefined) {
      throw new UsageError(`${path} was not written by "zendl train" (no ${key} in its metadata)`);
    }
    return value;
  };
  const unsupervised = metadata["cli.unsupervised"];
  if (unsupervised !== undefined) {
    throw new UsageError(`${path} holds an unsupervised model (${unsupervised}): it has no classes to predict`);
  }
  const dataset = need("cli.dataset");
  const classes = JSON.parse(need("cli.classes")) as number[];
  if (metadata["cli.input"] === "images") {
    return { input: "images", dataset, classes,
      normalization: JSON.parse(need("cli.normalize")) as ImageNormalization };
  }
  return {
    input: "features", dataset, classes,
    split: JSON.parse(need("cli.split")) as { testSize: number; seed: number },
    scaler: StandardScaler.fromJSON(JSON.parse(need("cli.scaler"))),
  };
}

/** Reads a model file's safetensors metadata (validated by the codec). */
export async function readMetadata(path: string): Promise<Record<string, string>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read model file ${path}: ${code}`);
  }
  return decodeSafetensors(bytes, path).metadata;
}
