/**
 * The WebAssembly heap: one shared `WebAssembly.Memory` holding every tensor's data, carved up by a
 * size-class allocator (no coalescing: training loops allocate the same sizes step after step, so
 * freed blocks are reused at once). Growth, the soft limit and the hard maximum live here; what to
 * do under pressure (evict cold tensors) is the backend's decision, passed in as `onPressure`.
 */
const PAGE = 65536;
const ALIGN = 64;

/** Block size for a request: 64-byte aligned, at most 25% larger than asked (4 classes per doubling). */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const exponent = 31 - Math.clz32(bytes - 1);
  const step = Math.max(ALIGN, 2 ** (exponent - 2));
  return Math.ceil(bytes / step) * step;
}

interface FreeSpan { ptr: number; size: number }

export interface HeapOptions {
  /** Hard maximum of the heap in bytes (allocations past it throw). */
  maxBytes: number;
  /** Above this many live bytes the backend is asked to make room before the heap grows. */
  softLimitBytes: number;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Merged free space (see `coalesce`), cut first-fit when a size class has no block. */
  private spans: FreeSpan[] = [];
  private buffer: ArrayBufferLike;
  private f32View: Float32Array;
  private f64View: Float64Array;
  private i32View: Int32Array;
  /** Bytes in blocks handed out and not yet freed. */
  liveBytes = 0;
  /** Called when live bytes would pass the soft limit or the heap is full; may free blocks. */
  onPressure: (needed: number, hard: boolean) => void = () => {};

  constructor(memory: WebAssembly.Memory, heapBase: number, readonly options: HeapOptions) {
    this.memory = memory;
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.buffer = memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.f64View = new Float64Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
  }

  /** Total bytes the memory spans now (what the process pays for). */
  get heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Current views; rebuilt after growth (a shared buffer keeps its old length in old views). */
  private refresh(): void {
    if (this.buffer !== this.memory.buffer || this.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.buffer = this.memory.buffer;
      this.f32View = new Float32Array(this.buffer);
      this.f64View = new Float64Array(this.buffer);
      this.i32View = new Int32Array(this.buffer);
    }
  }

  get f32(): Float32Array { this.refresh(); return this.f32View; }
  get f64(): Float64Array { this.refresh(); return this.f64View; }
  get i32(): Int32Array { this.refresh(); return this.i32View; }

  alloc(bytes: number): number {
    const size = sizeClass(Math.max(bytes, 1));
    if (this.liveBytes + size > this.options.softLimitBytes) this.onPressure(size, false);
    let ptr = this.take(size);
    if (ptr < 0) {
      // full: evict cold storages, merge every free block by address, and try again before failing
      this.onPressure(size, true);
      this.coalesce();
      ptr = this.take(size);
      if (ptr < 0) {
        throw new Error(`wasm backend: out of memory allocating ${bytes} bytes: ` +
          `${this.liveBytes} bytes are live and the heap maximum is ${this.options.maxBytes} bytes ` +
          "(zd.setMemoryLimit raises it)");
      }
    }
    this.liveBytes += size;
    return ptr;
  }

  /** A block of `size` from its size class, a merged span, or the top (growing the memory); -1 if full. */
  private take(size: number): number {
    const reused = this.freeLists.get(size)?.pop();
    if (reused !== undefined) return reused;
    for (let i = 0; i < this.spans.length; i++) {
      const span = this.spans[i];
      if (span.size < size) continue;
      const ptr = span.ptr;
      span.ptr += size;
      span.size -= size;
      if (span.size === 0) this.spans.splice(i, 1);
      return ptr;
    }
    if (this.top + size > this.memory.buffer.byteLength && !this.grow(this.top + size)) return -1;
    const ptr = this.top;
    this.top += size;
    return ptr;
  }

  free(ptr: number, bytes: number): void {
    const size = sizeClass(Math.max(bytes, 1));
    this.liveBytes -= size;
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /**
   * Size classes never merge, so a workload whose sizes change (a last, smaller batch; a new model)
   * can fill the heap with free blocks of the wrong sizes. When it is full, every free block is
   * merged with its neighbours into address-ordered spans that any size can be cut from, and a
   * span ending at the top lowers the top.
   */
  private coalesce(): void {
    const blocks: FreeSpan[] = this.spans.map((s) => ({ ...s }));
    for (const [size, list] of this.freeLists) for (const ptr of list) blocks.push({ ptr, size });
    this.freeLists.clear();
    blocks.sort((a, b) => a.ptr - b.ptr);
    const merged: FreeSpan[] = [];
    for (const block of blocks) {
      const last = merged[merged.length - 1];
      if (last && last.ptr + last.size === block.ptr) last.size += block.size;
      else merged.push({ ...block });
    }
    const last = merged[merged.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      merged.pop();
    }
    this.spans = merged;
  }

  private grow(requiredTop: number): boolean {
    const current = this.memory.buffer.byteLength;
    const limit = Math.min(this.options.maxBytes, 65536 * PAGE);
    if (requiredTop > limit) return false;
    // grow geometrically so a growing model does not call grow() per allocation
    const target = Math.min(limit, Math.max(requiredTop, current + Math.min(current, 256 * 1024 * 1024)));
    this.memory.grow(Math.ceil((target - current) / PAGE));
    return true;
  }
}
