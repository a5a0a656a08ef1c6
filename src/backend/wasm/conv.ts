import type { Storage, View } from "../backend.js";
import type { Conv2dGeometry } from "../../core/ops/conv.js";
import type { KernelContext } from "./context.js";
import { pointers } from "./gemm.js";
import { ranges, writeWindow } from "./pool.js";
import { isContiguous, metaBlock } from "./strided.js";
import type { KernelCall } from "./threads.js";

/**
 * How the wasm kernels (kernels/assembly/conv.ts, winograd.ts) run a convolution: "pointwise" (1×1,
 * stride 1, no padding) is a GEMM on the image itself; "direct" (one input channel per group:
 * depthwise) multiplies along rows, since a GEMM with K = kh·kw would mostly pack; "winograd" (3×3,
 * stride 1, enough channels for its GEMMs) does 2.25× fewer multiply-adds; everything else unfolds
 * blocks of output rows (im2col) and multiplies them by the weight, one GEMM per image and group.
 */
export type ConvPath = "im2col" | "pointwise" | "direct" | "winograd";
const PATH_CODES: Record<ConvPath, number> = { im2col: 0, pointwise: 1, direct: 2, winograd: 3 };

export function convPath(g: Conv2dGeometry): ConvPath {
  if (g.kernelH === 1 && g.kernelW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 &&
    g.padW === 0 && g.outH === g.inH && g.outW === g.inW) return "pointwise";
  const cg = g.inChannels / g.groups, og = g.outChannels / g.groups;
  if (cg === 1 && g.groups > 1) return "direct";
  if (g.kernelH === 3 && g.kernelW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 &&
    g.dilationW === 1 && g.padH <= 2 && g.padW <= 2 && Math.min(cg, og) >= convTuning.winogradMinChannels &&
    g.inChannels * (g.inH + 6) * (g.inW + 10) * 4 <= convTuning.winogradMaxImageBytes) return "winograd";
  return "im2col";
}

/**
 * @internal Sizes the tests shrink to reach every code path on small inputs. A column block of about
 * 1 MiB stays in L2 (2 MiB per core here) while the GEMM packs it right after im2col. As in gemm.ts,
 * below about 2^20 multiply-adds a thread costs more in hand-off than it saves.
 */
export const convTuning = {
  columnBlockBytes: 1 << 20, minMacsPerThread: 1 << 20,
  /** Winograd below this many channels per group (in or out) loses to im2col: its GEMMs get too thin. */
  winogradMinChannels: 8,
  /** Winograd copies whole zero-padded images into the workspace; larger ones take im2col. */
  winogradMaxImageBytes: 4 << 20,
  /** Transformed tiles (inputs and products) of one Winograd block: about half of L2. */
  winogradBlockBytes: 1 << 20,
};
// Calls over image ranges: a fixed count, so the weight gradient's partial sums are the same (and are
// added in the same order) whatever the number of threads; 8 also balances two to four threads.
const CHUNKS = 8;

interface Workspace { bytes: number; ptrs: number[] }
const workspaces = new WeakMap<KernelContext, Workspace>();

/** One workspace per thread (GEMM packing, then the column block), grown when a layer needs more. */
export function threadWorkspaces(ctx: KernelContext, bytes: number, threads: number): number[] {
  let ws = workspaces.get(ctx);
  if (ws === undefined) workspaces.set(ctx, ws = { bytes: 0, ptrs: [] });
  if (ws.bytes < bytes) {
    for (const p of ws.ptrs) ctx.heap.free(p, ws.bytes);
    ws.ptrs = [];
    ws.bytes = bytes;
  }
  while (ws.ptrs.length < threads) ws.ptrs.push(ctx.heap.alloc(ws.bytes));
  return ws.ptrs.slice(0, threads);
}

function usable(views: readonly (View | null)[], outs: readonly (Storage | null)[]): boolean {
  for (const v of views) if (v !== null && (v.storage.dtype !== "float32" || !isContiguous(v))) return false;
  for (const s of outs) if (s !== null && s.dtype !== "float32") return false;
  return true;
}

interface Prepared { meta: number; path: ConvPath; chunks: Array<[number, number]>; scratch: number[] }

/**
 * Meta block, image ranges and per-thread workspaces of one convolution pass (mode 0 forward, 1 input
 * gradient, 2 weight gradient); null leaves it to the reference kernels.
 */
function prepare(ctx: KernelContext, g: Conv2dGeometry, mode: number): Prepared | null {
  const cg = g.inChannels / g.groups, taps = cg * g.kernelH * g.kernelW;
  if (g.batch === 0 || taps === 0 || g.outChannels === 0 || g.outH * g.outW === 0) return null;
  const path = convPath(g);
  const rows = Math.max(1, Math.min(g.outH, Math.floor(convTuning.columnBlockBytes / (taps * g.outW * 4))));
  const chunks = ranges(g.batch, Math.min(g.batch, CHUNKS));
  const meta = metaBlock(ctx), words = meta.i32;
  writeWindow(words, g);
  words[0] = g.batch; words[1] = g.inChannels; words[4] = g.outChannels; words[5] = g.groups;
  words[16] = PATH_CODES[path]; words[17] = rows;
  // Winograd: images per block, so that a block's transformed tiles fill about winogradBlockBytes
  const tiles = Math.max(Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2),
    Math.ceil(g.inH / 2) * Math.ceil(g.inW / 2));
  const perImage = 64 * tiles * (cg + g.outChannels / g.groups);
  const most = Math.ceil(g.batch / chunks.length);
  const fit = Math.max(1, Math.floor(convTuning.winogradBlockBytes / perImage));
  words[18] = Math.ceil(most / Math.ceil(most / Math.min(most, fit)));
  const macs = g.batch * g.outChannels * taps * g.outH * g.outW;
  const threads = Math.max(1, Math.min(ctx.pool.size, chunks.length,
    Math.floor(macs / convTuning.minMacsPerThread)));
  const extra = path === "im2col" ? taps * rows * g.outW * 4
    : path === "winograd" ? ctx.exports.winograd_workspace_bytes(meta.ptr, mode) : 0;
  const scratch = threadWorkspaces(ctx, ctx.exports.conv_cols_offset() + extra, threads);
  return { meta: meta.ptr, path, chunks, scratch };
}

