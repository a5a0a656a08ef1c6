import type { Storage, View } from "../backend.js";
import type { RecurrentStep, RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import type { KernelContext } from "./context.js";
import { isWasmStorage } from "./storage.js";
import { CALL_SLOTS } from "./worker-protocol.js";

/** Every view field of a step (or of its gradients) passed through `f`; null stays null. */
export function mapRecurrentViews<T extends RecurrentStep | RecurrentStepGrad>(step: T,
  f: (v: View) => View): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) {
    out[key] = value !== null && typeof value === "object" && "storage" in value ? f(value as View) : value;
  }
  return out as T;
}

const CELL_CODES = { lstm: 0, gru: 1, rnnTanh: 2, rnnRelu: 3 } as const;
// A thread's share of a step below this many multiply-adds costs more in hand-off than it saves (as gemm.ts).
const MIN_MACS_PER_THREAD = 1 << 20;
// arguments a pooled call can carry: CALL_SLOTS less the function index and the count (the workspace
// pointer is appended by the thread that runs the call, not stored)
const MAX_ARGS = CALL_SLOTS - 2;

/** Heap blocks of the step kernels, made once per backend: per-thread scratch and the packed weights. */
interface StepBuffers { workspaces: number[]; packed: { forward: Block; backward: Block } }
interface Block { ptr: number; bytes: number }
const buffers = new WeakMap<KernelContext, StepBuffers>();

function buffersOf(ctx: KernelContext): StepBuffers {
  let b = buffers.get(ctx);
  if (!b) {
    b = { workspaces: [], packed: { forward: { ptr: 0, bytes: 0 }, backward: { ptr: 0, bytes: 0 } } };
    buffers.set(ctx, b);
  }
  return b;
}

function workspaces(ctx: KernelContext, threads: number): number[] {
  const b = buffersOf(ctx);
  while (b.workspaces.length < threads) b.workspaces.push(ctx.heap.alloc(ctx.exports.rnn_workspace_bytes()));
  return b.workspaces.slice(0, threads);
}

/** The packed weight of this pass, (re)packed on its first step: k×n with B(p, j) = w[p·rsB + j·csB]. */
function packedWeight(ctx: KernelContext, which: "forward" | "backward", first: boolean, w: View, k: number,
  n: number, rsB: number, csB: number): number {
  const block = buffersOf(ctx).packed[which];
  const bytes = ctx.exports.rnn_packed_bytes(k, n);
  if (block.bytes < bytes) {
    if (block.bytes > 0) ctx.heap.free(block.ptr, block.bytes);
    block.ptr = ctx.heap.alloc(bytes);
    block.bytes = bytes;
    first = true;
  }
  if (first) ctx.exports.rnn_pack_weight_f32(k, n, ctx.ptr(w.storage) + w.offset * 4, rsB, csB, block.ptr);
  return block.ptr;
}

/**
 * Byte addresses of the views (0 for null), or null when the kernel cannot take them: not all float32,
 * or not all in the heap at once (bringing back an evicted storage allocates, which may evict another
 * just taken). The reference kernel then runs on views of the same memory.
 */
export function addresses(ctx: KernelContext, views: readonly (View | null)[]): number[] | null {
  for (const v of views) if (v !== null && v.storage.dtype !== "float32") return null;
  const ptrs = views.map((v) => (v === null ? 0 : ctx.ptr(v.storage) + v.offset * 4));
  const evicted = (s: Storage): boolean => isWasmStorage(s) && s.evicted !== null;
  return views.every((v) => v === null || !evicted(v.storage)) ? ptrs : null;
}

/**
 * Splits the batch rows among the threads (whole microkernel tiles each) and runs one call per block;
 * `rowBytes` gives each pointer's bytes per row (0 for pointers every block shares).
 */
function runRows(ctx: KernelContext, kernel: string, s: RecurrentStep, head: number[], ptrs: number[],
  rowBytes: number[], macs: number): void {
  const mr = ctx.exports.gemm_mr();
  const threads = Math.max(1, Math.min(ctx.pool.size, Math.floor(macs / MIN_MACS_PER_THREAD),
    Math.ceil(s.batch / mr)));
  const per = Math.ceil(s.batch / threads / mr) * mr;
  const calls: Array<[string, ...number[]]> = [];
  for (let r0 = 0; r0 < s.batch; r0 += per) {
    const rows = Math.min(per, s.batch - r0);
    const at = ptrs.map((p, i) => (p === 0 ? 0 : p + r0 * rowBytes[i]));
    calls.push([kernel, head[0], rows, ...head.slice(1), ...at]);
  }
  // more arguments would spill into the next call's slots: the kernels are shaped to fit
  if (calls[0].length - 1 > MAX_ARGS) {
    throw new Error(`${kernel}: ${calls[0].length - 1} arguments, a pooled call holds at most ${MAX_ARGS}`);
  }
  ctx.pool.run(ctx.exports, calls, workspaces(ctx, calls.length));
}

/** The fused forward step (kernels/assembly/rnn-step.ts) for float32: GEMM and gates, split by rows. */
export function fastRecurrentForward(ctx: KernelContext, s: RecurrentStep): boolean {
  const H = s.hidden, G = s.cell === "lstm" ? 4 : s.cell === "gru" ? 3 : 1, w = s.weight;
  if (w.storage.dtype !== "float32" || s.hh.offset !== 0) return false;
  workspaces(ctx, ctx.pool.size); // allocations first: they may move cold storages
  // B = W_hhᵀ [H, G·H]: B(p, j) = W[j, p]
  const packed = packedWeight(ctx, "forward", s.first, w, H, G * H, w.strides[1], w.strides[0]);
  // the cell's own state in two shared slots (kernels/assembly/rnn-step.ts)
  const [a, b] = s.cell === "lstm" ? [s.cPrev, s.cNext] : [s.extra, null];
  const p = addresses(ctx, [s.hPrev, s.x, s.hh, s.bias, s.mask, s.gates, s.hNext, a, b]);
  if (p === null) return false;
  const row = H * 4, gateRow = G * H * 4;
  const rowBytes = [row, gateRow, gateRow, 0, 4, gateRow, row, row, row];
  runRows(ctx, "rnn_forward_rows_f32", s, [CELL_CODES[s.cell], H, packed], p, rowBytes, s.batch * G * H * H);
  return true;
}

/** The fused backward step for float32: gate adjoint and dH += dGates·W_hh, split by rows. */
export function fastRecurrentBackward(ctx: KernelContext, s: RecurrentStep, g: RecurrentStepGrad): boolean {
  const H = s.hidden, G = s.cell === "lstm" ? 4 : s.cell === "gru" ? 3 : 1, w = s.weight;
  if (w.storage.dtype !== "float32" || g.dH.offset !== 0) return false;
  workspaces(ctx, ctx.pool.size);
  // B = W_hh [G·H, H]: B(p, j) = W[p, j]
  const packed = packedWeight(ctx, "backward", s.first, w, G * H, H, w.strides[0], w.strides[1]);
  const [a, b, c] = s.cell === "lstm" ? [s.cPrev, s.cNext, g.dC] : [s.hPrev, s.extra, g.dHh];
  const p = addresses(ctx, [s.gates, s.mask, g.dH, g.dOut, g.dX, a, b, c]);
  if (p === null) return false;
  const row = H * 4, gateRow = G * H * 4;
  const rowBytes = [gateRow, 4, row, row, gateRow, row, row, s.cell === "lstm" ? row : gateRow];
  runRows(ctx, "rnn_backward_rows_f32", s, [CELL_CODES[s.cell], H, packed], p, rowBytes, s.batch * G * H * H);
  return true;
}
