import type { ArgReduceOp, ReduceOp, Storage, View } from "../backend.js";
import type { KernelContext } from "./context.js";

// Fast reductions: return false to let the reference kernel run instead.
export function fastReduce(_ctx: KernelContext, _op: ReduceOp, _x: View, _axes: readonly number[], _out: Storage): boolean {
  return false;
}
export function fastArgReduce(_ctx: KernelContext, _op: ArgReduceOp, _x: View, _axis: number, _out: Storage): boolean {
  return false;
}
