import type { BinaryOp, Storage, UnaryOp, View } from "../backend.js";
import type { KernelContext } from "./context.js";

// Fast elementwise kernels: return false to let the reference kernel run instead.
export function fastUnary(_ctx: KernelContext, _op: UnaryOp, _x: View, _out: Storage, _p0?: number, _p1?: number): boolean {
  return false;
}
export function fastBinary(_ctx: KernelContext, _op: BinaryOp, _a: View, _b: View, _out: Storage): boolean {
  return false;
}
export function fastWhere(_ctx: KernelContext, _cond: View, _a: View, _b: View, _out: Storage): boolean {
  return false;
}

/** Runs the hot kernels a few times so V8 tiers them up before the user's first call. */
export function warmUpElementwise(_ctx: KernelContext): void {}
