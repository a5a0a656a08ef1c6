import type { TypedArray } from "../../core/dtype.js";
import type { WasmHeap } from "./heap.js";
import type { WasmStorage } from "./storage.js";

/**
 * Which storages of the wasm backend are in the heap, and moving them out and back in: eviction of
 * cold storages under memory pressure, and `moveOut` (core/move-out.ts) for synchronous loops in
 * engines that cannot run finalizers inside them.
 */
export class Residency {
  /** Storages in the heap, least recently allocated first (eviction sorts them by last use). */
  private head: WasmStorage | null = null;
  /**
   * Advanced by every allocation, and so once per op (ops allocate their output before running the
   * kernel): storages touched since then have `lastUse === tick` and are never evicted, so bringing
   * back one operand cannot push out another that the same kernel already holds a pointer to.
   */
  private tick = 0;
  /** Bytes evicted under pressure and not freed yet (moved-out ones belong to the garbage collector). */
  evictedBytes = 0;
  evictions = 0;
  private allocatedSinceEviction = 0;

  constructor(private readonly heap: WasmHeap, private readonly softLimit: number) {}

  /** Called before each allocation; returns the tick the new storage is stamped with. */
  allocating(bytes: number): number {
    this.allocatedSinceEviction += bytes;
    return ++this.tick;
  }

  /** Marks a storage as used by the current kernel, bringing it back into the heap if it is out. */
  touch(s: WasmStorage): void {
    s.lastUse = this.tick;
    if (s.evicted !== null) this.restore(s);
  }

  free(s: WasmStorage): void {
    if (s.evicted) {
      if (s.onReturn === null) this.evictedBytes -= s.bytes;
      s.evicted = null;
    } else {
      this.unlink(s);
      this.heap.free(s.ptr, s.bytes);
    }
  }

  viewOf(s: WasmStorage): TypedArray {
    switch (s.dtype) {
      case "float32": return new Float32Array(this.heap.memory.buffer, s.ptr, s.size);
      case "float64": return new Float64Array(this.heap.memory.buffer, s.ptr, s.size);
      case "int32": return new Int32Array(this.heap.memory.buffer, s.ptr, s.size);
    }
  }

  link(s: WasmStorage): void {
    s.prev = null;
    s.next = this.head;
    if (this.head) this.head.prev = s;
    this.head = s;
  }

  private unlink(s: WasmStorage): void {
    if (s.prev) s.prev.next = s.next;
    else this.head = s.next;
    if (s.next) s.next.prev = s.prev;
    s.prev = s.next = null;
  }

  private restore(s: WasmStorage): void {
    const data = s.evicted as TypedArray, onReturn = s.onReturn;
    s.ptr = this.heap.alloc(s.bytes);
    s.evicted = null;
    s.onReturn = null;
    if (onReturn === null) this.evictedBytes -= s.bytes;
    this.link(s);
    (s.view = this.viewOf(s)).set(data);
    onReturn?.();
  }

  /** See `BackendServices.moveOut`. */
  moveOut(s: WasmStorage, onReturn: () => void): boolean {
    if (s.freed) return false;
    if (s.evicted === null) this.evictOne(s);
    else if (s.onReturn === null) this.evictedBytes -= s.bytes;
    s.onReturn = onReturn;
    return true;
  }

  private evictOne(s: WasmStorage): void {
    s.evicted = (s.view ?? this.viewOf(s)).slice();
    s.view = null;
    s.js = null;
    this.unlink(s);
    this.heap.free(s.ptr, s.bytes);
  }

  /**
   * Moves the least recently used storages out of the heap until `needed` bytes (and, under soft
   * pressure, a quarter of the live bytes) are free. Storages touched by the current op are kept.
   */
  evict(needed: number, hard: boolean): void {
    // Soft pressure with a working set larger than the soft limit would otherwise evict on every
    // allocation and copy the same tensors out and back in: evict at most once per quarter limit.
    if (!hard && this.allocatedSinceEviction < this.softLimit / 4) return;
    this.allocatedSinceEviction = 0;
    const candidates: WasmStorage[] = [];
    for (let s = this.head; s !== null; s = s.next) if (s.lastUse < this.tick) candidates.push(s);
    candidates.sort((a, b) => a.lastUse - b.lastUse);
    const goal = hard ? Infinity : Math.max(needed, this.heap.liveBytes / 4);
    let released = 0;
    for (const s of candidates) {
      if (released >= goal) break;
      this.evictOne(s);
      this.evictedBytes += s.bytes;
      released += s.bytes;
      this.evictions++;
    }
  }
}
