import type { DType, TypedArray } from "../core/dtype.js";

/**
 * Opaque handle to a block of elements owned by a backend. Tensors never read it directly: a fast
 * backend keeps it in WebAssembly memory, so every access goes through the kernels below.
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

export type UnaryOp =
  | "neg" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "abs" | "sign" | "reciprocal"
  | "relu" | "sigmoid" | "tanh" | "sin" | "cos" | "erf" | "floor" | "ceil" | "round"
  // parametric: the meaning of p0/p1 is given in UNARY_PARAMS below
  | "leakyRelu" | "elu" | "clamp" | "powScalar" | "softplus";

/** Parameters of the parametric unary ops, in order (p0, p1). */
export const UNARY_PARAMS: Partial<Record<UnaryOp, readonly string[]>> = {
  leakyRelu: ["negativeSlope"], elu: ["alpha"], clamp: ["min", "max"], powScalar: ["exponent"],
  softplus: ["beta", "threshold"],
};

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

export type ReduceOp = "sum" | "max" | "min" | "prod";
export type ArgReduceOp = "argmax" | "argmin";

/** Hyper-parameters of one fused SGD step (PyTorch's `torch.optim.SGD`). */
export interface SgdStepOptions {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer is uninitialized and takes the (decayed) gradient itself. */
  readonly first: boolean;
}

/** Hyper-parameters of one fused Adam/AdamW step (PyTorch's `torch.optim.Adam` and `AdamW`). */
export interface AdamStepOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: `p *= 1 - lr*weightDecay` instead of adding `weightDecay*p` to the gradient. */
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  /** The step number after this update (1 at the first step), for the bias corrections. */
  readonly step: number;
}

/**
 * The primitive kernels a backend implements; everything differentiable is built on these by
 * `core/ops`. Outputs are storages the caller allocated, written contiguously (row-major) unless a
 * destination view is given. Inputs may be any strided view, including broadcast ones.
 */
export interface Backend {
  readonly name: string;

  // storage
  alloc(size: number, dtype: DType): Storage;
  free(storage: Storage): void;
  /** Copies `data` into `storage` starting at element `offset`, converting to the storage's dtype. */
  write(storage: Storage, data: ArrayLike<number>, offset?: number): void;
  /** Copies a view out into a new contiguous JS typed array of the storage's dtype. */
  read(view: View): TypedArray;
  /** Strided copy with dtype conversion; `src` may broadcast into `dst` (same shape). */
  copy(src: View, dst: View): void;
  fill(dst: View, value: number): void;
  /** Bytes currently allocated by this backend. */
  allocatedBytes(): number;
  /** Where a backend has a heap of its own: its size and the bytes moved out of it (`zd.memory()`). */
  /** True when allocating `bytes` more would pass the backend's soft memory limit (optional). */
  nearMemoryLimit?(bytes: number): boolean;
  memoryStats?(): { heapBytes: number; evictedBytes: number };
  /** Resolves when the backend is fully up (worker threads started); see `zd.ready()`. */
  ready?(): Promise<void>;

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
  /** out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (PyTorch `gather`); index is int32, out has index's shape. */
  gather(x: View, dim: number, index: View, out: Storage): void;
  /** The adjoint of gather: out (contiguous, target shape) += src scattered along dim by index. */
  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void;
  /** Selects entries `index` (1-D int32) along dim; out shape is x's with dim resized. */
  indexSelect(x: View, dim: number, index: View, out: Storage): void;
  /** The adjoint of indexSelect: out (contiguous, target shape) += src added at `index` along dim. */
  indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void;

  // fused optimizer updates (optional: optimizers fall back to tensor ops without them)
  /**
   * One SGD step in place on contiguous storages of `n` elements, all of one float dtype, with the
   * same rounding as the tensor-op formulation: d = g + wd·p; buf = d at the first step, else
   * momentum·buf + (1 − dampening)·d; p −= lr·(nesterov ? d + momentum·buf : buf). `buf` may be null
   * only when momentum is 0.
   */
  sgdStep?(p: Storage, g: Storage, buf: Storage | null, n: number, options: SgdStepOptions): void;
  /**
   * One Adam (coupled L2) or AdamW (decoupled) step in place on contiguous storages of `n` elements:
   * m = β1·m + (1 − β1)·d; v = β2·v + (1 − β2)·d·d; vMax = max(vMax, v) with amsgrad;
   * p −= lr/(1 − β1ᵗ) · m / (sqrt(v or vMax)/sqrt(1 − β2ᵗ) + eps). `maxExpAvgSq` is needed with
   * amsgrad.
   */
  adamStep?(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
    n: number, options: AdamStepOptions): void;
}
