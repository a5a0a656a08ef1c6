import type { Tensor } from "../core/tensor.js";
import { UsageError } from "./errors.js";
import { imageSide, prepareUnitData } from "./unit-data.js";

/** Images in [0, 1] as the autoencoder and GAN commands train on them: [N, 1, side, side]. */
export interface GenerativeData {
  name: string;
  xTrain: Tensor; xTest: Tensor; yTrain: Tensor; yTest: Tensor;
  imageShape: [number, number, number];
}

/** Digits are split 75/25 with `seed` (as every CLI family does); Fashion-MNIST keeps its own test part. */
export function prepareGenerativeImages(name: string, seed: number): GenerativeData {
  const data = prepareUnitData(name, { testSize: 0.25, seed });
  const side = imageSide(data.xTrain.shape[1]);
  if (side === null) {
    throw new UsageError(`${name} has ${data.xTrain.shape[1]} features, not square images`);
  }
  const imageShape: [number, number, number] = [1, side, side];
  return {
    name: data.name, yTrain: data.yTrain, yTest: data.yTest, imageShape,
    xTrain: data.xTrain.reshape([data.xTrain.shape[0], ...imageShape]),
    xTest: data.xTest.reshape([data.xTest.shape[0], ...imageShape]),
  };
}

/** Integer upscaling that makes each image about 32 pixels wide in a PNG grid (8x8 digits: 4). */
export function gridScale(side: number): number {
  return Math.max(1, Math.round(32 / side));
}
