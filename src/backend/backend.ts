import type { DType, TypedArray } from "../core/dtype.js";
import type { Binary, Reduce, Unary } from "./opcodes.js";

/**
 * Opaque handle to a block of elements owned by a backend. Tensors never read it directly: a fast
 * backend keeps it in WebAssembly memory (or on a GPU), so every access goes through the kernels below.
 */
export interface Storage {
  readonly backend: string;
  readonly dtype: DType;
  readonly size: number;
}

/** A strided window onto a storage: what every kernel reads. Broadcast dimensions have stride 0. */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The unary ops: the names of the shared op-code table (opcodes.ts). */
export type UnaryOp = keyof typeof Unary;
export type BinaryOp = keyof typeof Binary;
export type ReduceOp = keyof typeof Reduce;
export type ArgReduceOp = "argmax" | "argmin";

/** Parameters of the parametric unary ops, in order (p0, p1). */
export const UNARY_PARAMS: Partial<Record<UnaryOp, readonly string[]>> = {
  leakyRelu: ["negativeSlope"], elu: ["alpha"], clamp: ["min", "max"], powScalar: ["exponent"],
  softplus: ["beta", "threshold"],
};

/**
 * The required primitives: with these alone every op, layer, loss, optimizer, model and CLI command
 * runs (test/backend/contract.test.ts proves it). Outputs are storages the caller allocated, written
 * contiguously (row-major) unless a destination view is given; inputs may be any strided view,
 * including broadcast ones.
 */
export interface RequiredPrimitives {
  readonly name: string;

  // storage
  alloc(size: number, dtype: DType): Storage;
  free(storage: Storage): void;
  /** Copies `data` into `storage` starting at element `offset`, converting to the storage's dtype. */
  write(storage: Storage, data: ArrayLike<number>, offset?: number): void;
  /** Copies a view out into a new contiguous JS typed array of the storage's dtype. */
  read(view: View): TypedArray;
  /** Strided copy with dtype conversion (this is also the cast); `src` may broadcast into `dst`. */
  copy(src: View, dst: View): void;
  fill(dst: View, value: number): void;
  /** Bytes currently allocated by this backend. */
  allocatedBytes(): number;

  // compute
  unary(op: UnaryOp, x: View, out: Storage, p0?: number, p1?: number): void;
  /** `a` and `b` are already broadcast views of the output shape `a.shape`. */
  binary(op: BinaryOp, a: View, b: View, out: Storage): void;
  /** All three views share the output shape; `cond` is true where nonzero. */
  where(cond: View, a: View, b: View, out: Storage): void;
  /** Reduces over `axes` (sorted, unique); `out` holds the remaining dims in order. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void;
  /** Index (int32) of the extreme along `axis`; first occurrence on ties, as PyTorch. */
  argReduce(op: ArgReduceOp, x: View, axis: number, out: Storage): void;
  /**
   * Batched GEMM: a is [...batch, M, K], b is [...batch, K, N] (same batch shape, any strides, so
   * transposes are free); out is contiguous [...batch, M, N]. With `accumulate`, adds into out.
   */
  matmul(a: View, b: View, out: Storage, accumulate?: boolean): void;
  /**
   * out = x[..., index[...], ...] along `dim` (PyTorch `gather`): index (int32, any strides, also
   * broadcast) has out's shape, and every other dim of it indexes x directly.
   */
  gather(x: View, dim: number, index: View, out: Storage): void;
  /** The adjoint of gather: out (contiguous, `outShape`) += src scattered along dim by index. */
  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void;
}

/** The names of the required primitives (a wrapper that exposes only these is a complete backend). */
export const REQUIRED_PRIMITIVES = [
  "alloc", "free", "write", "read", "copy", "fill", "allocatedBytes",
  "unary", "binary", "where", "reduce", "argReduce", "matmul", "gather", "scatterAdd",
] as const satisfies readonly (keyof RequiredPrimitives)[];

/**
 * Optional kernels: fused fast paths (softmax, convolution, pooling, batch norm, recurrent steps,
 * optimizer steps, ...). Each is declared beside the op that uses it, by augmenting this interface
 * (`declare module ".../backend/backend.js" { interface OptionalKernels { ... } }`), and that op has a
 * composite fallback built from the required primitives, used per call when the backend lacks the
 * kernel. A kernel family (a forward and its backward) is used only when all its members exist.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface OptionalKernels {}

/** Services a backend may offer beside its kernels. */
export interface BackendServices {
  /** True when allocating `bytes` more would pass the backend's soft memory limit. */
  nearMemoryLimit?(bytes: number): boolean;
  /**
   * Bytes each storage counts as, at least, toward the allocation budget that triggers a collection
   * (core/memory.ts). A GPU buffer costs the driver far more than its bytes: without this a loop of
   * small tensors would hold hundreds of thousands of buffers before its first collection.
   */
  readonly minStorageCharge?: number;
  /** Where a backend has a heap of its own: its size and the bytes moved out of it (`zd.memory()`). */
  memoryStats?(): { heapBytes: number; evictedBytes: number };
  /**
   * Moves a storage's contents out of the backend's own memory (freeing that) into memory the JS
   * garbage collector reclaims along with the storage object, as when the tensors that use it become
   * unreachable. The next kernel that uses it brings it back and calls `onReturn` once. False where
   * that cannot be done synchronously (a GPU). Used where the engine cannot run finalizers inside
   * synchronous code (browsers): see core/move-out.ts.
   */
  moveOut?(storage: Storage, onReturn: () => void): boolean;
  /** Resolves when the backend is fully up (worker threads started); see `zd.ready()`. */
  ready?(): Promise<void>;
  /**
   * `read` for backends whose memory can only be read back asynchronously (a GPU buffer in a
   * browser); `tensor.data()` uses it when present. Such a backend's `read` may throw, naming it.
   */
  readAsync?(view: View): Promise<TypedArray>;
}

/** A backend: the required primitives, any optional kernels, and optional services. */
export interface Backend extends RequiredPrimitives, Partial<OptionalKernels>, BackendServices {}

/** True when `backend` has every kernel named (a forward with its backward, say). */
export function hasKernels(backend: Backend, ...names: (keyof OptionalKernels)[]): boolean {
  for (const name of names) if (typeof backend[name] !== "function") return false;
  return true;
}
