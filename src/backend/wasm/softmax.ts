import type { Storage, View } from "../backend.js";
import type { KernelContext } from "./context.js";

/** Float32 row-wise softmax / log-softmax in WebAssembly (float64 stays on the reference). */
export function fastSoftmax(ctx: KernelContext, x: View, rows: number, cols: number, out: Storage,
  log: boolean): boolean {
  if (x.storage.dtype !== "float32" || out.dtype !== "float32") return false;
  if (rows * cols === 0) return true;
  ctx.exports.softmax_f32(ctx.ptr(x.storage) + x.offset * 4, ctx.ptr(out), rows, cols, log ? 1 : 0);
  return true;
}

export function fastSoftmaxBackward(ctx: KernelContext, y: View, g: View, rows: number, cols: number,
  out: Storage, log: boolean): boolean {
  if (y.storage.dtype !== "float32" || g.storage.dtype !== "float32" || out.dtype !== "float32") return false;
  if (rows * cols === 0) return true;
  ctx.exports.softmax_backward_f32(ctx.ptr(y.storage) + y.offset * 4, ctx.ptr(g.storage) + g.offset * 4,
    ctx.ptr(out), rows, cols, log ? 1 : 0);
  return true;
}
