import type { View } from "../backend.js";
import type { KernelContext } from "./context.js";

/**
 * Layout helpers shared by the elementwise, reduction and copy bindings. They allocate nothing per
 * call: merged dims go to module-level arrays, then to one small block of the heap per backend (the
 * "meta" block) that the strided kernels read shape and strides from.
 */
export const MAX_DIMS = 16;

export const mergedShape = new Int32Array(MAX_DIMS);
export const mergedStrides = [new Int32Array(MAX_DIMS), new Int32Array(MAX_DIMS), new Int32Array(MAX_DIMS)];

/** Bytes of the meta block: shape, three stride arrays and the kernels' counters, plus a fill slot. */
const META_BYTES = 5 * MAX_DIMS * 4 + 16;
/** Byte offset in the meta block of an 8-byte slot for a fill value. */
export const FILL_SLOT = 5 * MAX_DIMS * 4;

/**
 * The meta block of one backend with views over just its bytes. The heap's memory is shared, and a
 * grown shared memory never detaches old buffers, so these views stay valid for the backend's life
 * (reading `memory.buffer` on every call would cost more than a small kernel).
 */
export interface MetaBlock {
  readonly ptr: number;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

let lastCtx: KernelContext | null = null;
let lastMeta: MetaBlock | null = null;
const metaByCtx = new WeakMap<KernelContext, MetaBlock>();

/** The backend's meta block (allocated on first use and kept for the backend's life). */
export function metaBlock(ctx: KernelContext): MetaBlock {
  if (ctx === lastCtx && lastMeta !== null && lastMeta.i32.length !== 0) return lastMeta;
  let meta = metaByCtx.get(ctx);
  if (meta === undefined || meta.i32.length === 0) {
    const ptr = meta?.ptr ?? ctx.heap.alloc(META_BYTES);
    const buffer = ctx.heap.memory.buffer;
    const words = META_BYTES >> 2;
    meta = { ptr, i32: new Int32Array(buffer, ptr, words), f32: new Float32Array(buffer, ptr, words),
      f64: new Float64Array(buffer, ptr, words >> 1) };
    metaByCtx.set(ctx, meta);
  }
  lastCtx = ctx;
  lastMeta = meta;
  return meta;
}

/**
 * Merges the dims of `shape` walked by up to three stride arrays (an output written contiguously
 * merges anywhere): size-1 dims are dropped, and dim d joins the one before it when every operand
 * steps over the pair as one dim (stride[d-1] = stride[d]·shape[d], which also holds for two
 * broadcast dims). Writes mergedShape / mergedStrides and returns the dim count: at least 1 for a
 * non-empty shape (a scalar becomes [1] with stride 0), 0 when the shape is empty, -1 past MAX_DIMS.
 */
export function mergeDims(shape: readonly number[], s0: readonly number[], s1?: readonly number[],
  s2?: readonly number[]): number {
  const m0 = mergedStrides[0], m1 = mergedStrides[1], m2 = mergedStrides[2];
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 0) return 0;
    if (size === 1) continue;
    const a = s0[d], b = s1 === undefined ? 0 : s1[d], c = s2 === undefined ? 0 : s2[d];
    if (nd > 0 && m0[nd - 1] === a * size && m1[nd - 1] === b * size && m2[nd - 1] === c * size) {
      mergedShape[nd - 1] *= size;
      m0[nd - 1] = a; m1[nd - 1] = b; m2[nd - 1] = c;
      continue;
    }
    if (nd === MAX_DIMS) return -1;
    mergedShape[nd] = size;
    m0[nd] = a; m1[nd] = b; m2[nd] = c;
    nd++;
  }
  if (nd === 0) {
    mergedShape[0] = 1;
    m0[0] = 0; m1[0] = 0; m2[0] = 0;
    nd = 1;
  }
  return nd;
}

/** Writes the merged shape and the first `operands` stride arrays to the meta block; returns its pointer. */
export function writeMeta(ctx: KernelContext, nd: number, operands: number): number {
  const meta = metaBlock(ctx), words = meta.i32;
  for (let d = 0; d < nd; d++) words[d] = mergedShape[d];
  for (let k = 0; k < operands; k++) {
    const s = mergedStrides[k], at = (k + 1) * nd;
    for (let d = 0; d < nd; d++) words[at + d] = s[d];
  }
  return meta.ptr;
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

/** True when the view walks its storage linearly from its offset (size-1 dims may have any stride). */
export function isContiguous(view: View): boolean {
  const { shape, strides } = view;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Strides of a contiguous row-major array of `shape`, written to `into`. */
export function contiguousStrides(shape: readonly number[], into: number[]): number[] {
  into.length = shape.length;
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    into[d] = s;
    s *= shape[d];
  }
  return into;
}
