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

/** The cell of a recurrent layer: its gates, in PyTorch's order, and how many (G) there are. */
export type RecurrentCell = "lstm" | "gru" | "rnnTanh" | "rnnRelu";

/**
 * One time step of a recurrent layer over a batch: `batch` rows of `hidden` units, G gate blocks of
 * `hidden` each per row (LSTM i, f, g, o: G = 4; GRU r, z, n: G = 3; plain RNN: G = 1). Every view is
 * a contiguous row block (any offset) of one float dtype. `mask` [batch] is 1 where the step is real
 * and 0 where the row is padding: there the state passes through unchanged.
 */
export interface RecurrentStep {
  readonly cell: RecurrentCell;
  readonly batch: number;
  readonly hidden: number;
  /** [batch, G·hidden]: this step's input projection x·W_ihᵀ (plus b_ih, and b_hh but for a GRU). */
  readonly x: View;
  /** [batch, G·hidden]: h_prev·W_hhᵀ (no bias). */
  readonly hh: View;
  /**
   * [G·hidden] or null: a bias added to hh. LSTM and RNN: b_ih + b_hh (where it is added makes no
   * difference); GRU: b_hh, which for n sits inside the reset gate, as in PyTorch.
   */
  readonly bias: View | null;
  readonly hPrev: View;
  /** LSTM only: the previous cell state; else null. */
  readonly cPrev: View | null;
  readonly mask: View | null;
  /** [batch, G·hidden]: written by the forward step (gate activations), read by the backward step. */
  readonly gates: View;
  readonly hNext: View;
  readonly cNext: View | null;
  /** GRU only: [batch, hidden] hh_n + b_hn, written forward and read backward; else null. */
  readonly extra: View | null;
}

/** The gradients one backward step reads and writes (all [batch, ·] contiguous row blocks). */
export interface RecurrentStepGrad {
  /** In: dLoss/dh_next carried from later steps. Out: the part that reaches h_prev directly. */
  readonly dH: View;
  /** Gradient of this step's output from the layers above (added to dH), or null. */
  readonly dOut: View | null;
  /** LSTM: in dLoss/dc_next, out dLoss/dc_prev; else null. */
  readonly dC: View | null;
  /** Out [batch, G·hidden]: dLoss/d(x projection). */
  readonly dX: View;
  /** GRU only, out [batch, 3·hidden]: dLoss/d(hh + b_hh) (its n block differs from dX's); else null. */
  readonly dHh: View | null;
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
   * Row-wise softmax (log-softmax with `log`) of the contiguous [rows, cols] block at `x`'s offset, into
   * contiguous `out`: y = exp(x − m)/Σexp(x − m), or x − m − log Σexp(x − m), with m the row max (0
   * where the max is ±inf, so such rows give IEEE results instead of inf − inf).
   */
  softmax(x: View, rows: number, cols: number, out: Storage, log: boolean): void;
  /**
   * The adjoint of `softmax` from its output y and the gradient g (contiguous [rows, cols] blocks):
   * dx = y·(g − Σg·y), or with `log` dx = g − exp(y)·Σg.
   */
  softmaxBackward(y: View, g: View, rows: number, cols: number, out: Storage, log: boolean): void;
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

  // recurrent layers (the step GEMMs go through matmul; these fuse everything elementwise of a step)
  /**
   * One forward step: pre-activations x + hh (+ bias), gate nonlinearities, the new state, in one
   * pass. LSTM: c' = f·c + i·g, h' = o·tanh(c'). GRU: n = tanh(x_n + r·(hh_n + b_hn)),
   * h' = (1 − z)·n + z·h. RNN: h' = tanh or relu(x + hh). Masked rows keep h (and c).
   */
  recurrentForward(step: RecurrentStep): void;
  /** The adjoint of `recurrentForward` for one step, from the gates and states it saved. */
  recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void;

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
