import type { Storage, View } from "../backend.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import type { KernelContext } from "./context.js";
import { threadWorkspaces } from "./conv.js";
import { pointers } from "./gemm.js";
import { ranges } from "./pool.js";
import { isContiguous } from "./strided.js";
import type { KernelCall } from "./threads.js";

// Batch normalization (kernels/assembly/norm.ts): calls over ranges of channels, each channel's sums
// within one call, so any split gives the same result.

/**
 * @internal What the tests shrink to split small inputs: normalizing moves about 1 ns per element
 * over three passes, so a share below about 2^17 elements is not worth a thread's hand-off.
 */
export const normTuning = { minElementsPerThread: 1 << 17 };

function usable(views: readonly (View | null)[], outs: readonly (Storage | null)[]): boolean {
  for (const v of views) if (v !== null && (v.storage.dtype !== "float32" || !isContiguous(v))) return false;
  for (const s of outs) if (s !== null && s.dtype !== "float32") return false;
  return true;
}

/** Channel ranges and per-thread workspaces (the backward keeps two doubles there); null: empty. */
interface Plan { chunks: Array<[number, number]>; scratch: number[] }

function plan(ctx: KernelContext, s: BatchNormShape): Plan | null {
  if (s.channels === 0 || s.outer * s.inner === 0) return null;
  const elements = s.outer * s.channels * s.inner;
  const threads = Math.max(1, Math.min(ctx.pool.size, s.channels,
    Math.floor(elements / normTuning.minElementsPerThread)));
  const scratch = threadWorkspaces(ctx, ctx.exports.conv_cols_offset(), threads);
  return { chunks: ranges(s.channels, Math.min(s.channels, 2 * threads)), scratch };
}

export function fastBatchNorm(ctx: KernelContext, x: View, weight: View | null, bias: View | null,
  s: BatchNormShape, eps: number, out: Storage, mean: Storage, variance: Storage): boolean {
  if (!usable([x, weight, bias], [out, mean, variance])) return false;
  const p = plan(ctx, s);
  if (p === null) return false;
  const [px, py, pm, pv, pw, pb] = pointers(ctx, [x.storage, out, mean, variance,
    ...(weight === null ? [] : [weight.storage]), ...(bias === null ? [] : [bias.storage])]);
  const w = weight === null ? 0 : pw + 4 * weight.offset;
  const b = bias === null ? 0 : (weight === null ? pw : pb) + 4 * bias.offset;
  const calls = p.chunks.map(([c0, c1]): KernelCall => ["batch_norm_f32", px + 4 * x.offset, w, b, py, pm, pv,
    s.outer, s.channels, s.inner, eps, c0, c1]);
  ctx.pool.run(ctx.exports, calls, p.scratch);
  return true;
}

export function fastBatchNormBackward(ctx: KernelContext, x: View, grad: View, weight: View | null,
  mean: View, variance: View, s: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
  dbias: Storage | null): boolean {
  if (!usable([x, grad, weight, mean, variance], [dx, dweight, dbias])) return false;
  const p = plan(ctx, s);
  if (p === null) return false;
  const optional = [weight?.storage ?? null, dx, dweight, dbias];
  const present = optional.filter((o): o is Storage => o !== null);
  const ptrs = pointers(ctx, [x.storage, grad.storage, mean.storage, variance.storage, ...present]);
  let next = 4;
  const [pw, pdx, pdw, pdb] = optional.map((o) => (o === null ? 0 : ptrs[next++]));
  const w = weight === null ? 0 : pw + 4 * weight.offset;
  const calls = p.chunks.map(([c0, c1]): KernelCall => ["batch_norm_backward_f32", ptrs[0] + 4 * x.offset,
    ptrs[1] + 4 * grad.offset, w, ptrs[2] + 4 * mean.offset, ptrs[3] + 4 * variance.offset, pdx, pdw, pdb,
    s.outer, s.channels, s.inner, eps, c0, c1]);
  ctx.pool.run(ctx.exports, calls, p.scratch);
  return true;
}
