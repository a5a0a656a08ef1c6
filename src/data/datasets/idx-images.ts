import { platform } from "#platform";
import { fromFlat } from "../../core/creation.js";
import type { Tensor } from "../../core/tensor.js";
import { readIdx, type IdxArray } from "./idx.js";

/** Which part of an MNIST-style data set to load. */
export type MnistSplit = "train" | "test" | "both";

/** The training part: images and int32 labels. */
export interface MnistTrain {
  xTrain: Tensor;
  yTrain: Tensor;
}

/** The test part: images and int32 labels. */
export interface MnistTest {
  xTest: Tensor;
  yTest: Tensor;
}

/** What a loader returns for a split: only the tensors that were asked for. */
export type MnistData<S extends MnistSplit = "both"> =
  S extends "train" ? MnistTrain : S extends "test" ? MnistTest : MnistTrain & MnistTest;

export interface MnistOptions<S extends MnistSplit = "both"> {
  /** A folder holding the four IDX files (raw or .gz); searched first. */
  dir?: string;
  /** "train", "test" or "both" (default). */
  split?: S;
  /** Pixels as float32 in [0, 1] (default true); false keeps the integer values 0..255 (still float32). */
  normalize?: boolean;
  /** Images as [N, 784] (true) or [N, 1, 28, 28] (default false, the layout of conv2d). */
  flatten?: boolean;
}

/** @internal What differs between MNIST and Fashion-MNIST: names and where to look. */
export interface IdxImageDataset {
  title: string;
  /** Folder name under $ZENDL_DATA, ./data and /usr/share/datasets. */
  folder: string;
  howToGet: string;
}

/** @internal A place to look, with how it was chosen (shown in the not-found error). */
export interface SearchFolder {
  path: string;
  why: string;
}

/** @internal The four files of an MNIST-style data set, without their `.gz`. */
export const FILES = {
  trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte",
} as const;
type FileKey = keyof typeof FILES;

/** @internal The folders searched, in order, for a data set stored under `folder`. */
export function searchFolders(folder: string, dir?: string,
  env: Record<string, string | undefined> = { ZENDL_DATA: platform.env("ZENDL_DATA") }): SearchFolder[] {
  const folders: SearchFolder[] = [];
  const { resolvePath: resolve, joinPath: join } = platform;
  if (dir !== undefined) folders.push({ path: resolve(dir), why: "the dir option" });
  const dataRoot = env.ZENDL_DATA;
  if (dataRoot) {
    folders.push({ path: resolve(dataRoot), why: "$ZENDL_DATA" });
    folders.push({ path: resolve(dataRoot, folder), why: `$ZENDL_DATA/${folder}` });
  }
  folders.push({ path: resolve("data", folder), why: `./data/${folder} in the working directory` });
  folders.push({ path: join("/usr/share/datasets", folder), why: "the system data sets folder" });
  return folders;
}

/**
 * The raw name wins over .gz (no decompression); the dotted spelling (`train-images.idx3-ubyte`) is
 * how some mirrors extract the same files.
 */
function fileIn(folder: string, base: string): string | null {
  const dotted = base.replace(/-idx/, ".idx");
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const path = platform.joinPath(folder, name);
    if (platform.exists(path)) return path;
  }
  return null;
}

/**
 * @internal The paths of `keys` in the first folder that holds all of them; otherwise an error that
 * lists every place looked and says how to get the files.
 */
export function findIdxFiles(dataset: IdxImageDataset, folders: readonly SearchFolder[],
  keys: readonly FileKey[]): Record<FileKey, string> {
  for (const folder of folders) {
    const paths = keys.map((key) => fileIn(folder.path, FILES[key]));
    if (paths.every((path) => path !== null)) {
      return Object.fromEntries(keys.map((key, i) => [key, paths[i]])) as Record<FileKey, string>;
    }
  }
  const wanted = keys.map((key) => `${FILES[key]}[.gz]`).join(", ");
  const looked = folders.map((folder) => `  ${folder.path}  (${folder.why})`).join("\n");
  throw new Error(`${dataset.title}: the files ${wanted} were not found together in any of:\n${looked}\n` +
    `${dataset.howToGet}, or set $ZENDL_DATA or the dir option to the folder that holds them.`);
}

/** @internal */
export function imagesTensor(images: IdxArray, path: string, normalize: boolean, flatten: boolean): Tensor {
  if (images.shape.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new Error(`IDX file ${path}: expected uint8 images of shape [N, rows, cols], ` +
      `got shape [${images.shape.join(", ")}] of ${images.data.constructor.name}`);
  }
  const [n, rows, cols] = images.shape;
  const source = images.data;
  const pixels = new Float32Array(source.length);
  // Divide rather than multiply by 1/255 so each value is the correctly rounded x/255 (torchvision's).
  if (normalize) for (let i = 0; i < source.length; i++) pixels[i] = source[i] / 255;
  else pixels.set(source);
  return fromFlat(pixels, flatten ? [n, rows * cols] : [n, 1, rows, cols], "float32");
}

/** @internal */
export function labelsTensor(labels: IdxArray, path: string, count: number, imagesPath: string): Tensor {
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new Error(`IDX file ${path}: expected ${count} labels (one per image of ${imagesPath}), ` +
      `got shape [${labels.shape.join(", ")}]`);
  }
  return fromFlat(Int32Array.from(labels.data), [count], "int32");
}

function loadPart(paths: Record<FileKey, string>, part: "train" | "test", normalize: boolean,
  flatten: boolean): [Tensor, Tensor] {
  const imagesPath = paths[part === "train" ? "trainImages" : "testImages"];
  const labelsPath = paths[part === "train" ? "trainLabels" : "testLabels"];
  const images = readIdx(imagesPath);
  const x = imagesTensor(images, imagesPath, normalize, flatten);
  return [x, labelsTensor(readIdx(labelsPath), labelsPath, images.shape[0], imagesPath)];
}

/** @internal Loads an MNIST-style data set from explicit folders (the public loaders pick them). */
export function loadIdxImages<S extends MnistSplit>(dataset: IdxImageDataset,
  folders: readonly SearchFolder[], options: MnistOptions<S>, caller: string): MnistData<S> {
  const { split = "both", normalize = true, flatten = false } = options;
  if (split !== "train" && split !== "test" && split !== "both") {
    throw new Error(`${caller}: split must be "train", "test" or "both", got ${JSON.stringify(split)}`);
  }
  const keys: FileKey[] = [];
  if (split !== "test") keys.push("trainImages", "trainLabels");
  if (split !== "train") keys.push("testImages", "testLabels");
  const paths = findIdxFiles(dataset, folders, keys);
  const result: Partial<MnistTrain & MnistTest> = {};
  if (split !== "test") [result.xTrain, result.yTrain] = loadPart(paths, "train", normalize, flatten);
  if (split !== "train") [result.xTest, result.yTest] = loadPart(paths, "test", normalize, flatten);
  return result as MnistData<S>;
}
