import type { Storage, View } from "../backend.js";
import type { KernelContext } from "../wasm/context.js";
import { batchOffsets, pointers } from "../wasm/gemm.js";
import { getNumThreads } from "../wasm/threads.js";
import type { NativeAddon } from "./addon.js";

const HEADER = 10;

/** The per-call argument block, reused (grown when a batch needs more room). */
let desc = new Float64Array(HEADER + 3 * 64);
/** A byte view of the heap, remade when the memory has grown. */
const heapViews = new WeakMap<KernelContext, Uint8Array>();

/** A byte view of the whole heap, as the addon's calls take it. */
export function heapBytes(ctx: KernelContext): Uint8Array {
  const buffer = ctx.heap.f32.buffer;
  let view = heapViews.get(ctx);
  if (!view || view.buffer !== buffer) heapViews.set(ctx, (view = new Uint8Array(buffer)));
  return view;
}

/**
 * Batched float32 GEMM on the native kernels, in place on the wasm heap, split across native threads
 * (`zd.setNumThreads`). False (the caller falls back to wasm) for other dtypes or negative strides.
 */
export function nativeMatmul(addon: NativeAddon, ctx: KernelContext, a: View, b: View, out: Storage,
  accumulate: boolean): boolean {
  if (a.storage.dtype !== "float32" || b.storage.dtype !== "float32" || out.dtype !== "float32") return false;
  const nd = a.shape.length;
  if (nd < 2 || b.shape.length !== nd) return false;
  const m = a.shape[nd - 2], k = a.shape[nd - 1], n = b.shape[nd - 1];
  const rsA = a.strides[nd - 2], csA = a.strides[nd - 1], rsB = b.strides[nd - 2], csB = b.strides[nd - 1];
  if (rsA < 0 || csA < 0 || rsB < 0 || csB < 0) return false;
  const batchShape = a.shape.slice(0, nd - 2);
  const count = batchShape.reduce((x, y) => x * y, 1);
  if (m === 0 || n === 0 || count === 0) return true;
  const [aPtr, bPtr, cPtr] = pointers(ctx, [a.storage, b.storage, out]);
  if (k === 0) {
    // an empty sum is 0: the kernels are never called with k = 0
    if (!accumulate) ctx.heap.f32.fill(0, cPtr >> 2, (cPtr >> 2) + count * m * n);
    return true;
  }
  if (desc.length < HEADER + 3 * count) desc = new Float64Array(HEADER + 3 * count);
  desc[0] = getNumThreads(); desc[1] = m; desc[2] = n; desc[3] = k;
  desc[4] = rsA; desc[5] = csA; desc[6] = rsB; desc[7] = csB; desc[8] = accumulate ? 1 : 0; desc[9] = count;
  if (count === 1) {
    desc[10] = aPtr + 4 * a.offset; desc[11] = bPtr + 4 * b.offset; desc[12] = cPtr;
  } else {
    const aOffsets = batchOffsets(a, batchShape), bOffsets = batchOffsets(b, batchShape);
    for (let i = 0; i < count; i++) {
      desc[HEADER + 3 * i] = aPtr + 4 * aOffsets[i];
      desc[HEADER + 3 * i + 1] = bPtr + 4 * bOffsets[i];
      desc[HEADER + 3 * i + 2] = cPtr + 4 * i * m * n;
    }
  }
  addon.gemm(heapBytes(ctx), desc);
  return true;
}
