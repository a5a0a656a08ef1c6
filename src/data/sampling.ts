/**
 * Index arithmetic behind `trainTestSplit`: sizes and shuffled or stratified index sets, following
 * scikit-learn's `ShuffleSplit` and `StratifiedShuffleSplit` (the random streams differ, the rules do not).
 */
import { formatShape } from "../core/shape.js";
import type { Generator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";

/** A size given as a fraction in (0, 1) of `n`, or as a count. */
export function describeSize(name: string, value: number, n: number): "fraction" | "count" {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`trainTestSplit: ${name} must be a number, got ${String(value)}`);
  }
  if (value > 0 && value < 1) return "fraction";
  if (Number.isInteger(value) && value >= 1 && value < n) return "count";
  throw new Error(`trainTestSplit: ${name}=${value} should be either a fraction in (0, 1) or a whole ` +
    `number of samples in [1, ${n - 1}] (there are ${n} samples)`);
}

/**
 * Train and test counts as scikit-learn computes them: a test fraction rounds up, a train fraction
 * rounds down, and an absent size takes the rest.
 */
export function resolveSizes(n: number, testSize: number | undefined, trainSize: number | undefined):
  { nTrain: number; nTest: number } {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  let nTest = 0;
  let nTrain = 0;
  if (testSize !== undefined) {
    nTest = describeSize("testSize", testSize, n) === "fraction" ? Math.ceil(testSize * n) : testSize;
  }
  if (trainSize !== undefined) {
    nTrain = describeSize("trainSize", trainSize, n) === "fraction" ? Math.floor(trainSize * n) : trainSize;
  }
  if (trainSize === undefined) nTrain = n - nTest;
  else if (testSize === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new Error(`trainTestSplit: trainSize (${nTrain} samples) + testSize (${nTest} samples) exceed ` +
      `the ${n} samples`);
  }
  if (nTrain === 0) {
    throw new Error(`trainTestSplit: with ${n} samples, testSize=${testSize} and trainSize=${trainSize} ` +
      "the train set would be empty");
  }
  return { nTrain, nTest };
}

/** Class of each row of `stratify` as 0..k-1 (classes in sorted order) plus the count of each class. */
export function classesOf(stratify: Tensor, n: number): { classIds: Int32Array; counts: number[] } {
  if (stratify.ndim === 0 || stratify.shape[0] !== n) {
    throw new Error(`trainTestSplit: stratify has shape ${formatShape(stratify.shape)}, expected ${n} rows ` +
      "like the arrays being split");
  }
  const flat = stratify.dataSync();
  const width = n === 0 ? 0 : flat.length / n;
  // Rows of a one-hot (or any multi-column) target are compared whole, as scikit-learn does.
  const keys: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(width === 1 ? flat[i] : Array.from(flat.subarray(i * width, (i + 1) * width)).join(","));
  }
  const unique = [...new Set(keys)];
  if (width === 1) (unique as number[]).sort((a, b) => a - b);
  else unique.sort();
  const id = new Map(unique.map((k, c) => [k, c]));
  const classIds = new Int32Array(n);
  const counts = new Array<number>(unique.length).fill(0);
  keys.forEach((k, i) => { classIds[i] = id.get(k) ?? 0; counts[classIds[i]]++; });
  return { classIds, counts };
}

/**
 * Splits `draws` over classes in proportion to `counts` (scikit-learn's `_approximate_mode`): the floor
 * of each share, then the leftover draws go to the largest remainders, ties broken at random.
 */
export function approximateMode(counts: readonly number[], draws: number, gen: Generator): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const out = continuous.map(Math.floor);
  let needed = draws - out.reduce((a, b) => a + b, 0);
  const remainder = continuous.map((c, i) => c - out[i]);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (needed <= 0) break;
    const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
    const chosen = gen.permutation(tied.length).subarray(0, Math.min(tied.length, needed));
    for (const k of chosen) out[tied[k]]++;
    needed -= chosen.length;
  }
  return out;
}

function permute(values: ArrayLike<number>, gen: Generator): Int32Array {
  const p = gen.permutation(values.length);
  return Int32Array.from(p, (k) => values[k]);
}

export interface IndexSplit { train: Int32Array; test: Int32Array }

/** Train and test row indices; without `gen` the first `nTrain` rows train and the next `nTest` test. */
export function splitIndices(n: number, nTrain: number, nTest: number, gen: Generator | null,
  classIds: Int32Array | null = null, counts: readonly number[] = []): IndexSplit {
  if (gen === null) {
    if (classIds !== null) throw new Error("trainTestSplit: a stratified split needs shuffle: true");
    return { train: range(0, nTrain), test: range(nTrain, nTrain + nTest) };
  }
  if (classIds === null) {
    const p = gen.permutation(n);
    return { train: p.slice(nTest, nTest + nTrain), test: p.slice(0, nTest) };
  }
  return stratifiedIndices(nTrain, nTest, gen, classIds, counts);
}

function stratifiedIndices(nTrain: number, nTest: number, gen: Generator, classIds: Int32Array,
  counts: readonly number[]): IndexSplit {
  const present = counts.filter((c) => c > 0);
  const k = present.length;
  const least = Math.min(...present);
  if (least < 2) {
    throw new Error(`trainTestSplit: the least populated class in stratify has only ${least} member; ` +
      "every class needs at least 2 to appear on both sides");
  }
  for (const [part, size] of [["train", nTrain], ["test", nTest]] as const) {
    if (size < k) {
      throw new Error(`trainTestSplit: the ${part} set (${size} samples) is smaller than the number of ` +
        `classes (${k})`);
    }
  }
  const members: number[][] = counts.map(() => []);
  classIds.forEach((c, i) => members[c].push(i));
  const trainPerClass = approximateMode(counts, nTrain, gen);
  const testPerClass = approximateMode(counts.map((c, i) => c - trainPerClass[i]), nTest, gen);
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, c) => {
    const shuffled = permute(rows, gen);
    train.push(...shuffled.subarray(0, trainPerClass[c]));
    test.push(...shuffled.subarray(trainPerClass[c], trainPerClass[c] + testPerClass[c]));
  });
  // Rows are grouped by class so far; shuffle so batches taken in order are not sorted by label.
  return { train: permute(train, gen), test: permute(test, gen) };
}

function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}
