import type { Storage } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import { adamScalars, checkStepStorages } from "../js/optim.js";
import type { KernelContext } from "../wasm/context.js";
import { adamFlags, sgdFlags, stepPointers } from "../wasm/optim.js";
import type { NativeAddon } from "./addon.js";
import { heapBytes } from "./gemm.js";

const adamDesc = new Float64Array(16), sgdDesc = new Float64Array(9);

/**
 * Adam/AdamW step on the native kernel (float32, all storages in the heap); false when the caller's
 * wasm kernel should run instead (float64, or a storage evicted from the heap).
 */
export function nativeAdamStep(addon: NativeAddon, ctx: KernelContext, p: Storage, g: Storage,
  expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null, n: number, o: AdamStepOptions): boolean {
  checkStepStorages("adamStep", n, [p, g, expAvg, expAvgSq, maxExpAvgSq]);
  if (p.dtype !== "float32" || (o.amsgrad && maxExpAvgSq === null)) return false;
  const ptrs = stepPointers(ctx, [p, g, expAvg, expAvgSq, o.amsgrad ? maxExpAvgSq : null]);
  if (ptrs === null) return false;
  const s = adamScalars(o), d = adamDesc;
  d[0] = ptrs[0]; d[1] = ptrs[1]; d[2] = ptrs[2]; d[3] = ptrs[3]; d[4] = o.amsgrad ? ptrs[4] : -1;
  d[5] = n; d[6] = o.beta1; d[7] = 1 - o.beta1; d[8] = o.beta2; d[9] = 1 - o.beta2; d[10] = o.weightDecay;
  d[11] = s.decay; d[12] = s.stepSize; d[13] = s.biasCorrection2Sqrt; d[14] = o.eps; d[15] = adamFlags(o);
  addon.adam(heapBytes(ctx), d);
  return true;
}

/** SGD step on the native kernel; false when the wasm kernel should run (as for `nativeAdamStep`). */
export function nativeSgdStep(addon: NativeAddon, ctx: KernelContext, p: Storage, g: Storage,
  buf: Storage | null, n: number, o: SgdStepOptions): boolean {
  checkStepStorages("sgdStep", n, [p, g, buf]);
  const useMomentum = o.momentum !== 0;
  if (p.dtype !== "float32" || (useMomentum && buf === null)) return false;
  const ptrs = stepPointers(ctx, [p, g, useMomentum ? buf : null]);
  if (ptrs === null) return false;
  const d = sgdDesc;
  d[0] = ptrs[0]; d[1] = ptrs[1]; d[2] = useMomentum ? ptrs[2] : -1; d[3] = n; d[4] = o.lr;
  d[5] = o.momentum; d[6] = 1 - o.dampening; d[7] = o.weightDecay; d[8] = sgdFlags(o);
  addon.sgd(heapBytes(ctx), d);
  return true;
}
