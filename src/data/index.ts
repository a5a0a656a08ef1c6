/** Data: datasets, batching, splits, scaling and the bundled data sets. Re-exports only. */
export { TensorDataset, type Dataset } from "./dataset.js";
export { DataLoader, defaultCollate, type DataLoaderOptions, type Collated } from "./loader.js";
export type { LoaderState } from "./loader-state.js";
export {
  trainTestSplit, trainValTestSplit,
  type TrainTestSplitOptions, type TrainValTestSplitOptions, type TrainValTestSplit,
} from "./split.js";
export {
  StandardScaler, MinMaxScaler, oneHot,
  type StandardScalerOptions, type StandardScalerJSON, type MinMaxScalerOptions, type MinMaxScalerJSON,
} from "./transforms.js";
export { loadCsv, parseCsv, type CsvOptions, type CsvData } from "./csv.js";
export { loadDigits, fetchDigits, type DigitsOptions, type Digits } from "./datasets/digits.js";
export { fetchBytes } from "./fetch.js";
export { fetchFashionMnist } from "./datasets/fetch-idx.js";
export { parseIdx, readIdx, type IdxArray, type IdxData } from "./datasets/idx.js";
export {
  loadFashionMnist, loadMnist, type FashionMnistOptions,
} from "./datasets/fashion-mnist.js";
export type { MnistOptions, MnistSplit, MnistData, MnistTrain, MnistTest } from "./datasets/idx-images.js";
export {
  normalizeImages, randomHorizontalFlip, randomCrop, type RandomFlipOptions, type RandomCropOptions,
} from "./transforms-image.js";
export {
  CharVocabulary, SequenceBatchLoader, loadText, loadTinyShakespeare, splitByPosition, type TextData,
  type LoadTextOptions, type SequenceBatchOptions,
} from "./datasets/text.js";
