import type { ArgReduceOp, ReduceOp, Storage, View } from "../backend.js";
import { Reduce } from "../opcodes.js";
import type { KernelContext } from "./context.js";
import { gatherInto } from "./copy.js";
import { MAX_DIMS, numel } from "./strided.js";

/** Rows up to which a column sum stays in float32 (COL_BLOCK in kernels/assembly/reduce.ts). */
const COL_BLOCK = 64;

// merged kept and reduced dims of the current call (see mergeGroup)
const keptShape = new Array<number>(MAX_DIMS).fill(0), keptStrides = new Array<number>(MAX_DIMS).fill(0);
const redShape = new Array<number>(MAX_DIMS).fill(0), redStrides = new Array<number>(MAX_DIMS).fill(0);

/**
 * Merges the dims of x that are (reduced = true) or are not in `axes`, in order, dropping size-1
 * dims and joining neighbours the view steps over as one. Returns the count, -1 if a dim is empty.
 */
function mergeGroup(x: View, axes: readonly number[], reduced: boolean, shape: number[],
  strides: number[]): number {
  let n = 0;
  for (let d = 0; d < x.shape.length; d++) {
    if (axes.includes(d) !== reduced) continue;
    const size = x.shape[d], stride = x.strides[d];
    if (size === 0) return -1;
    if (size === 1) continue;
    if (n > 0 && strides[n - 1] === stride * size) {
      shape[n - 1] *= size;
      strides[n - 1] = stride;
    } else {
      shape[n] = size;
      strides[n] = stride;
      n++;
    }
  }
  return n;
}

/** x with the `axes` dims moved last (the kept dims first, in order). */
function keptThenReduced(x: View, axes: readonly number[]): View {
  const order = [...x.shape.keys()].filter((d) => !axes.includes(d)).concat(axes);
  return { storage: x.storage, offset: x.offset, shape: order.map((d) => x.shape[d]),
    strides: order.map((d) => x.strides[d]) };
}

/**
 * sum/max/min/prod (float32; int32 without prod). Rows (reduced dims contiguous, kept dims one
 * stride apart) and columns (the kept dim contiguous, as x[N,C] → [C]) run in place; any other axis
 * set is gathered into a kept-then-reduced scratch copy first.
 */
export function fastReduce(ctx: KernelContext, op: ReduceOp, x: View, axes: readonly number[],
  out: Storage): boolean {
  const dtype = x.storage.dtype;
  if (out.dtype !== dtype || dtype === "float64" || (dtype === "int32" && op === "prod")) return false;
  const k = mergeGroup(x, axes, false, keptShape, keptStrides);
  if (k < 0) return true;
  const r = mergeGroup(x, axes, true, redShape, redStrides);
  if (r < 0) return false; // an empty reduction: the reference gives the identities
  if (r === 0) return gatherInto(ctx, x, ctx.ptr(out));
  const code = Reduce[op], e = ctx.exports;
  const rows = dtype === "float32" ? e.reduce_rows_f32 : e.reduce_rows_i32;
  if (k <= 1 && r === 1 && redStrides[0] === 1) {
    const px = ctx.ptr(x.storage) + x.offset * 4;
    rows(code, px, k ? keptStrides[0] : 0, ctx.ptr(out), k ? keptShape[0] : 1, redShape[0]);
    return true;
  }
  if (dtype === "float32" && k === 1 && r === 1 && keptStrides[0] === 1) {
    const n = redShape[0], cols = keptShape[0];
    const accBytes = code === 0 && n > COL_BLOCK ? cols * 8 : 0;
    const acc = accBytes ? ctx.heap.alloc(accBytes) : 0;
    e.reduce_cols_f32(code, ctx.ptr(x.storage) + x.offset * 4, redStrides[0], ctx.ptr(out), n, cols, acc);
    if (accBytes) ctx.heap.free(acc, accBytes);
    return true;
  }
  const keptSize = numel(keptShape.slice(0, k)), size = keptSize * numel(redShape.slice(0, r));
  const scratch = ctx.heap.alloc(size * 4);
  gatherInto(ctx, keptThenReduced(x, axes), scratch);
  rows(code, scratch, size / keptSize, ctx.ptr(out), keptSize, size / keptSize);
  ctx.heap.free(scratch, size * 4);
  return true;
}

/** argmax/argmin along one axis (float32 or int32 input): in place when the other dims merge to one. */
export function fastArgReduce(ctx: KernelContext, op: ArgReduceOp, x: View, axis: number,
  out: Storage): boolean {
  const dtype = x.storage.dtype;
  if (dtype === "float64" || out.dtype !== "int32") return false;
  const axes = [axis];
  const k = mergeGroup(x, axes, false, keptShape, keptStrides);
  if (k < 0) return true;
  const inner = x.shape[axis], isMin = op === "argmin" ? 1 : 0;
  const kernel = dtype === "float32" ? ctx.exports.argreduce_f32 : ctx.exports.argreduce_i32;
  if (k <= 1) {
    const px = ctx.ptr(x.storage) + x.offset * 4;
    kernel(isMin, px, k ? keptStrides[0] : 0, x.strides[axis], ctx.ptr(out), k ? keptShape[0] : 1, inner);
    return true;
  }
  const outer = numel(keptShape.slice(0, k)), size = outer * inner;
  const scratch = ctx.heap.alloc(Math.max(size, 1) * 4);
  gatherInto(ctx, keptThenReduced(x, axes), scratch);
  kernel(isMin, scratch, inner, 1, ctx.ptr(out), outer, inner);
  ctx.heap.free(scratch, Math.max(size, 1) * 4);
  return true;
}
