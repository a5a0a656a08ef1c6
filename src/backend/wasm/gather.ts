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
  if (inner === 1) {
    // single elements (im2col gathers one pixel per index): a plain loop beats a subarray per element
    for (let o = 0; o < outer; o++) {
      const row = base + o * size, to = o * count;
      for (let i = 0; i < count; i++) dst[to + i] = src[row + idx[start + i * step]];
    }
    return true;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const from = base + (o * size + idx[start + i * step]) * inner;
      dst.set(src.subarray(from, from + inner), (o * count + i) * inner);
    }
  }
  return true;
}

/** indexAdd into a contiguous output (the adjoint of indexSelect: col2im for convolutions). */
export function fastIndexAdd(ctx: KernelContext, out: Storage, outShape: readonly number[], dim: number,
  index: View, src: View): boolean {
  if (!isContiguous(src) || index.shape.length !== 1 || index.storage.dtype !== "int32") return false;
  if (src.storage.dtype !== out.dtype) return false;
  let outer = 1, inner = 1;
  for (let i = 0; i < dim; i++) outer *= outShape[i];
  for (let i = dim + 1; i < outShape.length; i++) inner *= outShape[i];
  const size = outShape[dim], count = index.shape[0];
  const idx = ctx.array(index.storage) as Int32Array;
  const from: TypedArray = ctx.array(src.storage), dst: TypedArray = ctx.array(out);
  const base = src.offset, step = index.strides[0], start = index.offset;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const to = (o * size + idx[start + i * step]) * inner, at = base + (o * count + i) * inner;
      for (let k = 0; k < inner; k++) dst[to + k] += from[at + k];
    }
  }
  return true;
}
