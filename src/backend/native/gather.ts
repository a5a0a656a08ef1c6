import type { Storage, View } from "../backend.js";
import type { KernelContext } from "../wasm/context.js";
import { pointers } from "../wasm/gemm.js";
import { isContiguous } from "../wasm/strided.js";
import type { NativeAddon } from "./addon.js";
import { heapBytes } from "./gemm.js";

const desc = new Float64Array(9);

/**
 * indexSelect of slices of a contiguous input (a batch of rows of a data set, embedding rows): one
 * memcpy per slice in C, where the wasm backend makes a subarray per slice in JavaScript. False (the
 * wasm kernel runs) for a strided input, a non-int32 or multi-dimensional index, or mixed dtypes.
 */
export function nativeIndexSelect(addon: NativeAddon, ctx: KernelContext, x: View, dim: number, index: View,
  out: Storage): boolean {
  if (!isContiguous(x) || index.shape.length !== 1 || index.storage.dtype !== "int32") return false;
  if (x.storage.dtype !== out.dtype || index.strides[0] < 0) return false;
  let outer = 1, inner = 1;
  for (let i = 0; i < dim; i++) outer *= x.shape[i];
  for (let i = dim + 1; i < x.shape.length; i++) inner *= x.shape[i];
  const bytes = x.storage.dtype === "float64" ? 8 : 4;
  const [px, pi, po] = pointers(ctx, [x.storage, index.storage, out]);
  desc[0] = px + bytes * x.offset; desc[1] = pi + 4 * index.offset; desc[2] = po; desc[3] = outer;
  desc[4] = x.shape[dim]; desc[5] = index.shape[0]; desc[6] = inner; desc[7] = index.strides[0];
  desc[8] = bytes;
  addon.indexSelect(heapBytes(ctx), desc);
  return true;
}
