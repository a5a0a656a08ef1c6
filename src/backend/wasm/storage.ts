import type { DType, TypedArray } from "../../core/dtype.js";
import type { Storage } from "../backend.js";

/**
 * A block of the WebAssembly heap. Under memory pressure a cold storage is evicted: its bytes move
 * to a JS array and the block is freed; the next kernel that touches it copies it back. Tensors
 * never notice, which is what lets a training loop run without `dispose()` in synchronous code,
 * where finalizers never get a turn.
 */
export class WasmStorage implements Storage {
  readonly backend = "wasm";
  /** Byte offset in the heap; meaningless while evicted or freed. */
  ptr: number;
  /** Kernel-call counter value when a kernel last touched this storage. */
  lastUse = 0;
  evicted: TypedArray | null = null;
  freed = false;

  constructor(readonly dtype: DType, readonly size: number, ptr: number, readonly bytes: number) {
    this.ptr = ptr;
  }
}

export function isWasmStorage(storage: Storage): storage is WasmStorage {
  return storage instanceof WasmStorage;
}
