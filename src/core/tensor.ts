import type { Backend, View } from "../backend/backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { bytesPerElement, isDType, isFloat } from "./dtype.js";
import { toBackend } from "./transfer.js";
import { backward as runBackward, setEngineOps, type BackwardOptions, type GradFn } from "./autograd.js";
import { Anchor, noteAllocation, StorageRef, trackTensor, untrackTensor, type Lifetime } from "./memory.js";
import { contiguousStrides, formatShape, shapeSize } from "./shape.js";
import * as ew from "./ops/elementwise.js";
import * as red from "./ops/reduce.js";
import * as mv from "./ops/movement.js";
import * as idx from "./ops/indexing.js";
import * as cp from "./composite.js";
import { matmul } from "./ops/matmul.js";
import { full } from "./creation.js";

export type TensorLike = Tensor | number;
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array on a backend, with reverse-mode autodiff. A tensor is a strided view of a
 * backend storage: reshape, permute, expand and slice share data without copying.
 */
export class Tensor {
  /** @internal */ readonly _ref: StorageRef;
  readonly shape: readonly number[];
  /** @internal */ readonly _strides: readonly number[];
  /** @internal */ readonly _offset: number;
  readonly dtype: DType;
  /** Gradient accumulated by `backward()` for leaf tensors that require it. */
  grad: Tensor | null = null;
  /** @internal */ _gradFn: GradFn | null = null;
  private _requiresGrad = false;
  private _disposed = false;
  /** @internal What the finalizer gets; null for the permanent constants of `_permanent`. */
  private readonly _life: Lifetime | null;
  /** @internal What the finalizer watches (see `Anchor`). */
  private readonly _anchor: Anchor | null;

