// Strided operands for GEMM tests: the same random data written to two backends, viewed with chosen
// layouts (transposed, padded rows, non-unit inner stride, broadcast batch dims, offset).
import type { Backend, Storage, View } from "../../src/backend/backend.js";

export interface Layout {
  /** Store the last two dims swapped (a transposed view). */
  transpose?: boolean;
  /** Extra elements after each row of storage (a larger leading stride). */
  pad?: number;
  /** Distance between consecutive elements of the innermost storage dim. */
  step?: number;
  /** Batch dims (indices into shape) stored once and broadcast with stride 0. */
  broadcast?: number[];
  /** Elements before the first one. */
  offset?: number;
}

/** A deterministic generator (mulberry32) so failures reproduce. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Logical shape → storage size and strides for a layout. */
export function layoutStrides(shape: readonly number[], layout: Layout): { size: number; strides: number[] } {
  const nd = shape.length;
  const order = shape.map((_, d) => d);
  if (layout.transpose && nd >= 2) [order[nd - 2], order[nd - 1]] = [order[nd - 1], order[nd - 2]];
  const strides = new Array<number>(nd).fill(0);
  let stride = layout.step ?? 1;
  for (let i = nd - 1; i >= 0; i--) {
    const d = order[i];
    if (layout.broadcast?.includes(d)) continue;
    strides[d] = stride;
    stride *= shape[d];
    if (i === nd - 1) stride += layout.pad ?? 0;
  }
  return { size: (layout.offset ?? 0) + stride, strides };
}

/** The same random values, viewed alike, on each backend (same order as `backends`). */
export function operand(backends: readonly Backend[], shape: readonly number[], layout: Layout,
  next: () => number, special?: (data: Float32Array) => void): View[] {
  const { size, strides } = layoutStrides(shape, layout);
  const data = Float32Array.from({ length: size }, () => next() * 2 - 1);
  special?.(data);
  return backends.map((backend) => {
    const storage = backend.alloc(size, "float32");
    backend.write(storage, data);
    return { storage, shape, strides, offset: layout.offset ?? 0 };
  });
}

export function contiguous(storage: Storage, shape: readonly number[]): View {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
  return { storage, shape, strides, offset: 0 };
}

/** Σ|a||b| for every output element, in float64: the scale of float32 rounding error in a dot product. */
export function magnitudes(backend: Backend, a: View, b: View): Float64Array {
  const A = backend.read(a), B = backend.read(b);
  const nd = a.shape.length;
  const m = a.shape[nd - 2], k = a.shape[nd - 1], n = b.shape[nd - 1];
  const count = A.length / (m * k || 1);
  const out = new Float64Array(count * m * n);
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += Math.abs(A[t * m * k + i * k + p] * B[t * k * n + p * n + j]);
        out[(t * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

/** One product of a GEMM test: out = a·b (or += with `accumulate`), batched when `batch` is given. */
export interface GemmCase {
  name: string;
  batch?: number[];
  m: number; n: number; k: number;
  a?: Layout; b?: Layout;
  accumulate?: boolean;
}

export const TRANSPOSED: Layout = { transpose: true };
const T = TRANSPOSED;

/** Shapes every GEMM kernel must get right, whatever its tiles: each test adds its own tile edges. */
export const SHARED_GEMM_CASES: readonly GemmCase[] = [
  { name: "primes 67×131×149", m: 67, n: 131, k: 149 },
  { name: "Aᵀ·B", m: 67, n: 131, k: 149, a: T },
  { name: "A·Bᵀ", m: 67, n: 131, k: 149, b: T },
  { name: "Aᵀ·Bᵀ", m: 67, n: 131, k: 149, a: T, b: T },
  { name: "1×1×1", m: 1, n: 1, k: 1 },
  { name: "row vector times matrix", m: 1, n: 300, k: 77 },
  { name: "matrix times column vector", m: 300, n: 1, k: 77, b: T },
  { name: "k = 1", m: 33, n: 45, k: 1 },
  { name: "large strides and an offset", m: 41, n: 53, k: 97, a: { pad: 37, step: 3, offset: 5 },
    b: { pad: 11, step: 2, offset: 3 } },
  { name: "transposed with large strides", m: 41, n: 53, k: 97, a: { ...T, pad: 13, step: 2 },
    b: { ...T, pad: 9 } },
  { name: "accumulate, transposed, edge tiles", m: 13, n: 9, k: 5, a: T, b: T, accumulate: true },
  { name: "batched with broadcast batch dims", batch: [2, 3], m: 29, n: 37, k: 43,
    a: { broadcast: [0] }, b: { ...T, broadcast: [1] } },
  { name: "many small products", batch: [9, 2], m: 20, n: 30, k: 40, a: T },
  { name: "batched, accumulate", batch: [3], m: 64, n: 64, k: 64, accumulate: true },
  { name: "M = 0", m: 0, n: 5, k: 7 },
  { name: "N = 0", m: 5, n: 0, k: 7 },
  { name: "K = 0 gives zeros", m: 5, n: 6, k: 0 },
  { name: "K = 0 with accumulate keeps C", m: 5, n: 6, k: 0, accumulate: true },
  { name: "empty batch", batch: [0], m: 5, n: 6, k: 7 },
];
