import type { View } from "../backend.js";
import { gateCount, type RecurrentStep, type RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import type { KernelContext } from "../wasm/context.js";
import { addresses } from "../wasm/recurrent.js";
import type { NativeAddon } from "./addon.js";
import { nativeMatmul } from "./gemm.js";

/** A contiguous [rows, cols] view at offset 0 of a view's storage. */
function matrix(v: View, rows: number, cols: number): View {
  return { storage: v.storage, shape: [rows, cols], strides: [cols, 1], offset: v.offset };
}

/**
 * One forward step: hh = h_prev·W_hhᵀ on the native GEMM (threads split its columns), then the wasm
 * kernels' fused gate pass on the calling thread (it is O(batch·G·H), the GEMM O(batch·G·H²)). False
 * (the wasm step runs) for float64, an hh not at offset 0, or storages not all in the heap.
 */
export function nativeRecurrentForward(addon: NativeAddon, ctx: KernelContext, s: RecurrentStep): boolean {
  const H = s.hidden, B = s.batch, GH = gateCount(s.cell) * H, w = s.weight;
  if (w.storage.dtype !== "float32" || s.hh.offset !== 0 || B === 0 || H === 0) return false;
  const p = addresses(ctx, [s.hPrev, s.x, s.hh, s.bias, s.mask, s.gates, s.hNext, s.cPrev, s.cNext, s.extra]);
  if (p === null) return false;
  const weightT: View = { storage: w.storage, shape: [H, GH], strides: [w.strides[1], w.strides[0]],
    offset: w.offset };
  if (!nativeMatmul(addon, ctx, matrix(s.hPrev, B, H), weightT, s.hh.storage, false)) return false;
  const [hPrev, x, hh, bias, mask, gates, hNext, cPrev, cNext, extra] = p;
  const e = ctx.exports;
  if (s.cell === "lstm") e.lstm_forward_f32(B, H, x, hh, bias, hPrev, cPrev, mask, gates, hNext, cNext);
  else if (s.cell === "gru") e.gru_forward_f32(B, H, x, hh, bias, hPrev, mask, gates, hNext, extra);
  else e.rnn_forward_f32(B, H, s.cell === "rnnRelu" ? 1 : 0, x, hh, bias, hPrev, mask, gates, hNext);
  return true;
}

/** One backward step: the wasm gate adjoint, then dH += (dHh for a GRU, else dX)·W_hh on the native GEMM. */
export function nativeRecurrentBackward(addon: NativeAddon, ctx: KernelContext, s: RecurrentStep,
  g: RecurrentStepGrad): boolean {
  const H = s.hidden, B = s.batch, GH = gateCount(s.cell) * H, w = s.weight;
  if (w.storage.dtype !== "float32" || g.dH.offset !== 0 || B === 0 || H === 0) return false;
  const p = addresses(ctx, [s.gates, s.mask, g.dH, g.dOut, g.dX, s.cPrev, s.cNext, g.dC, s.hPrev, s.extra,
    g.dHh]);
  if (p === null) return false;
  const [gates, mask, dH, dOut, dX, cPrev, cNext, dC, hPrev, extra, dHh] = p;
  const e = ctx.exports;
  if (s.cell === "lstm") e.lstm_backward_f32(B, H, gates, cPrev, cNext, mask, dH, dOut, dC, dX);
  else if (s.cell === "gru") e.gru_backward_f32(B, H, gates, hPrev, extra, mask, dH, dOut, dX, dHh);
  else e.rnn_backward_f32(B, H, s.cell === "rnnRelu" ? 1 : 0, gates, mask, dH, dOut, dX);
  const dGates = matrix(s.cell === "gru" ? (g.dHh as View) : g.dX, B, GH);
  const weight: View = { storage: w.storage, shape: [GH, H], strides: w.strides, offset: w.offset };
  // float32 throughout (checked above): the native GEMM takes it
  nativeMatmul(addon, ctx, dGates, weight, g.dH.storage, true);
  return true;
}
