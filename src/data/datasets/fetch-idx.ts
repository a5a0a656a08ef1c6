/**
 * MNIST-style data sets from a URL (browsers, or any server): the four gzip-compressed IDX files under
 * one base URL, fetched in parallel and decoded as `loadFashionMnist` decodes files.
 */
import type { Tensor } from "../../core/tensor.js";
import { fetchBytes } from "../fetch.js";
import { parseIdx } from "./idx.js";
import {
  FILES, imagesTensor, labelsTensor, type MnistData, type MnistOptions, type MnistSplit,
} from "./idx-images.js";

async function part(base: URL, part: "train" | "test", normalize: boolean, flatten: boolean):
  Promise<[Tensor, Tensor]> {
  const [imagesName, labelsName] = part === "train" ? [FILES.trainImages, FILES.trainLabels]
    : [FILES.testImages, FILES.testLabels];
  const [imagesUrl, labelsUrl] = [new URL(`${imagesName}.gz`, base), new URL(`${labelsName}.gz`, base)];
  const [imagesBytes, labelsBytes] = await Promise.all([
    fetchBytes(imagesUrl, "fetchFashionMnist"), fetchBytes(labelsUrl, "fetchFashionMnist")]);
  const images = parseIdx(imagesBytes, imagesUrl.href);
  const x = imagesTensor(images, imagesUrl.href, normalize, flatten);
  const labels = parseIdx(labelsBytes, labelsUrl.href);
  return [x, labelsTensor(labels, labelsUrl.href, images.shape[0], imagesUrl.href)];
}

/**
 * Fashion-MNIST (or MNIST) from the folder URL that serves its four `*-ubyte.gz` files, for example
 * zendl's data/fashion-mnist-subset copied into a web app's assets. Same options and result as
 * `loadFashionMnist` (`dir` and `subset` aside).
 * @example const { xTrain, yTrain } = await zd.data.fetchFashionMnist("/data/fashion-mnist-subset/");
 */
export async function fetchFashionMnist<S extends MnistSplit = "both">(
  baseUrl: string | URL, options: Omit<MnistOptions<S>, "dir"> = {},
): Promise<MnistData<S>> {
  const { split = "both", normalize = true, flatten = false } = options;
  if (split !== "train" && split !== "test" && split !== "both") {
    throw new Error(`fetchFashionMnist: split must be "train", "test" or "both", ` +
      `got ${JSON.stringify(split)}`);
  }
  const where = typeof globalThis.location === "object" ? globalThis.location.href : undefined;
  const base = new URL(String(baseUrl).endsWith("/") ? String(baseUrl) : `${String(baseUrl)}/`, where);
  const result: Record<string, Tensor> = {};
  if (split !== "test") [result.xTrain, result.yTrain] = await part(base, "train", normalize, flatten);
  if (split !== "train") [result.xTest, result.yTest] = await part(base, "test", normalize, flatten);
  return result as unknown as MnistData<S>;
}