  /**
   * @internal Use the creation functions (`zd.tensor`, `zd.zeros`, ...) instead. `shape` and
   * `strides` become the tensor's own (they are not copied, and `shape` is frozen in place): pass
   * arrays nobody changes afterwards. Ops create a tensor for nearly every call, so copies count.
   */
  constructor(ref: StorageRef, shape: readonly number[], strides?: readonly number[], offset = 0,
    tracked = true) {
    this._ref = ref;
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape as number[]);
    this._strides = strides ?? contiguousStrides(shape);
    this._offset = offset;
    this.dtype = ref.storage.dtype;
    if (tracked) {
      this._anchor = new Anchor();
      this._life = trackTensor(this, this._anchor, ref);
    } else {
      this._anchor = null;
      this._life = null;
      ref.retain();
    }
  }

  /** @internal A fresh contiguous tensor on `backend` (contents unspecified). */
  static _empty(shape: readonly number[], dtype: DType, backend: Backend): Tensor {
    const size = shapeSize(shape);
    const bytes = size * bytesPerElement(dtype);
    noteAllocation(Math.max(bytes, backend.minStorageCharge ?? 0), backend.nearMemoryLimit?.(bytes) ?? false);
    return new Tensor(new StorageRef(backend.alloc(size, dtype), backend), shape);
  }

  /**
   * @internal A tensor that is never freed, counted or captured by `tidy`: for shared constants that
   * no user code can reach or write (see `scalarFor`).
   */
  static _permanent(shape: readonly number[], dtype: DType, backend: Backend): Tensor {
    const ref = new StorageRef(backend.alloc(shapeSize(shape), dtype), backend);
    return new Tensor(ref, shape, undefined, 0, false);
  }

  get backend(): Backend { return this._ref.backend; }
  get ndim(): number { return this.shape.length; }
  get size(): number { return shapeSize(this.shape); }
  get isDisposed(): boolean { return this._disposed; }
  /** True when nothing upstream produced it (it was created, not computed). */
  get isLeaf(): boolean { return this._gradFn === null; }
  get gradFnName(): string | null { return this._gradFn?.name ?? null; }

  get requiresGrad(): boolean { return this._requiresGrad; }
  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.dtype)) {
      throw new Error("requiresGrad: only floating-point tensors can require gradients, " +
        `this one is ${this.dtype}`);
    }
    if (!value && this._gradFn !== null) {
      throw new Error("requiresGrad: cannot turn off gradients of a computed tensor; use detach()");
    }
    this._requiresGrad = value;
  }

  /** Sets `requiresGrad` and returns this tensor, for chaining. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** @internal */
  _setGradFn(fn: GradFn): void {
    this._gradFn = fn;
    this._requiresGrad = true;
  }

  /** @internal The strided view kernels read. */
  _view(): View {
    this.assertAlive();
    return { storage: this._ref.storage, shape: this.shape, strides: this._strides, offset: this._offset };
  }

  /** @internal A tensor sharing this one's storage. */
  _withView(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    this.assertAlive();
    return new Tensor(this._ref, shape, strides, offset);
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this._strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** A flat copy of the elements in row-major order. */
  dataSync(): TypedArray {
    return this.backend.read(this._view());
  }

  /**
   * A flat copy of the elements, resolved when the backend has read them back: the form to use
   * everywhere a read may have to wait (a GPU buffer in a browser), and the same as `dataSync()` on
   * the CPU backends.
   * @example const values = await zd.tensor([1, 2]).data();   // Float32Array [1, 2]
   */
  async data(): Promise<TypedArray> {
    const view = this._view();
    return this.backend.readAsync ? this.backend.readAsync(view) : this.backend.read(view);
  }

  /** `toArray()` through the asynchronous read: `await t.toArrayAsync()`. */
  async toArrayAsync(): Promise<NestedArray> {
    return this.nest(await this.data());
  }

  /** The elements as nested JS arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return this.nest(this.dataSync());
  }

  private nest(flat: TypedArray): NestedArray {
    if (this.ndim === 0) return flat[0];
    let pos = 0;
    const build = (dim: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) {
        out.push(dim === this.ndim - 1 ? flat[pos++] : build(dim + 1));
      }
      return out;
    };
    return build(0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(`item: expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    }
    return this.dataSync()[0];
  }

  /** Frees the storage now (once no other view uses it); the tensor cannot be used afterwards. */
  dispose(): void {
    if (this._disposed || this._life === null) return;
    this._disposed = true;
    this._gradFn = null;
    untrackTensor(this._life);
  }

  private assertAlive(): void {
    if (this._disposed) {
      throw new Error(`tensor of shape ${formatShape(this.shape)} was disposed and cannot be used`);
    }
  }

  backward(gradient?: Tensor, options?: BackwardOptions): void { runBackward(this, gradient, options); }
  /** A tensor sharing data with this one but cut from the graph. */
  detach(): Tensor { return this._withView(this.shape, this._strides, this._offset); }
  clone(): Tensor { return mv.clone(this); }
  contiguous(): Tensor { return mv.contiguous(this); }
  /** Copies `source` (broadcast to this shape) into this tensor's storage, outside the graph. */
  assign(source: TensorLike): this { mv.assignInto(this, source); return this; }
  /**
   * Cast to a dtype, or copy to a backend by name (outside the graph): `t.to("float64")`, `t.to("wasm")`.
   * @example const onCpu = gpuTensor.to("wasm");
   */
  to(target: DType | string): Tensor {
    return isDType(target) ? ew.cast(this, target) : toBackend(this, target);
  }
  float(): Tensor { return ew.cast(this, "float32"); }
  double(): Tensor { return ew.cast(this, "float64"); }
  int(): Tensor { return ew.cast(this, "int32"); }
  zerosLike(): Tensor { return full(this.shape, 0, this.dtype, this.backend); }
  onesLike(): Tensor { return full(this.shape, 1, this.dtype, this.backend); }

  add(other: TensorLike): Tensor { return ew.add(this, other); }
  sub(other: TensorLike): Tensor { return ew.sub(this, other); }
  mul(other: TensorLike): Tensor { return ew.mul(this, other); }
  div(other: TensorLike): Tensor { return ew.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ew.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return ew.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ew.minimum(this, other); }
  eq(other: TensorLike): Tensor { return ew.eq(this, other); }
  ne(other: TensorLike): Tensor { return ew.ne(this, other); }
  lt(other: TensorLike): Tensor { return ew.lt(this, other); }
  le(other: TensorLike): Tensor { return ew.le(this, other); }
  gt(other: TensorLike): Tensor { return ew.gt(this, other); }
  ge(other: TensorLike): Tensor { return ew.ge(this, other); }
  neg(): Tensor { return ew.neg(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  log1p(): Tensor { return ew.log1p(this); }
  expm1(): Tensor { return ew.expm1(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  abs(): Tensor { return ew.abs(this); }
  sign(): Tensor { return ew.sign(this); }
  reciprocal(): Tensor { return ew.reciprocal(this); }
  square(): Tensor { return ew.mul(this, this); }
  sin(): Tensor { return ew.sin(this); }
  cos(): Tensor { return ew.cos(this); }
  erf(): Tensor { return ew.erf(this); }
  floor(): Tensor { return ew.floor(this); }
  ceil(): Tensor { return ew.ceil(this); }
  round(): Tensor { return ew.round(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min, max); }

  relu(): Tensor { return ew.relu(this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  tanh(): Tensor { return ew.tanh(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return ew.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return ew.elu(this, alpha); }
  softplus(beta = 1, threshold = 20): Tensor { return ew.softplus(this, beta, threshold); }
  gelu(approximate: "none" | "tanh" = "none"): Tensor { return cp.gelu(this, approximate); }
  silu(): Tensor { return cp.silu(this); }
  logSigmoid(): Tensor { return cp.logSigmoid(this); }
  softmax(dim = -1): Tensor { return cp.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return cp.logSoftmax(this, dim); }

  sum(dim?: number | number[] | null, keepDim = false): Tensor { return red.sum(this, dim, keepDim); }
  mean(dim?: number | number[] | null, keepDim = false): Tensor { return cp.mean(this, dim, keepDim); }
  max(dim?: number | number[] | null, keepDim = false): Tensor { return red.max(this, dim, keepDim); }
  min(dim?: number | number[] | null, keepDim = false): Tensor { return red.min(this, dim, keepDim); }
  prod(dim?: number | number[] | null, keepDim = false): Tensor { return red.prod(this, dim, keepDim); }
  argmax(dim?: number, keepDim = false): Tensor { return red.argmax(this, dim, keepDim); }
  argmin(dim?: number, keepDim = false): Tensor { return red.argmin(this, dim, keepDim); }
  var(dim?: number | number[] | null, options: cp.VarianceOptions = {}): Tensor {
    return cp.variance(this, dim, options);
  }
  std(dim?: number | number[] | null, options: cp.VarianceOptions = {}): Tensor {
    return cp.std(this, dim, options);
  }
  logsumexp(dim?: number | number[] | null, keepDim = false): Tensor {
    return cp.logsumexp(this, dim, keepDim);
  }

  reshape(shape: readonly number[]): Tensor { return mv.reshape(this, shape); }
  view(shape: readonly number[]): Tensor { return mv.view(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return mv.flatten(this, startDim, endDim); }
  permute(dims: readonly number[]): Tensor { return mv.permute(this, dims); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return mv.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (the last two dims). */
  get T(): Tensor { return mv.transpose(this, -2, -1); }
  squeeze(dim?: number | number[]): Tensor { return mv.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return mv.unsqueeze(this, dim); }
  expand(shape: readonly number[]): Tensor { return mv.expand(this, shape); }
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return mv.slice(this, dim, start, end, step);
  }
  /** The sub-tensor at `index` along `dim` (that dim removed), as `x[i]` in PyTorch for dim 0. */
  select(dim: number, index: number): Tensor { return mv.select(this, dim, index); }
  /** `x.index(i)` is `x[i]`: the sub-tensor at position i of the first dimension. */
  index(i: number): Tensor { return mv.select(this, 0, i); }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] { return mv.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return mv.chunk(this, chunks, dim); }
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor | number[]): Tensor { return idx.indexSelect(this, dim, index); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }

  toString(): string {
    const grad = this._gradFn ? `, gradFn=${this._gradFn.name}`
      : this._requiresGrad ? ", requiresGrad=true" : "";
    const body = this.size <= 100 ? JSON.stringify(this.toArray()) : `<${this.size} elements>`;
    return `tensor(${body}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${grad})`;
  }
}

setEngineOps({
  sumToShape: (g, shape) => red.sumToShape(g, shape),
  add: (a, b) => ew.add(a, b),
  clone: (t) => mv.clone(t),
  cast: (t, dtype) => ew.cast(t, dtype),
});