/** Winograd's transformed kernels [groups][16][og][cg] in a heap block the caller frees (`rotate`: 180°). */
function winogradWeights(ctx: KernelContext, weight: View, g: Conv2dGeometry, rotate: boolean): number {
  const cg = g.inChannels / g.groups;
  const u = ctx.heap.alloc(16 * g.outChannels * cg * 4);
  const [pw] = pointers(ctx, [weight.storage]);
  ctx.exports.winograd_weights_f32(pw + 4 * weight.offset, g.outChannels, cg, g.groups, rotate ? 1 : 0, u);
  return u;
}

export function fastConv2d(ctx: KernelContext, x: View, weight: View, bias: View | null, g: Conv2dGeometry,
  out: Storage): boolean {
  if (!usable([x, weight, bias], [out])) return false;
  const plan = prepare(ctx, g, 0);
  if (plan === null) return false;
  const u = plan.path === "winograd" ? winogradWeights(ctx, weight, g, false) : 0;
  try {
    const storages = [x.storage, weight.storage, out, ...(bias === null ? [] : [bias.storage])];
    const [px, pw, py, pb] = pointers(ctx, storages);
    const biasPtr = bias === null ? 0 : pb + 4 * bias.offset;
    const calls = plan.chunks.map(([n0, n1]): KernelCall => u !== 0
      ? ["winograd_f32", plan.meta, px + 4 * x.offset, u, biasPtr, py, 0, n0, n1]
      : ["conv2d_f32", plan.meta, px + 4 * x.offset, pw + 4 * weight.offset, biasPtr, py, n0, n1]);
    ctx.pool.run(ctx.exports, calls, plan.scratch);
  } finally {
    if (u !== 0) ctx.heap.free(u, 16 * g.outChannels * (g.inChannels / g.groups) * 4);
  }
  return true;
}

export function fastConv2dBackwardInput(ctx: KernelContext, grad: View, weight: View, g: Conv2dGeometry,
  out: Storage): boolean {
  if (!usable([grad, weight], [out])) return false;
  const plan = prepare(ctx, g, 1);
  if (plan === null) return false;
  const u = plan.path === "winograd" ? winogradWeights(ctx, weight, g, true) : 0;
  try {
    const [pg, pw, pd] = pointers(ctx, [grad.storage, weight.storage, out]);
    const calls = plan.chunks.map(([n0, n1]): KernelCall => u !== 0
      ? ["winograd_f32", plan.meta, pg + 4 * grad.offset, u, 0, pd, 1, n0, n1]
      : ["conv2d_backward_input_f32", plan.meta, pg + 4 * grad.offset, pw + 4 * weight.offset, pd, n0, n1]);
    ctx.pool.run(ctx.exports, calls, plan.scratch);
  } finally {
    if (u !== 0) ctx.heap.free(u, 16 * g.outChannels * (g.inChannels / g.groups) * 4);
  }
  return true;
}

/** Each image range writes a partial weight (and bias) gradient; they are then added in range order. */
export function fastConv2dBackwardWeight(ctx: KernelContext, x: View, grad: View, g: Conv2dGeometry,
  out: Storage, biasOut: Storage | null): boolean {
  if (!usable([x, grad], [out, biasOut])) return false;
  const plan = prepare(ctx, g, 2);
  if (plan === null) return false;
  const size = out.size, count = plan.chunks.length, o = g.outChannels;
  const partBytes = 4 * count * (size + (biasOut === null ? 0 : o));
  const parts = ctx.heap.alloc(partBytes);
  const kernel = plan.path === "winograd" ? "winograd_backward_weight_f32" : "conv2d_backward_weight_f32";
  try {
    const storages = [x.storage, grad.storage, out, ...(biasOut === null ? [] : [biasOut])];
    const [px, pg, pd, pb] = pointers(ctx, storages);
    const biasParts = parts + 4 * count * size;
    const calls = plan.chunks.map(([n0, n1], i): KernelCall => [kernel, plan.meta, px + 4 * x.offset,
      pg + 4 * grad.offset, parts + 4 * i * size, biasOut === null ? 0 : biasParts + 4 * i * o, n0, n1]);
    ctx.pool.run(ctx.exports, calls, plan.scratch);
    ctx.exports.conv_sum_f32(parts, count, size, pd);
    if (biasOut !== null) ctx.exports.conv_sum_f32(biasParts, count, o, pb);
  } finally {
    ctx.heap.free(parts, partBytes);
  }
  return true;
}
