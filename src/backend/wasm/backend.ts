import type { DType, TypedArray } from "../../core/dtype.js";
import { bytesPerElement } from "../../core/dtype.js";
import type { ArgReduceOp, Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from "../backend.js";
import { JsBackend } from "../js/backend.js";
import { JsStorage } from "../js/strided.js";
import { WasmHeap } from "./heap.js";
import { loadKernels, type KernelVariant } from "./loader.js";
import { WasmStorage } from "./storage.js";
import type { KernelContext, KernelExports } from "./context.js";
import { fastBinary, fastUnary, fastWhere, warmUpElementwise } from "./elementwise.js";
import { fastReduce, fastArgReduce } from "./reduce.js";
import { fastMatmul, warmUpGemm } from "./gemm.js";
import { ThreadPool } from "./threads.js";

const GiB = 1024 ** 3;

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
  readonly name = "wasm";
  readonly variant: KernelVariant;
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  readonly pool: ThreadPool;
  private readonly reference = new JsBackend();
  private readonly live = new Set<WasmStorage>();
  private tick = 0;
  evictedBytes = 0;
  evictions = 0;

  constructor(options: WasmBackendOptions = {}) {
    const { module, variant } = loadKernels(options.variant ?? "relaxed");
    this.variant = variant;
    const maxBytes = Math.floor((options.maxHeapBytes ?? 4 * GiB) / 65536) * 65536;
    const memory = new WebAssembly.Memory({ initial: 256, maximum: maxBytes / 65536, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.heap = new WasmHeap(memory, this.exports.heap_base(), {
      maxBytes, softLimitBytes: options.softLimitBytes ?? Math.min(maxBytes / 2, 512 * 1024 * 1024),
    });
    this.heap.onPressure = (needed, hard) => this.evict(needed, hard);
    this.pool = new ThreadPool(module, memory);
    // V8 runs new WebAssembly in its baseline tier for the first calls: run each hot kernel a few times now
    warmUpGemm(this);
    warmUpElementwise(this);
  }

  // ---- storage -------------------------------------------------------------------------------
  alloc(size: number, dtype: DType): Storage {
    const bytes = size * bytesPerElement(dtype);
    const storage = new WasmStorage(dtype, size, this.heap.alloc(bytes), bytes);
    storage.lastUse = this.tick;
    this.live.add(storage);
    return storage;
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.freed) return;
    s.freed = true;
    this.live.delete(s);
    if (s.evicted) {
      this.evictedBytes -= s.bytes;
      s.evicted = null;
    } else {
      this.heap.free(s.ptr, s.bytes);
    }
  }

  allocatedBytes(): number {
    return this.heap.liveBytes;
  }

  /** Heap pointer of a storage, brought back into the heap if it was evicted, marked as in use. */
  ptr(storage: Storage): number {
    const s = storage as WasmStorage;
    if (s.freed) throw new Error("wasm backend: a kernel was given a storage that was already freed");
    s.lastUse = ++this.tick;
    if (s.evicted) this.restore(s);
    return s.ptr;
  }

  /** A typed array over a storage's bytes in the heap (valid until the heap next grows). */
  array(storage: Storage): TypedArray {
    const s = storage as WasmStorage;
    const ptr = this.ptr(s);
    switch (s.dtype) {
      case "float32": return new Float32Array(this.heap.memory.buffer, ptr, s.size);
      case "float64": return new Float64Array(this.heap.memory.buffer, ptr, s.size);
      case "int32": return new Int32Array(this.heap.memory.buffer, ptr, s.size);
    }
  }

  private restore(s: WasmStorage): void {
    const data = s.evicted as TypedArray;
    s.evicted = null;
    this.evictedBytes -= s.bytes;
    s.ptr = this.heap.alloc(s.bytes);
    this.array(s).set(data);
  }

  /**
   * Moves the least recently used storages out of the heap until `needed` bytes (and, under soft
   * pressure, a quarter of the live bytes) are free. Storages touched by the current kernel are kept.
   */
  private evict(needed: number, hard: boolean): void {
    const candidates = [...this.live].filter((s) => !s.evicted && s.lastUse < this.tick);
    candidates.sort((a, b) => a.lastUse - b.lastUse);
    const goal = hard ? Infinity : Math.max(needed, this.heap.liveBytes / 4);
    let released = 0;
    for (const s of candidates) {
      if (released >= goal) break;
      s.evicted = this.array(s).slice();
      this.heap.free(s.ptr, s.bytes);
      this.evictedBytes += s.bytes;
      released += s.bytes;
      this.evictions++;
    }
  }

  write(storage: Storage, data: ArrayLike<number>, offset = 0): void {
    const dst = this.array(storage);
    if (offset + data.length > dst.length) {
      throw new Error(`wasm backend: write of ${data.length} elements at ${offset} overruns a storage of ${dst.length}`);
    }
    dst.set(data as ArrayLike<number> & TypedArray, offset);
  }

  // ---- the reference kernels on views of the heap ------------------------------------------------
  private js(storage: Storage): JsStorage {
    return new JsStorage(storage.dtype, storage.size, this.array(storage));
  }

  private jsView(view: View): View {
    return { ...view, storage: this.js(view.storage) };
  }

  read(view: View): TypedArray { return this.reference.read(this.jsView(view)); }
  copy(src: View, dst: View): void { this.reference.copy(this.jsView(src), this.jsView(dst)); }
  fill(dst: View, value: number): void { this.reference.fill(this.jsView(dst), value); }

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

  gather(x: View, dim: number, index: View, out: Storage): void {
    this.reference.gather(this.jsView(x), dim, this.jsView(index), this.js(out));
  }

  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    this.reference.scatterAdd(this.js(out), outShape, dim, this.jsView(index), this.jsView(src));
  }

  indexSelect(x: View, dim: number, index: View, out: Storage): void {
    this.reference.indexSelect(this.jsView(x), dim, this.jsView(index), this.js(out));
  }

  indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    this.reference.indexAdd(this.js(out), outShape, dim, this.jsView(index), this.jsView(src));
  }
}
