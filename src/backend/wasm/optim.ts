import type { Storage } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import { adamScalars, adamStepKernel, checkStepStorages, sgdStepKernel } from "../js/optim.js";
import { JsStorage } from "../js/strided.js";
import type { KernelContext } from "./context.js";
import { isWasmStorage } from "./storage.js";

// Bits of the kernels' `flags` argument, as in kernels/assembly/optim.ts.
const SGD_MAXIMIZE = 1, SGD_WEIGHT_DECAY = 2, SGD_MOMENTUM = 4, SGD_FIRST = 8, SGD_NESTEROV = 16;
const ADAM_MAXIMIZE = 1, ADAM_WEIGHT_DECAY = 2, ADAM_DECOUPLED = 4, ADAM_AMSGRAD = 8;

/**
 * Heap pointers of the storages, or null when they are not all in the heap at once: bringing back an
 * evicted storage allocates, and that may evict one touched a moment before (under memory pressure
 * the LRU sees its use as already past).
 */
export function stepPointers(ctx: KernelContext, storages: readonly (Storage | null)[]): number[] | null {
  const ptrs = storages.map((s) => (s === null ? 0 : ctx.ptr(s)));
  return storages.every((s) => s === null || !isEvicted(s)) ? ptrs : null;
}

function isEvicted(s: Storage): boolean {
  return isWasmStorage(s) && s.evicted !== null;
}

/**
 * The reference kernel's storage over wherever the data is after `pointers`, without copying: the heap,
 * or the JS array an evicted storage waits in (restoring it later brings the update along). Nothing is
 * restored here, so no view made here can be invalidated by the next.
 */
function inPlace(ctx: KernelContext, s: Storage): JsStorage {
  const data = isWasmStorage(s) && s.evicted !== null ? s.evicted : ctx.array(s);
  return new JsStorage(s.dtype, s.size, data);
}

/** SGD step: the SIMD kernel for float32, the reference loops in place for float64 (or under eviction). */
export function wasmSgdStep(ctx: KernelContext, p: Storage, g: Storage, buf: Storage | null, n: number,
  o: SgdStepOptions): void {
  checkStepStorages("sgdStep", n, [p, g, buf]);
  const useMomentum = o.momentum !== 0;
  if (useMomentum && buf === null) throw new Error("sgdStep: momentum needs a momentum buffer");
  const ptrs = stepPointers(ctx, [p, g, useMomentum ? buf : null]);
  if (ptrs === null || p.dtype !== "float32") {
    sgdStepKernel(inPlace(ctx, p), inPlace(ctx, g), useMomentum ? inPlace(ctx, buf as Storage) : null, n, o);
    return;
  }
  const [pp, gp, bp] = ptrs;
  ctx.exports.sgd_f32(pp, gp, bp, n, o.lr, o.momentum, 1 - o.dampening, o.weightDecay, sgdFlags(o));
}

/** The `flags` argument of the SGD kernels (wasm and native). */
export function sgdFlags(o: SgdStepOptions): number {
  return (o.maximize ? SGD_MAXIMIZE : 0) | (o.weightDecay !== 0 ? SGD_WEIGHT_DECAY : 0) |
    (o.momentum !== 0 ? SGD_MOMENTUM : 0) | (o.first ? SGD_FIRST : 0) | (o.nesterov ? SGD_NESTEROV : 0);
}

/** The `flags` argument of the Adam kernels (wasm and native). */
export function adamFlags(o: AdamStepOptions): number {
  const coupled = !o.decoupled && o.weightDecay !== 0;
  return (o.maximize ? ADAM_MAXIMIZE : 0) | (coupled ? ADAM_WEIGHT_DECAY : 0) |
    (o.decoupled ? ADAM_DECOUPLED : 0) | (o.amsgrad ? ADAM_AMSGRAD : 0);
}

/** Adam/AdamW step: the SIMD kernel for float32, the reference loops in place for float64 (or eviction). */
export function wasmAdamStep(ctx: KernelContext, p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage,
  maxExpAvgSq: Storage | null, n: number, o: AdamStepOptions): void {
  checkStepStorages("adamStep", n, [p, g, expAvg, expAvgSq, maxExpAvgSq]);
  if (o.amsgrad && maxExpAvgSq === null) throw new Error("adamStep: amsgrad needs maxExpAvgSq");
  const max = o.amsgrad ? maxExpAvgSq : null;
  const ptrs = stepPointers(ctx, [p, g, expAvg, expAvgSq, max]);
  if (ptrs === null || p.dtype !== "float32") {
    adamStepKernel(inPlace(ctx, p), inPlace(ctx, g), inPlace(ctx, expAvg), inPlace(ctx, expAvgSq),
      max === null ? null : inPlace(ctx, max), n, o);
    return;
  }
  const [pp, gp, mp, vp, xp] = ptrs;
  const s = adamScalars(o);
  const flags = adamFlags(o);
  // float32 arguments are rounded by the call itself, as the reference rounds its scalars
  ctx.exports.adam_f32(pp, gp, mp, vp, xp, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.weightDecay,
    s.decay, s.stepSize, s.biasCorrection2Sqrt, o.eps, flags);
}
