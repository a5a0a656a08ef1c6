import type { Storage, View } from "../backend.js";
import type { KernelContext } from "./context.js";
import type { KernelCall } from "./threads.js";

// Thread split: a share smaller than this many multiply-adds (about 70 µs at 30 GFLOPS) costs more in
// hand-off and cache traffic than it gains. Measured: the digits job (products of 1.6M multiply-adds)
// took 0.84 s at 2^17 and 0.76 s at 2^20; the 784-256 MLP (25.7M) ran at the same speed with both.
const MIN_MACS_PER_THREAD = 1 << 20;
// Pieces per thread: more than one lets a thread the OS has descheduled fall behind without holding
// up the product, at the cost of packing the uncut operand once more per piece.
const TASKS_PER_THREAD = 2;

interface GemmGeometry {
  mr: number;
  nr: number;
  workspaceBytes: number;
  /** Packing workspace of each thread, allocated from the heap on first use and kept. */
  workspaces: number[];
}

const geometries = new WeakMap<KernelContext, GemmGeometry>();

function geometry(ctx: KernelContext): GemmGeometry {
  let g = geometries.get(ctx);
  if (!g) {
    const e = ctx.exports;
    g = { mr: e.gemm_mr(), nr: e.gemm_nr(), workspaceBytes: e.gemm_workspace_bytes(), workspaces: [] };
    geometries.set(ctx, g);
  }
  return g;
}

function workspace(ctx: KernelContext, g: GemmGeometry, thread: number): number {
  while (g.workspaces.length <= thread) g.workspaces.push(ctx.heap.alloc(g.workspaceBytes));
  return g.workspaces[thread];
}

/**
 * Heap pointers of the operands. Bringing back an evicted storage allocates, which may evict one whose
 * pointer was just taken, so take them again until none moves.
 */
export function pointers(ctx: KernelContext, storages: readonly Storage[]): number[] {
  let ptrs = storages.map((s) => ctx.ptr(s));
  for (let tries = 0; tries < 4; tries++) {
    const again = storages.map((s) => ctx.ptr(s));
    if (again.every((p, i) => p === ptrs[i])) break;
    ptrs = again;
  }
  return ptrs;
}

/** Element offsets of every batch entry (row-major over the batch dims; stride 0 repeats an entry). */
export function batchOffsets(view: View, batchShape: readonly number[]): number[] {
  let offsets = [view.offset];
  batchShape.forEach((size, d) => {
    const stride = view.strides[d];
    const next: number[] = [];
    for (const o of offsets) for (let i = 0; i < size; i++) next.push(o + i * stride);
    offsets = next;
  });
  return offsets;
}

/** One product C = A·B (or +=) for the pool to run: pointers in bytes, strides in elements. */
interface Product {
  m: number; n: number; k: number;
  a: number; rsA: number; csA: number;
  b: number; rsB: number; csB: number;
  c: number; ldc: number;
}

/** The call for rows [i0, i1) × columns [j0, j1) of one product (the pool appends the workspace). */
function call(p: Product, i0: number, i1: number, j0: number, j1: number, acc: number): KernelCall {
  return ["gemm_f32", i1 - i0, j1 - j0, p.k, p.a + 4 * i0 * p.rsA, p.rsA, p.csA, p.b + 4 * j0 * p.csB, p.rsB,
    p.csB, p.c + 4 * (i0 * p.ldc + j0), p.ldc, acc];
}

/**
 * Cuts the products into about TASKS_PER_THREAD·threads calls, which the threads claim dynamically.
 * Every piece of a product packs all of the operand that is not cut: cutting N repacks A (M·K
 * elements at about 0.24 ns each, a transpose), cutting M repacks B (K·N at about 0.11 ns, copies).
 * So cut the dimension with the cheaper repacking, and keep pieces wide enough that repacking stays
 * under about 2.5% of the piece's time (the microkernel does about 20 multiply-adds per ns).
 */
