import { attach } from "../autograd.js";
import { fromFlat, full } from "../creation.js";
import { formatShape, normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { contiguous } from "./movement.js";
import { checkTensor } from "./elementwise.js";

function checkIndex(op: string, index: Tensor, size: number, dim: number): void {
  if (index.dtype !== "int32") throw new Error(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  const values = index.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= size) {
      throw new Error(`${op}: index ${values[i]} is out of range for dimension ${dim} of size ${size}`);
    }
  }
}

/** out[i][j] = x[i][index[i][j]] for dim 1 (PyTorch `gather`): index has x's rank and picks along dim. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor("gather", x);
  const axis = normalizeAxis("gather", dim, x.ndim);
  if (!(index instanceof Tensor) || index.ndim !== x.ndim) {
    throw new Error(`gather: index must be a tensor with ${x.ndim} dims like the input, got ` +
      `${index instanceof Tensor ? formatShape(index.shape) : typeof index}`);
  }
  index.shape.forEach((d, i) => {
    if (i !== axis && d > x.shape[i]) {
      throw new Error(`gather: index shape ${formatShape(index.shape)} exceeds input shape ${formatShape(x.shape)} ` +
        `in dimension ${i}`);
    }
  });
  checkIndex("gather", index, x.shape[axis], dim);
  const out = Tensor._empty(index.shape, x.dtype, x.backend);
  x.backend.gather(x._view(), axis, index._view(), out._ref.storage);
  return attach(out, "gather", [x], (g, _, [input]) => {
    const grad = full(input.shape, 0, g.dtype, g.backend);
    g.backend.scatterAdd(grad._ref.storage, input.shape, axis, index._view(), contiguous(g)._view());
    return [grad];
  });
}

/** Entries `index` (1-D) along `dim`; repeated indices repeat rows, and their gradients add up. */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  checkTensor("indexSelect", x);
  const axis = normalizeAxis("indexSelect", dim, x.ndim);
  if (!(index instanceof Tensor) && (!Array.isArray(index) || index.some((i) => !Number.isInteger(i)))) {
    // an int32 storage would silently truncate 1.5 to 1
    throw new Error(`indexSelect: index must be an int32 tensor or an array of integers, ` +
      `got ${String(index)}`);
  }
  const idx = index instanceof Tensor ? index : fromFlat(index, [index.length], "int32", x.backend);
  if (idx.ndim !== 1) throw new Error(`indexSelect: index must be 1-D, got shape ${formatShape(idx.shape)}`);
  checkIndex("indexSelect", idx, x.shape[axis], dim);
  const shape = x.shape.map((d, i) => (i === axis ? idx.shape[0] : d));
  const out = Tensor._empty(shape, x.dtype, x.backend);
  x.backend.indexSelect(x._view(), axis, idx._view(), out._ref.storage);
  return attach(out, "indexSelect", [x], (g, _, [input]) => {
    const grad = full(input.shape, 0, g.dtype, g.backend);
    g.backend.indexAdd(grad._ref.storage, input.shape, axis, idx._view(), g._view());
    return [grad];
  });
}
