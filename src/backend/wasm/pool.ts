import type { Storage, View } from "../backend.js";
import type { Window2d } from "../../core/ops/conv.js";
import type { KernelContext } from "./context.js";
import { pointers } from "./gemm.js";
import { isContiguous, metaBlock } from "./strided.js";
import type { KernelCall } from "./threads.js";

// Max pooling (kernels/assembly/pool.ts): calls over ranges of planes; no reductions across calls, so
// any split gives the same result.

/**
 * @internal What the tests shrink to split small inputs: max pooling moves about 1 ns per input
 * element, so a share of fewer than 2^18 elements is not worth a thread's hand-off.
 */
export const poolTuning = { minElementsPerThread: 1 << 18 };

/** Writes the spatial words of a window to the meta block (the layout of kernels/assembly/conv.ts). */
export function writeWindow(words: Int32Array, w: Window2d): void {
  words[2] = w.inH; words[3] = w.inW; words[6] = w.kernelH; words[7] = w.kernelW;
  words[8] = w.strideH; words[9] = w.strideW; words[10] = w.padH; words[11] = w.padW;
  words[12] = w.dilationH; words[13] = w.dilationW; words[14] = w.outH; words[15] = w.outW;
}

/** [start, end) ranges cutting `total` into `count` near-equal parts. */
export function ranges(total: number, count: number): Array<[number, number]> {
  return Array.from({ length: count }, (_, i) =>
    [Math.floor((total * i) / count), Math.floor((total * (i + 1)) / count)] as [number, number]);
}

interface PoolPlan { meta: number; chunks: Array<[number, number]>; scratch: number[] }

function poolCalls(ctx: KernelContext, planes: number, w: Window2d): PoolPlan | null {
  if (planes === 0 || w.outH * w.outW === 0) return null;
  const meta = metaBlock(ctx);
  writeWindow(meta.i32, w);
  const elements = planes * w.inH * w.inW;
  const threads = Math.max(1, Math.min(ctx.pool.size, planes,
    Math.floor(elements / poolTuning.minElementsPerThread)));
  const chunks = ranges(planes, Math.min(planes, 2 * threads));
  // the pool appends a scratch pointer to each call; the pooling kernels take none
  return { meta: meta.ptr, chunks, scratch: new Array<number>(threads).fill(0) };
}

export function fastMaxPool2d(ctx: KernelContext, x: View, planes: number, w: Window2d, out: Storage,
  indices: Storage): boolean {
  const float32 = x.storage.dtype === "float32" && out.dtype === "float32";
  if (!float32 || !isContiguous(x) || indices.dtype !== "int32") return false;
  const plan = poolCalls(ctx, planes, w);
  if (plan === null) return false;
  const [px, py, pi] = pointers(ctx, [x.storage, out, indices]);
  const calls = plan.chunks.map(([p0, p1]): KernelCall =>
    ["max_pool2d_f32", plan.meta, px + 4 * x.offset, py, pi, p0, p1]);
  ctx.pool.run(ctx.exports, calls, plan.scratch);
  return true;
}

export function fastMaxPool2dBackward(ctx: KernelContext, grad: View, indices: View, planes: number,
  w: Window2d, out: Storage): boolean {
  if (grad.storage.dtype !== "float32" || out.dtype !== "float32" || !isContiguous(grad) ||
    indices.storage.dtype !== "int32" || !isContiguous(indices)) return false;
  const plan = poolCalls(ctx, planes, w);
  if (plan === null) return false;
  const [pg, pi, pd] = pointers(ctx, [grad.storage, indices.storage, out]);
  const calls = plan.chunks.map(([p0, p1]): KernelCall =>
    ["max_pool2d_backward_f32", plan.meta, pg + 4 * grad.offset, pi + 4 * indices.offset, pd, p0, p1]);
  ctx.pool.run(ctx.exports, calls, plan.scratch);
  return true;
}
