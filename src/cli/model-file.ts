import { StandardScaler, type StandardScalerJSON } from "../data/transforms.js";
import { readSafetensorsFile } from "../node/safetensors-file.js";
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

function field<T>(path: string, metadata: Record<string, string>, key: string,
  check: (value: unknown) => string | null): T {
  const text = metadata[key];
  if (text === undefined || !Object.hasOwn(metadata, key)) {
    throw new UsageError(`${path} was not written by "zendl train" (no ${key} in its metadata)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${path}: metadata field ${key} is not valid JSON`);
  }
  const problem = check(value);
  if (problem !== null) throw new UsageError(`${path}: metadata field ${key} ${problem}`);
  return value as T;
}

const finiteList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.every(Number.isFinite);

function checkClasses(v: unknown): string | null {
  if (!Array.isArray(v) || v.length < 2 || !v.every((c) => Number.isInteger(c))) {
    return "must be a list of at least 2 integer class labels";
  }
  return new Set(v).size === v.length ? null : "lists a class label twice";
}

function checkSplit(v: unknown): string | null {
  const s = v as { testSize?: unknown; seed?: unknown } | null;
  const testSize = s?.testSize;
  if (typeof testSize !== "number" || !(testSize > 0 && testSize < 1)) return "needs testSize in (0, 1)";
  return Number.isInteger(s?.seed) && (s?.seed as number) >= 0 ? null : "needs an integer seed >= 0";
}

function checkNormalize(v: unknown): string | null {
  const n = v as { mean?: unknown; std?: unknown } | null;
  if (!finiteList(n?.mean) || !finiteList(n?.std) || n.mean.length !== n.std.length) {
    return "needs mean and std: lists of finite numbers of one length";
  }
  return n.std.every((x) => x > 0) ? null : "has a std that is not positive";
}

function checkScaler(v: unknown): string | null {
  try {
    StandardScaler.fromJSON(v as StandardScalerJSON);
  } catch (err) {
    return `is not a StandardScaler (${(err as Error).message})`;
  }
  const scale = (v as StandardScalerJSON).scale;
  return scale.every((x) => Number.isFinite(x) && x > 0) ? null : "has a scale that is not a positive number";
}

/** The CLI metadata of a model file, each field checked; errors name the file and the field. */
export function parseModelInfo(path: string, metadata: Record<string, string>): ModelInfo {
  if (metadata["cli.input"] === "text") {
    throw new UsageError(`${path} is a language model (${metadata["cli.model"] ?? "char-lstm"}): it has no ` +
      `classes to evaluate or predict; generate text with "zendl sample ${path}"`);
  }
  const unsupervised = metadata["cli.unsupervised"];
  if (unsupervised !== undefined) {
    throw new UsageError(`${path} holds an unsupervised model (${unsupervised}): it has no classes to ` +
      "predict");
  }
  const dataset = metadata["cli.dataset"];
  if (dataset === undefined) {
    throw new UsageError(`${path} was not written by "zendl train" (no cli.dataset in its metadata)`);
  }
  const classes = field<number[]>(path, metadata, "cli.classes", checkClasses);
  if (metadata["cli.input"] === "images") {
    return { input: "images", dataset, classes,
      normalization: field<ImageNormalization>(path, metadata, "cli.normalize", checkNormalize) };
  }
  const split = field<{ testSize: number; seed: number }>(path, metadata, "cli.split", checkSplit);
  const scaler = StandardScaler.fromJSON(field<StandardScalerJSON>(path, metadata, "cli.scaler",
    checkScaler));
  return { input: "features", dataset, classes, split, scaler };
}

/** Reads a model file's safetensors metadata: the header only, validated by the reader. */
export async function readMetadata(path: string): Promise<Record<string, string>> {
  try {
    return readSafetensorsFile(path, { headerOnly: true }).metadata;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`cannot read model file ${path}: ${code}`);
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
}
