import type { DType, TypedArray } from "../../core/dtype.js";
import { bytesPerElement } from "../../core/dtype.js";
import type { ArgReduceOp, Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import type { RecurrentStep, RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import { JsBackend } from "../js/backend.js";
import { JsStorage } from "../js/strided.js";
import { WasmHeap } from "./heap.js";
import { loadKernels, type KernelVariant } from "./loader.js";
import { WasmStorage } from "./storage.js";
import { Residency } from "./residency.js";
import type { KernelContext, KernelExports } from "./context.js";
import { fastBinary, fastReluBackward, fastUnary, fastWhere, warmUpElementwise } from "./elementwise.js";
import { fastReduce, fastArgReduce } from "./reduce.js";
import { fastMatmul, warmUpGemm } from "./gemm.js";
import { fastCopy, fastFill } from "./copy.js";
import { fastSoftmax, fastSoftmaxBackward } from "./softmax.js";
import { fastGather, fastIndexAdd, fastIndexSelect, fastScatterAdd } from "./gather.js";
import { ThreadPool } from "./threads.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import type { Conv2dGeometry, Window2d } from "../../core/ops/conv.js";
import { fastConv2d, fastConv2dBackwardInput, fastConv2dBackwardWeight } from "./conv.js";
import { fastMaxPool2d, fastMaxPool2dBackward } from "./pool.js";
import { fastBatchNorm, fastBatchNormBackward } from "./norm.js";
import { wasmAdamStep, wasmSgdStep } from "./optim.js";
import { fastRecurrentBackward, fastRecurrentForward, mapRecurrentViews } from "./recurrent.js";

const GiB = 1024 ** 3;
const PAGE_BYTES = 65536;

export interface WasmBackendOptions {
  maxHeapBytes?: number;
  softLimitBytes?: number;
  variant?: KernelVariant;
}

/**
 * The fast CPU backend: tensor data lives in one shared WebAssembly memory and SIMD kernels work on it
 * in place, on all cores for GEMM. A kernel the wasm side does not have (or a dtype it does not
 * handle, such as float64) runs the reference kernel on typed-array views of the same memory, so
 * nothing is copied and nothing throws "not implemented".
 */
export class WasmBackend implements Backend, KernelContext {
  readonly name: string = "wasm";
  readonly variant: KernelVariant;
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  readonly pool: ThreadPool;
  /** What the memory was created to reach: the ceiling of `setMemoryLimit`. */
  private readonly memoryMaximum: number;
  private readonly softLimit: number;
  private readonly reference = new JsBackend();
  /** Which storages are in the heap, and moving them out of it and back. */
  private readonly residency: Residency;

  constructor(options: WasmBackendOptions = {}) {
    const { module, variant } = loadKernels(options.variant ?? "relaxed");
    this.variant = variant;
    const maxBytes = Math.floor((options.maxHeapBytes ?? 4 * GiB) / PAGE_BYTES) * PAGE_BYTES;
    if (!(maxBytes >= 256 * PAGE_BYTES)) {
      throw new Error(`WasmBackend: maxHeapBytes must be at least ${256 * PAGE_BYTES} bytes ` +
        `(16 MiB, the initial heap), got ${options.maxHeapBytes}`);
    }
    this.memoryMaximum = maxBytes;
    this.softLimit = options.softLimitBytes ?? Math.min(maxBytes / 2, 1024 * 1024 * 1024);
    const memory = new WebAssembly.Memory({ initial: 256, maximum: maxBytes / 65536, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.heap = new WasmHeap(memory, this.exports.heap_base(), {
      maxBytes, softLimitBytes: this.softLimit,
    });
    this.residency = new Residency(this.heap, this.softLimit);
    this.heap.onPressure = (needed, hard) => this.residency.evict(needed, hard);
    this.pool = new ThreadPool(module, memory);
    // V8 runs new WebAssembly in its baseline tier for the first calls: run each hot kernel a few times now
    warmUpGemm(this);
    warmUpElementwise(this);
  }

  // ---- storage -------------------------------------------------------------------------------
  alloc(size: number, dtype: DType): Storage {
    const bytes = size * bytesPerElement(dtype);
    const tick = this.residency.allocating(bytes);
    let ptr: number;
    try {
      ptr = this.heap.alloc(bytes);
    } catch (error) {
      // the heap knows bytes, the caller knows elements: name the request both ways
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(message.replace(`allocating ${bytes} bytes`,
        `allocating ${size} ${dtype} elements (${bytes} bytes)`));
    }
    const storage = new WasmStorage(dtype, size, ptr, bytes);
    storage.lastUse = tick;
    this.residency.link(storage);
    return storage;
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.freed) return;
    s.freed = true;
    s.view = null;
    s.js = null;
    this.residency.free(s);
  }

  allocatedBytes(): number {
    return this.heap.liveBytes;
  }

  nearMemoryLimit(bytes: number): boolean {
    return this.heap.liveBytes + bytes > this.softLimit;
  }

  memoryStats(): { heapBytes: number; evictedBytes: number } {
    return { heapBytes: this.heap.heapBytes, evictedBytes: this.residency.evictedBytes };
  }

  /** Storages evicted under memory pressure so far. */
  get evictions(): number { return this.residency.evictions; }

  /** See `BackendServices.moveOut`. */
  moveOut(storage: Storage, onReturn: () => void): boolean {
    return this.residency.moveOut(storage as WasmStorage, onReturn);
  }

  /**
   * The hard maximum of the heap in bytes (at most the `maxHeapBytes` the memory was created with);
   * an allocation that cannot fit under it, even after evicting every cold storage, throws.
   */
  setMemoryLimit(bytes: number): void {
    WasmBackend.checkMemoryLimit(bytes, this.memoryMaximum);
    this.heap.options.maxBytes = Math.floor(bytes / PAGE_BYTES) * PAGE_BYTES;
    this.heap.options.softLimitBytes = Math.min(this.softLimit, this.heap.options.maxBytes / 2);
  }

  /** Throws the error `setMemoryLimit` gives for an invalid limit. */
  static checkMemoryLimit(bytes: number, ceiling = 4 * GiB): void {
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 256 * PAGE_BYTES) {
      throw new Error(`setMemoryLimit: expected a number of bytes >= ${256 * PAGE_BYTES} ` +
        `(16 MiB, the initial heap), got ${String(bytes)}`);
    }
    if (bytes > ceiling) {
      throw new Error(`setMemoryLimit: ${bytes} bytes is above the ${ceiling} bytes this heap was created ` +
        `to reach (new WasmBackend({ maxHeapBytes }) sets that)`);
    }
  }

  /** Resolves once the worker threads have started (kernels compiled in the constructor). */
  async ready(): Promise<void> {
    const pool = this.pool as ThreadPool & { ready?: () => Promise<void> };
    await pool.ready?.();
  }

  /** Heap pointer of a storage, brought back into the heap if it was evicted, marked as in use. */
  ptr(storage: Storage): number {
    const s = storage as WasmStorage;
    if (s.freed) throw new Error("wasm backend: a kernel was given a storage that was already freed");
    this.residency.touch(s);
    return s.ptr;
  }

  /** A typed array over a storage's bytes in the heap (made once per placement of the block). */
  array(storage: Storage): TypedArray {
    const s = storage as WasmStorage;
    this.ptr(s);
    return s.view ?? (s.view = this.residency.viewOf(s));
  }

  write(storage: Storage, data: ArrayLike<number>, offset = 0): void {
    const dst = this.array(storage);
    if (offset + data.length > dst.length) {
      throw new Error(`wasm backend: write of ${data.length} elements at ${offset} ` +
        `overruns a storage of ${dst.length}`);
    }
    dst.set(data as ArrayLike<number> & TypedArray, offset);
  }

  // ---- the reference kernels on views of the heap ------------------------------------------------
  private js(storage: Storage): JsStorage {
    const s = storage as WasmStorage;
    const data = this.array(s);
    return s.js ?? (s.js = new JsStorage(s.dtype, s.size, data));
  }

  private jsView(view: View): View {
    return { storage: this.js(view.storage), shape: view.shape, strides: view.strides, offset: view.offset };
  }

  read(view: View): TypedArray { return this.reference.read(this.jsView(view)); }
  copy(src: View, dst: View): void {
    if (fastCopy(this, src, dst)) return;
    this.reference.copy(this.jsView(src), this.jsView(dst));
  }

  fill(dst: View, value: number): void {
    if (fastFill(this, dst, value)) return;
    this.reference.fill(this.jsView(dst), value);
  }

  unary(op: UnaryOp, x: View, out: Storage, p0?: number, p1?: number): void {
    if (fastUnary(this, op, x, out, p0, p1)) return;
    this.reference.unary(op, this.jsView(x), this.js(out), p0, p1);
  }

  binary(op: BinaryOp, a: View, b: View, out: Storage): void {
    if (fastBinary(this, op, a, b, out)) return;
    this.reference.binary(op, this.jsView(a), this.jsView(b), this.js(out));
  }

  where(cond: View, a: View, b: View, out: Storage): void {
    if (fastWhere(this, cond, a, b, out)) return;
    this.reference.where(this.jsView(cond), this.jsView(a), this.jsView(b), this.js(out));
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
    if (fastReduce(this, op, x, axes, out)) return;
    this.reference.reduce(op, this.jsView(x), axes, this.js(out));
  }

  argReduce(op: ArgReduceOp, x: View, axis: number, out: Storage): void {
    if (fastArgReduce(this, op, x, axis, out)) return;
    this.reference.argReduce(op, this.jsView(x), axis, this.js(out));
  }

  matmul(a: View, b: View, out: Storage, accumulate = false): void {
    if (fastMatmul(this, a, b, out, accumulate)) return;
    this.reference.matmul(this.jsView(a), this.jsView(b), this.js(out), accumulate);
  }

  reluBackward(grad: View, x: View, out: Storage): boolean {
    return fastReluBackward(this, grad, x, out);
  }

  softmax(x: View, rows: number, cols: number, out: Storage, log: boolean): void {
    if (fastSoftmax(this, x, rows, cols, out, log)) return;
    this.reference.softmax(this.jsView(x), rows, cols, this.js(out), log);
  }

  softmaxBackward(y: View, g: View, rows: number, cols: number, out: Storage, log: boolean): void {
    if (fastSoftmaxBackward(this, y, g, rows, cols, out, log)) return;
    this.reference.softmaxBackward(this.jsView(y), this.jsView(g), rows, cols, this.js(out), log);
  }

  gather(x: View, dim: number, index: View, out: Storage): void {
    if (fastGather(this, x, dim, index, out)) return;
    this.reference.gather(this.jsView(x), dim, this.jsView(index), this.js(out));
  }

  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    if (fastScatterAdd(this, out, outShape, dim, index, src)) return;
    this.reference.scatterAdd(this.js(out), outShape, dim, this.jsView(index), this.jsView(src));
  }

  indexSelect(x: View, dim: number, index: View, out: Storage): void {
    if (fastIndexSelect(this, x, dim, index, out)) return;
    this.reference.indexSelect(this.jsView(x), dim, this.jsView(index), this.js(out));
  }

  indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    if (fastIndexAdd(this, out, outShape, dim, index, src)) return;
    this.reference.indexAdd(this.js(out), outShape, dim, this.jsView(index), this.jsView(src));
  }

  conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void {
    if (fastConv2d(this, x, weight, bias, geometry, out)) return;
    const b = bias && this.jsView(bias);
    this.reference.conv2d(this.jsView(x), this.jsView(weight), b, geometry, this.js(out));
  }

  conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void {
    if (fastConv2dBackwardInput(this, grad, weight, geometry, out)) return;
    this.reference.conv2dBackwardInput(this.jsView(grad), this.jsView(weight), geometry, this.js(out));
  }

  conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
    biasOut: Storage | null): void {
    if (fastConv2dBackwardWeight(this, x, grad, geometry, out, biasOut)) return;
    this.reference.conv2dBackwardWeight(this.jsView(x), this.jsView(grad), geometry, this.js(out),
      biasOut && this.js(biasOut));
  }

  maxPool2d(x: View, planes: number, window: Window2d, out: Storage, indices: Storage): void {
    if (fastMaxPool2d(this, x, planes, window, out, indices)) return;
    this.reference.maxPool2d(this.jsView(x), planes, window, this.js(out), this.js(indices));
  }

  maxPool2dBackward(grad: View, indices: View, planes: number, window: Window2d, out: Storage): void {
    if (fastMaxPool2dBackward(this, grad, indices, planes, window, out)) return;
    this.reference.maxPool2dBackward(this.jsView(grad), this.jsView(indices), planes, window, this.js(out));
  }

  batchNorm(x: View, weight: View | null, bias: View | null, shape: BatchNormShape, eps: number, out: Storage,
    mean: Storage, variance: Storage): void {
    if (fastBatchNorm(this, x, weight, bias, shape, eps, out, mean, variance)) return;
    const w = weight && this.jsView(weight), b = bias && this.jsView(bias);
    const [o, m, v] = [this.js(out), this.js(mean), this.js(variance)];
    this.reference.batchNorm(this.jsView(x), w, b, shape, eps, o, m, v);
  }

  batchNormBackward(x: View, grad: View, weight: View | null, mean: View, variance: View,
    shape: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
    dbias: Storage | null): void {
    if (fastBatchNormBackward(this, x, grad, weight, mean, variance, shape, eps, dx, dweight, dbias)) return;
    const js = (s: Storage | null): Storage | null => s && this.js(s);
    this.reference.batchNormBackward(this.jsView(x), this.jsView(grad), weight && this.jsView(weight),
      this.jsView(mean), this.jsView(variance), shape, eps, js(dx), js(dweight), js(dbias));
  }

  recurrentForward(step: RecurrentStep): void {
    if (fastRecurrentForward(this, step)) return;
    this.reference.recurrentForward(mapRecurrentViews(step, (v) => this.jsView(v)));
  }

  recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void {
    if (fastRecurrentBackward(this, step, grad)) return;
    const js = (v: View): View => this.jsView(v);
    this.reference.recurrentBackward(mapRecurrentViews(step, js), mapRecurrentViews(grad, js));
  }

  sgdStep(p: Storage, g: Storage, buf: Storage | null, n: number, options: SgdStepOptions): void {
    wasmSgdStep(this, p, g, buf, n, options);
  }

  adamStep(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
    n: number, options: AdamStepOptions): void {
    wasmAdamStep(this, p, g, expAvg, expAvgSq, maxExpAvgSq, n, options);
  }
}
