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
}
