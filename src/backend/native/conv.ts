import type { Storage, View } from "../backend.js";
import type { Conv2dGeometry } from "../../core/ops/conv.js";
import type { KernelContext } from "../wasm/context.js";
import { pointers } from "../wasm/gemm.js";
import { isContiguous } from "../wasm/strided.js";
import { getNumThreads } from "../wasm/threads.js";
import type { NativeAddon } from "./addon.js";
import { heapBytes } from "./gemm.js";

const FORWARD = 0, BACKWARD_INPUT = 1, BACKWARD_WEIGHT = 2;
const desc = new Float64Array(23);

/**
 * Whether the native im2col + GEMM kernels take this convolution: float32 contiguous views, and not a
 * depthwise one (one input channel per group: its GEMMs would be a single row, the wasm kernels'
 * direct path is faster there).
 */
function usable(g: Conv2dGeometry, views: readonly (View | null)[],
  outs: readonly (Storage | null)[]): boolean {
  if (g.inChannels / g.groups === 1 && g.groups > 1) return false;
  for (const v of views) if (v !== null && (v.storage.dtype !== "float32" || !isContiguous(v))) return false;
  for (const s of outs) if (s !== null && s.dtype !== "float32") return false;
  return true;
}

function run(addon: NativeAddon, ctx: KernelContext, mode: number, g: Conv2dGeometry, a: View, b: View,
  bias: View | null, out: Storage, biasOut: Storage | null): void {
  const storages = [a.storage, b.storage, out, bias?.storage ?? null, biasOut];
  const present = storages.filter((s): s is Storage => s !== null);
  const ptrs = pointers(ctx, present);
  const ptr = (s: Storage | null): number => (s === null ? -1 : ptrs[present.indexOf(s)]);
  const d = desc;
  d[0] = getNumThreads(); d[1] = mode; d[2] = g.batch; d[3] = g.inChannels; d[4] = g.inH; d[5] = g.inW;
  d[6] = g.outChannels; d[7] = g.groups; d[8] = g.kernelH; d[9] = g.kernelW; d[10] = g.strideH;
  d[11] = g.strideW; d[12] = g.padH; d[13] = g.padW; d[14] = g.dilationH; d[15] = g.dilationW;
  d[16] = g.outH; d[17] = g.outW;
  d[18] = ptr(a.storage) + 4 * a.offset; d[19] = ptr(b.storage) + 4 * b.offset;
  d[20] = bias === null ? -1 : ptr(bias.storage) + 4 * bias.offset; d[21] = ptr(out); d[22] = ptr(biasOut);
  addon.conv2d(heapBytes(ctx), d);
}

/** conv2d forward on the native kernels; false leaves it to the wasm ones. */
export function nativeConv2d(addon: NativeAddon, ctx: KernelContext, x: View, weight: View, bias: View | null,
  g: Conv2dGeometry, out: Storage): boolean {
  if (!usable(g, [x, weight, bias], [out])) return false;
  run(addon, ctx, FORWARD, g, x, weight, bias, out, null);
  return true;
}

/** conv2d's input gradient (col2im of Wᵀ·dy) on the native kernels; false leaves it to wasm. */
export function nativeConv2dBackwardInput(addon: NativeAddon, ctx: KernelContext, grad: View, weight: View,
  g: Conv2dGeometry, out: Storage): boolean {
  if (!usable(g, [grad, weight], [out])) return false;
  run(addon, ctx, BACKWARD_INPUT, g, grad, weight, null, out, null);
  return true;
}

/** conv2d's weight (and bias) gradient on the native kernels; false leaves it to wasm. */
export function nativeConv2dBackwardWeight(addon: NativeAddon, ctx: KernelContext, x: View, grad: View,
  g: Conv2dGeometry, out: Storage, biasOut: Storage | null): boolean {
  if (!usable(g, [x, grad], [out, biasOut])) return false;
  run(addon, ctx, BACKWARD_WEIGHT, g, x, grad, null, out, biasOut);
  return true;
}
