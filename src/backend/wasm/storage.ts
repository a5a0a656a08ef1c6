import type { DType, TypedArray } from "../../core/dtype.js";
import type { Storage } from "../backend.js";
import type { JsStorage } from "../js/strided.js";

/**
 * A block of the WebAssembly heap. Under memory pressure a cold storage is evicted: its bytes move
 * to a JS array and the block is freed; the next kernel that touches it copies it back. Tensors
 * never notice. Storages in the heap form a doubly linked list (the backend's resident set), so
 * allocating and freeing, which happen on every op, cost a couple of pointer writes and no hashing.
 */
export class WasmStorage implements Storage {
  readonly backend = "wasm";
  /** Byte offset in the heap; meaningless while evicted or freed. */
  ptr: number;
  /** The backend's op counter when a kernel last touched this storage. */
  lastUse = 0;
  evicted: TypedArray | null = null;
  /** Set by `moveOut`: the evicted copy belongs to the garbage collector, and coming back is reported. */
  onReturn: (() => void) | null = null;
  freed = false;
  /** Neighbours in the resident list. */
  prev: WasmStorage | null = null;
  next: WasmStorage | null = null;
  /**
   * Typed array over the block, made on first use. It stays valid when the memory grows: a shared
   * memory's old buffers are never detached, and the block lies within the buffer it was made from.
   */
  view: TypedArray | null = null;
  /** The same array wrapped for the reference kernels. */
  js: JsStorage | null = null;

  constructor(readonly dtype: DType, readonly size: number, ptr: number, readonly bytes: number) {
    this.ptr = ptr;
  }
}

export function isWasmStorage(storage: Storage): storage is WasmStorage {
  return storage instanceof WasmStorage;
}
