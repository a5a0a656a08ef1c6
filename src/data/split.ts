import { fromFlat } from "../core/creation.js";
import { Generator, generatorFor } from "../core/random.js";
import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { classesOf, describeSize, resolveSizes, splitIndices } from "./sampling.js";

export interface TrainTestSplitOptions {
  /** Test share: a fraction in (0, 1) (the count rounds up) or a number of samples. Default 0.25. */
  testSize?: number;
  /** Train share, as `testSize` (a fraction rounds down); default: the samples not in the test set. */
  trainSize?: number;
  /** Shuffle before splitting; without it the first rows train and the following rows test. Default true. */
  shuffle?: boolean;
  /** Seed for this split only; without it the global generator (`manualSeed`) is used. */
  seed?: number;
  /** Labels whose class proportions both sides keep (needs `shuffle`). */
  stratify?: Tensor | null;
}

function checkArrays(op: string, arrays: readonly Tensor[]): number {
  if (arrays.length === 0) throw new Error(`${op}: expected at least one tensor to split`);
  arrays.forEach((a, k) => {
    if (!(a instanceof Tensor)) throw new Error(`${op}: argument ${k} is not a tensor`);
    if (a.ndim === 0) throw new Error(`${op}: tensor ${k} is 0-d; every tensor needs a first dimension`);
  });
  const n = arrays[0].shape[0];
  arrays.forEach((a, k) => {
    if (a.shape[0] !== n) {
      throw new Error(`${op}: inconsistent numbers of samples: tensor 0 has shape ` +
        `${formatShape(arrays[0].shape)}, ` +
        `tensor ${k} has shape ${formatShape(a.shape)}`);
    }
  });
  return n;
}

function rows(a: Tensor, index: Int32Array): Tensor {
  return a.indexSelect(0, fromFlat(index, [index.length], "int32", a.backend));
}

function generatorOf(shuffle: boolean, seed: number | undefined): Generator | null {
  if (!shuffle) return null;
  return seed === undefined ? generatorFor() : new Generator(seed);
}

/**
 * Splits tensors into random train and test parts, row by row, as scikit-learn's `train_test_split`:
 * `[aTrain, aTest, bTrain, bTest, ...]`. With `testSize` 0.25 and 1797 rows the test part has
 * ceil(0.25 * 1797) = 450 rows. A stratified split allots each class's rows to train and test in
 * proportion (largest remainders first, as scikit-learn's `StratifiedShuffleSplit`), so each class's
 * share differs from the overall share by less than one row.
 * @example
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: y });
 * const [aTrain, aTest, bTrain, bTest, cTrain, cTest] = trainTestSplit([a, b, c], { seed: 0 });
 */
export function trainTestSplit(x: Tensor, y: Tensor, options?: TrainTestSplitOptions):
  [Tensor, Tensor, Tensor, Tensor];
export function trainTestSplit(x: Tensor, options?: TrainTestSplitOptions): [Tensor, Tensor];
export function trainTestSplit(arrays: readonly Tensor[], options?: TrainTestSplitOptions): Tensor[];
export function trainTestSplit(first: Tensor | readonly Tensor[], second?: Tensor | TrainTestSplitOptions,
  third?: TrainTestSplitOptions): Tensor[] {
  let arrays: readonly Tensor[];
  let options: TrainTestSplitOptions;
  if (Array.isArray(first)) {
    arrays = first;
    options = (second ?? {}) as TrainTestSplitOptions;
  } else if (second instanceof Tensor) {
    arrays = [first as Tensor, second];
    options = third ?? {};
  } else {
    arrays = [first as Tensor];
    options = second ?? {};
  }
  const n = checkArrays("trainTestSplit", arrays);
  const { testSize, trainSize, shuffle = true, seed, stratify = null } = options;
  const { nTrain, nTest } = resolveSizes(n, testSize, trainSize);
  const strata = stratify ? classesOf(stratify, n) : null;
  const gen = generatorOf(shuffle, seed);
  const { train, test } = splitIndices(n, nTrain, nTest, gen, strata?.classIds ?? null, strata?.counts);
  return arrays.flatMap((a) => [rows(a, train), rows(a, test)]);
}

export interface TrainValTestSplitOptions {
  /** Validation share of all samples: a fraction in (0, 1) (the count rounds up) or a count. Default 0.1. */
  valSize?: number;
  /** Test share of all samples, as `valSize`. Default 0.2. */
  testSize?: number;
  shuffle?: boolean;
  seed?: number;
  stratify?: Tensor | null;
}

export interface TrainValTestSplit {
  xTrain: Tensor; yTrain: Tensor;
  xVal: Tensor; yVal: Tensor;
  xTest: Tensor; yTest: Tensor;
}

/**
 * Three-way split: the test set first, then the validation set from what remains; both sizes are
 * shares of all samples, so the defaults give 70% / 10% / 20%.
 * @example
 * const { xTrain, yTrain, xVal, yVal, xTest, yTest } = trainValTestSplit(x, y, { seed: 0, stratify: y });
 */
export function trainValTestSplit(x: Tensor, y: Tensor, options: TrainValTestSplitOptions = {}):
  TrainValTestSplit {
  const n = checkArrays("trainValTestSplit", [x, y]);
  const { valSize = 0.1, testSize = 0.2, shuffle = true, seed, stratify = null } = options;
  const count = (name: string, v: number): number =>
    describeSize(name, v, n) === "fraction" ? Math.ceil(v * n) : v;
  const nVal = count("valSize", valSize);
  const nTest = count("testSize", testSize);
  const nTrain = n - nVal - nTest;
  if (nTrain < 1) {
    throw new Error(`trainValTestSplit: valSize (${nVal} samples) + testSize (${nTest} samples) leave no ` +
      `training samples out of ${n}`);
  }
  const gen = generatorOf(shuffle, seed);
  const strata = stratify ? classesOf(stratify, n) : null;
  const outer = splitIndices(n, nTrain + nVal, nTest, gen, strata?.classIds ?? null, strata?.counts);
  // The inner split works on positions within `outer.train`; its classes are recounted there.
  let innerClasses: Int32Array | null = null;
  let innerCounts: number[] = [];
  if (strata) {
    innerClasses = Int32Array.from(outer.train, (i) => strata.classIds[i]);
    innerCounts = strata.counts.map(() => 0);
    for (const c of innerClasses) innerCounts[c]++;
  }
  const inner = splitIndices(outer.train.length, nTrain, nVal, gen, innerClasses, innerCounts);
  const train = Int32Array.from(inner.train, (i) => outer.train[i]);
  const val = Int32Array.from(inner.test, (i) => outer.train[i]);
  return {
    xTrain: rows(x, train), yTrain: rows(y, train),
    xVal: rows(x, val), yVal: rows(y, val),
    xTest: rows(x, outer.test), yTest: rows(y, outer.test),
  };
}
