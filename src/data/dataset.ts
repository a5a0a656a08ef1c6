import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";

/**
 * Anything with a length and random access by position (PyTorch's map-style `Dataset`).
 * @example
 * const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** @internal Throws unless `index` is an integer in [0, length). */
export function checkItemIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Tensors that share their first dimension, one sample per row: `get(i)` is `[t0[i], t1[i], ...]`
 * (views, no copy). `DataLoader` batches it with one `indexSelect` per tensor.
 * @example
 * const ds = new TensorDataset(zd.randn([100, 4]), zd.randint(0, 3, [100]));
 * const [x0, y0] = ds.get(0);   // shapes [4] and []
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error("TensorDataset: expected at least one tensor");
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${k} is not a tensor`);
      if (t.ndim === 0) {
        throw new Error(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first dimension`);
      }
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.shape[0] !== n) {
        throw new Error("TensorDataset: size mismatch between tensors: tensor 0 has shape " +
          `${formatShape(tensors[0].shape)} ` +
          `(${n} samples), tensor ${k} has shape ${formatShape(t.shape)} (${t.shape[0]} samples)`);
      }
    });
    this.tensors = Object.freeze([...tensors]);
    this.length = n;
  }

  get(index: number): Tensor[] {
    checkItemIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => t.index(index));
  }
}
