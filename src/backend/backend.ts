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
  /** W_hh [G·hidden, hidden], any strides. */
  readonly weight: View;
  /**
   * True on the first step of a pass over a sequence (forward or backward): from then until the pass
   * ends `weight` does not change, so a backend may keep a derived form of it (a packed copy).
   */
  readonly first: boolean;
  /** [batch, G·hidden] scratch, starting at offset 0 of its storage: the forward step writes h_prev·W_hhᵀ. */
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
  /** In: dLoss/dh_next carried from later steps. Out: dLoss/dh_prev. Offset 0 of its storage. */
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
 * A sliding window over planes of inH×inW (a convolution's or a pool's): kernel taps `dilation` apart,
 * windows `stride` apart, starting `padH`/`padW` before the first row/column. The output size is given
 * (it settles the padding at the bottom/right, "same" padding and ceil mode); positions outside the
 * plane read zero (convolution) or are skipped (max pooling).
 */
export interface Window2d {
  readonly inH: number; readonly inW: number;
  readonly kernelH: number; readonly kernelW: number;
  readonly strideH: number; readonly strideW: number;
  readonly padH: number; readonly padW: number;
  readonly dilationH: number; readonly dilationW: number;
  readonly outH: number; readonly outW: number;
}

/** The layout batch normalization sees: x as [outer, channels, inner] (NCHW: N, C, H·W). */
export interface BatchNormShape {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

/** A 2-d convolution: x [batch, inChannels, inH, inW], weight [outChannels, inChannels/groups, kh, kw]. */
export interface Conv2dGeometry extends Window2d {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
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

  // recurrent layers: one call per time step, its GEMM included, so a backend can split a step by rows
  /**
   * One forward step: hh = h_prev·W_hhᵀ, then pre-activations x + hh (+ bias), gate nonlinearities and
   * the new state in one pass. LSTM: c' = f·c + i·g, h' = o·tanh(c'). GRU: n = tanh(x_n + r·(hh_n +
   * b_hn)), h' = (1 − z)·n + z·h. RNN: h' = tanh or relu(x + hh). Masked rows keep h (and c).
   */
  recurrentForward(step: RecurrentStep): void;
  /**
   * The adjoint of `recurrentForward` for one step, from the gates and states it saved; it ends with
   * dH += (dHh for a GRU, else dX)·W_hh, so dH leaves as dLoss/dh_prev.
   */
  recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void;

  // convolution and max pooling: every view is contiguous (any offset), one float dtype throughout
  /** out [N, O, outH, outW] = x [N, C, inH, inW] cross-correlated with weight [O, C/G, kh, kw] (+ bias). */
  conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void;
  /** The adjoint in x (col2im): out [N, C, inH, inW] from the output gradient [N, O, outH, outW]. */
  conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void;
  /** The adjoint in the weight: out [O, C/G, kh, kw], and with `biasOut` the bias gradient [O]. */
  conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
    biasOut: Storage | null): void;
  /**
   * The max of each window of `planes` planes [inH, inW] into out [planes, outH, outW], and into the
   * int32 `indices` the flat position (row·inW + column) it came from: the first maximum, and NaN wins
   * (-1 and -inf for a dilated window that misses the plane).
   */
  maxPool2d(x: View, planes: number, window: Window2d, out: Storage, indices: Storage): void;
  /** out [planes, inH, inW]: zero, plus each output gradient at its recorded index. */
  maxPool2dBackward(grad: View, indices: View, planes: number, window: Window2d, out: Storage): void;
  /**
   * Training-mode batch normalization: per channel the batch mean and biased variance (into `mean`
   * and `variance`, [channels]), and out = (x − mean)/√(variance + eps)·weight + bias (weight and
   * bias [channels], or null for 1 and 0).
   */
  batchNorm(x: View, weight: View | null, bias: View | null, shape: BatchNormShape, eps: number, out: Storage,
    mean: Storage, variance: Storage): void;
  /** Its adjoint from the saved mean and variance: dx, dweight and dbias, each skipped when null. */
  batchNormBackward(x: View, grad: View, weight: View | null, mean: View, variance: View,
    shape: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null, dbias: Storage | null): void;

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