function plan(g: GemmGeometry, products: readonly Product[], threads: number, acc: number): KernelCall[] {
  const calls: KernelCall[] = [];
  const wanted = threads === 1 ? 1 : Math.ceil((TASKS_PER_THREAD * threads) / products.length);
  for (const p of products) {
    const byColumns = p.m * 0.24 < p.n * 0.11;
    const extent = byColumns ? p.n : p.m, unit = byColumns ? g.nr : g.mr;
    const units = Math.ceil(extent / unit);
    const wide = Math.max(threads, Math.floor(extent / (byColumns ? 192 : 96)));
    const byWork = Math.floor((p.m * p.n * p.k) / MIN_MACS_PER_THREAD);
    const count = Math.max(1, Math.min(wanted, wide, units, byWork));
    for (let piece = 0; piece < count; piece++) {
      const start = Math.floor((units * piece) / count) * unit;
      const end = Math.min(extent, Math.floor((units * (piece + 1)) / count) * unit);
      calls.push(byColumns ? call(p, 0, p.m, start, end, acc) : call(p, start, end, 0, p.n, acc));
    }
  }
  return calls;
}

/**
 * Batched float32 GEMM on the wasm kernels, split across the thread pool; false (reference kernel)
 * for other dtypes. a is [...batch, M, K], b is [...batch, K, N] with any strides; out is contiguous.
 */
export function fastMatmul(ctx: KernelContext, a: View, b: View, out: Storage, accumulate: boolean): boolean {
  if (a.storage.dtype !== "float32" || b.storage.dtype !== "float32" || out.dtype !== "float32") return false;
  const nd = a.shape.length;
  if (nd < 2 || b.shape.length !== nd) return false;
  const m = a.shape[nd - 2], k = a.shape[nd - 1], n = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const count = batchShape.reduce((x, y) => x * y, 1);
  if (m === 0 || n === 0 || count === 0) return true;
  const g = geometry(ctx);
  const threads = Math.max(1, Math.min(ctx.pool.size, Math.floor((count * m * n * k) / MIN_MACS_PER_THREAD)));
  workspace(ctx, g, threads - 1); // before taking pointers: allocating may move cold storages
  const [aPtr, bPtr, cPtr] = pointers(ctx, [a.storage, b.storage, out]);
  if (k === 0) {
    // an empty sum is 0: with k = 0 the kernel would never touch C
    if (!accumulate) ctx.heap.f32.fill(0, cPtr >> 2, (cPtr >> 2) + count * m * n);
    return true;
  }
  const aOffsets = batchOffsets(a, batchShape), bOffsets = batchOffsets(b, batchShape);
  const products: Product[] = aOffsets.map((aOffset, i) => ({
    m, n, k, a: aPtr + 4 * aOffset, rsA: a.strides[nd - 2], csA: a.strides[nd - 1],
    b: bPtr + 4 * bOffsets[i], rsB: b.strides[nd - 2], csB: b.strides[nd - 1],
    c: cPtr + 4 * i * m * n, ldc: n,
  }));
  const scratch = Array.from({ length: threads }, (_, t) => workspace(ctx, g, t));
  ctx.pool.run(ctx.exports, plan(g, products, threads, accumulate ? 1 : 0), scratch);
  return true;
}

/**
 * Runs the GEMM kernels on small products, every packing path and edge tile included, until V8 has
 * moved them from its baseline compiler to the optimizing one (the compiled code is shared with the
 * workers, which get the same module).
 */
export function warmUpGemm(ctx: KernelContext): void {
  const g = geometry(ctx);
  const size = 48, bytes = size * size * 4;
  const a = ctx.heap.alloc(bytes), b = ctx.heap.alloc(bytes), c = ctx.heap.alloc(bytes);
  const work = workspace(ctx, g, 0);
  ctx.heap.f32.fill(0.5, a >> 2, (a + bytes) >> 2);
  ctx.heap.f32.fill(0.25, b >> 2, (b + bytes) >> 2);
  const gemm = ctx.exports.gemm_f32;
  for (let i = 0; i < 24; i++) {
    const m = i % 2 === 0 ? size : size - 1, rsA = i % 4 < 2 ? size : 1, rsB = i % 8 < 4 ? size : 1;
    gemm(m, size - (i % 3), size, a, rsA, size + 1 - rsA, b, rsB, size + 1 - rsB, c, size, i % 2, work);
  }
  ctx.heap.free(a, bytes);
  ctx.heap.free(b, bytes);
  ctx.heap.free(c, bytes);
}
