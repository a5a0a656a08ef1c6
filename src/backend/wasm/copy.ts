import type { View } from "../backend.js";
import type { KernelContext } from "./context.js";
import { contiguousStrides, FILL_SLOT, mergeDims, metaBlock, writeMeta } from "./strided.js";

const denseStrides: number[] = [];

/**
 * Strided copy `src` → `dst` (same shape, same dtype; `src` may broadcast with stride 0) in one
 * kernel call. Returns false for a dtype conversion or more than MAX_DIMS dims after merging.
 */
export function fastCopy(ctx: KernelContext, src: View, dst: View): boolean {
  const dtype = src.storage.dtype;
  if (dst.storage.dtype !== dtype) return false;
  const nd = mergeDims(src.shape, src.strides, dst.strides);
  if (nd <= 0) return nd === 0;
  const size = dtype === "float64" ? 8 : 4;
  const ps = ctx.ptr(src.storage) + src.offset * size, pd = ctx.ptr(dst.storage) + dst.offset * size;
  ctx.exports.copy_nd(nd, writeMeta(ctx, nd, 2), ps, pd, size === 8 ? 1 : 0);
  return true;
}

/** Copies a strided view into a contiguous storage (or a contiguous block at byte `dstPtr`). */
export function gatherInto(ctx: KernelContext, src: View, dstPtr: number): boolean {
  const nd = mergeDims(src.shape, src.strides, contiguousStrides(src.shape, denseStrides));
  if (nd <= 0) return nd === 0;
  const size = src.storage.dtype === "float64" ? 8 : 4;
  const ps = ctx.ptr(src.storage) + src.offset * size;
  ctx.exports.copy_nd(nd, writeMeta(ctx, nd, 2), ps, dstPtr, size === 8 ? 1 : 0);
  return true;
}

/** Fills a view with one value: the value goes to a slot of the meta block and is broadcast from there. */
export function fastFill(ctx: KernelContext, dst: View, value: number): boolean {
  const dtype = dst.storage.dtype;
  const nd = mergeDims(dst.shape, dst.strides, dst.strides);
  if (nd <= 0) return nd === 0;
  const block = metaBlock(ctx);
  if (dtype === "float64") block.f64[FILL_SLOT >> 3] = value;
  else if (dtype === "float32") block.f32[FILL_SLOT >> 2] = value;
  else block.i32[FILL_SLOT >> 2] = value;
  const size = dtype === "float64" ? 8 : 4;
  const pd = ctx.ptr(dst.storage) + dst.offset * size;
  const meta = writeMeta(ctx, nd, 2);
  // the source walks nothing: its strides are all 0
  for (let d = 0; d < nd; d++) block.i32[nd + d] = 0;
  ctx.exports.copy_nd(nd, meta, meta + FILL_SLOT, pd, size === 8 ? 1 : 0);
  return true;
}
