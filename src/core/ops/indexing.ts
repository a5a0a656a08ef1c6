import type { Storage, View } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { fromFlat, full } from "../creation.js";
import { formatShape, normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { contiguous } from "./movement.js";
import { checkTensor } from "./elementwise.js";

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /** Selects entries `index` (1-D int32) along dim; out shape is x's with dim resized. */
    indexSelect(x: View, dim: number, index: View, out: Storage): void;
    /** The adjoint of indexSelect: out (contiguous, target shape) += src added at `index` along dim. */
    indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void;
  }
}

/**
 * A 1-D index seen as a gather index of `shape`: stride 0 on every dim but `dim`, so `gather` and
 * `scatterAdd` do indexSelect's and indexAdd's work on backends without those kernels.
 */
function spread(index: View, shape: readonly number[], dim: number): View {
  return { storage: index.storage, shape, offset: index.offset,
    strides: shape.map((_, i) => (i === dim ? index.strides[0] : 0)) };
}

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
      throw new Error(`gather: index shape ${formatShape(index.shape)} exceeds input shape ` +
        `${formatShape(x.shape)} in dimension ${i}`);
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
  const b = x.backend;
  if (b.indexSelect) b.indexSelect(x._view(), axis, idx._view(), out._ref.storage);
  else b.gather(x._view(), axis, spread(idx._view(), shape, axis), out._ref.storage);
  return attach(out, "indexSelect", [x], (g, _, [input]) => {
    const grad = full(input.shape, 0, g.dtype, g.backend);
    const gb = g.backend;
    if (gb.indexAdd) gb.indexAdd(grad._ref.storage, input.shape, axis, idx._view(), g._view());
    else gb.scatterAdd(grad._ref.storage, input.shape, axis, spread(idx._view(), g.shape, axis), g._view());
    return [grad];
  });
}
