import { fromFlat } from "../core/creation.js";
import { stack } from "../core/ops/movement.js";
import { Generator } from "../core/random.js";
import { Tensor } from "../core/tensor.js";
import { TensorDataset, type Dataset } from "./dataset.js";
import { EpochCursor, type LoaderState } from "./loader-state.js";

/**
 * The batch `defaultCollate` makes from items of type `T`: tensors and numbers become one tensor with a
 * new first dimension, arrays and plain objects are collated field by field.
 */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { [K in keyof T]: Collated<T[K]> }
  : never;

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (a positive integer). Default 1. */
  batchSize?: number;
  /** Draw a new random order at the start of every epoch. Default false. */
  shuffle?: boolean;
  /** Seed of the loader's own generator; without it the global generator (`manualSeed`) is used. */
  seed?: number;
  /** Skip the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Turns a list of items into a batch (PyTorch's `collate_fn`); default `defaultCollate`. */
  collate?: (items: T[]) => B;
}

/**
 * Stacks a list of items into a batch: tensors with `stack`, numbers into a 1-D tensor (int32 when all
 * are integers, float32 otherwise), arrays and plain objects position by position.
 * @example
 * defaultCollate([[zd.tensor([1, 2]), 0], [zd.tensor([3, 4]), 1]]);  // [tensor [2,2], int32 tensor [2]]
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  return collateAny(items as readonly unknown[]) as Collated<T>;
}

function collateAny(items: readonly unknown[]): unknown {
  if (items.length === 0) throw new Error("defaultCollate: cannot collate an empty list of items");
  const first = items[0];
  if (first instanceof Tensor) {
    if (!items.every((v) => v instanceof Tensor)) {
      throw new Error("defaultCollate: items mix tensors and other values");
    }
    return stack(items as Tensor[]);
  }
  if (typeof first === "number") {
    if (!items.every((v) => typeof v === "number")) {
      throw new Error("defaultCollate: items mix numbers and other values");
    }
    const values = items as number[];
    return fromFlat(values, [values.length], values.every(Number.isInteger) ? "int32" : "float32");
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => collateAny(items.map((item) => fieldOf(item, k, first.length))));
  }
  if (first !== null && typeof first === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collateAny(items.map((item) => (item as Record<string, unknown>)[key]));
    }
    return out;
  }
  throw new Error(`defaultCollate: cannot batch items of type ${first === null ? "null" : typeof first}; ` +
    "pass a collate function");
}

function fieldOf(item: unknown, k: number, length: number): unknown {
  if (!Array.isArray(item) || item.length !== length) {
    throw new Error(`defaultCollate: items have different lengths (expected arrays of ${length})`);
  }
  return item[k];
}

/**
 * Iterates over a dataset in batches (PyTorch's `DataLoader`). Each `for...of` is one epoch; with
 * `shuffle` every epoch draws a new order, and a given `seed` makes the sequence of epochs reproducible.
 * A `TensorDataset` is batched with one `indexSelect` per tensor; other datasets are collated item by item.
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... }   // loader.length batches per epoch
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator | null;
  private readonly collate: ((items: T[]) => B) | null;
  private readonly cursor: EpochCursor;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, seed, dropLast = false, collate } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (!Number.isInteger(dataset?.length) || dataset.length < 0 || typeof dataset.get !== "function") {
      throw new Error("DataLoader: dataset must have an integer length and a get(index) method");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = seed === undefined ? null : new Generator(seed);
    this.collate = collate ?? null;
    this.cursor = new EpochCursor(this.generator, shuffle, "DataLoader");
  }

  /** Where the running epoch stands (its order's seed state and batches handed out), for checkpoints. */
  stateDict(): LoaderState {
    return this.cursor.state();
  }

  /**
   * Makes the next epoch continue a saved one: the same order, without the batches already handed out.
   * @example loader.loadStateDict(saved); for (const batch of loader) { ... }  // the rest of that epoch
   */
  loadStateDict(state: LoaderState): void {
    this.cursor.load(state, this.length);
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    // The order is drawn when the epoch starts, so a seeded loader replays the same sequence of epochs.
    const { drawn: order, first } = this.cursor.begin((g) => g.permutation(n));
    const batches = this.length;
    for (let b = first; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      const indices = new Int32Array(end - start);
      for (let i = 0; i < indices.length; i++) indices[i] = order ? order[start + i] : start + i;
      this.cursor.advance(b + 1);
      yield this.loadBatch(indices);
    }
    this.cursor.finish();
  }

  private loadBatch(indices: Int32Array): B {
    const ds = this.dataset;
    if (this.collate === null && ds instanceof TensorDataset) {
      const first = ds.tensors[0];
      const index = fromFlat(indices, [indices.length], "int32", first.backend);
      return ds.tensors.map((t) =>
        t.indexSelect(0, t.backend === first.backend ? index : Array.from(indices))) as B;
    }
    const items = Array.from(indices, (i) => ds.get(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }
}
