import type { TypedArray } from "../../core/dtype.js";
import type { Storage, View } from "../backend.js";
import type { KernelContext } from "./context.js";

function isContiguous(view: View): boolean {
  let expected = 1;
  for (let i = view.shape.length - 1; i >= 0; i--) {
    if (view.shape[i] !== 1 && view.strides[i] !== expected) return false;
    expected *= view.shape[i];
  }
  return true;
}

/**
 * indexSelect on a contiguous input: the selected slices along `dim` are runs of `inner` elements,
 * so each is one block copy (`TypedArray.set` is a memmove) instead of an index walk per element.
 * This is what batches a DataLoader (rows of a [samples, features] tensor) and embedding lookups.
 */
export function fastIndexSelect(ctx: KernelContext, x: View, dim: number, index: View, out: Storage): boolean {
  if (!isContiguous(x) || index.shape.length !== 1 || index.storage.dtype !== "int32") return false;
  if (x.storage.dtype !== out.dtype) return false;
  let outer = 1, inner = 1;
  for (let i = 0; i < dim; i++) outer *= x.shape[i];
  for (let i = dim + 1; i < x.shape.length; i++) inner *= x.shape[i];
  const size = x.shape[dim], count = index.shape[0];
  const idx = ctx.array(index.storage) as Int32Array;
  const src: TypedArray = ctx.array(x.storage), dst: TypedArray = ctx.array(out);
  const base = x.offset, step = index.strides[0], start = index.offset;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const from = base + (o * size + idx[start + i * step]) * inner;
      dst.set(src.subarray(from, from + inner), (o * count + i) * inner);
    }
  }
  return true;
}
