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
export function fastIndexSelect(ctx: KernelContext, x: View, dim: number, index: View,
  out: Storage): boolean {
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

/**
 * Walks the coordinates of `shape` in row-major order, keeping three running offsets (strides in
 * `a`, `b`, `c`, with dimension `skip` left out of `a`); calls `visit` with the offsets and the
 * coordinate along `skip`. A flat odometer, where the reference recomputes each offset: a loss's
 * gather of one column per row is then a few hundred nanoseconds, not tens of microseconds.
 */
function walk3(shape: readonly number[], skip: number, a: readonly number[], b: readonly number[],
  c: readonly number[], start: [number, number, number],
  visit: (oa: number, ob: number, oc: number) => void) {
  const nd = shape.length;
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return;
  const coord = new Array<number>(nd).fill(0);
  let [oa, ob, oc] = start;
  for (let k = 0; k < n; k++) {
    visit(oa, ob, oc);
    for (let d = nd - 1; d >= 0; d--) {
      const sa = d === skip ? 0 : a[d];
      if (++coord[d] < shape[d]) { oa += sa; ob += b[d]; oc += c[d]; break; }
      coord[d] = 0;
      oa -= sa * (shape[d] - 1); ob -= b[d] * (shape[d] - 1); oc -= c[d] * (shape[d] - 1);
    }
  }
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  return strides;
}

/** gather along `dim` with an int32 index of any layout, into a contiguous output. */
export function fastGather(ctx: KernelContext, x: View, dim: number, index: View, out: Storage): boolean {
  if (index.storage.dtype !== "int32" || x.storage.dtype !== out.dtype) return false;
  const src: TypedArray = ctx.array(x.storage), dst: TypedArray = ctx.array(out);
  const idx = ctx.array(index.storage) as Int32Array;
  const along = x.strides[dim];
  walk3(index.shape, dim, x.strides, index.strides, contiguousStrides(index.shape),
    [x.offset, index.offset, 0], (ox, oi, oo) => { dst[oo] = src[ox + idx[oi] * along]; });
  return true;
}

/** scatterAdd along `dim` into a contiguous output of `outShape`, the adjoint of fastGather. */
export function fastScatterAdd(ctx: KernelContext, out: Storage, outShape: readonly number[], dim: number,
  index: View, src: View): boolean {
  if (index.storage.dtype !== "int32" || src.storage.dtype !== out.dtype) return false;
  const from: TypedArray = ctx.array(src.storage), dst: TypedArray = ctx.array(out);
  const idx = ctx.array(index.storage) as Int32Array;
  const outStrides = contiguousStrides(outShape), along = outStrides[dim];
  walk3(index.shape, dim, outStrides, index.strides, src.strides, [0, index.offset, src.offset],
    (oo, oi, os) => { dst[oo + idx[oi] * along] += from[os]; });
  return true;
}
