import type { TypedArray } from "../../core/dtype.js";
import type { Storage } from "../backend.js";
import type { WasmHeap } from "./heap.js";
import type { ThreadPool } from "./threads.js";

/** The kernels' exports: functions on i32 pointers/sizes and f32 scalars (see kernels/assembly). */
export type KernelExports = { heap_base(): number } & Record<string, (...args: number[]) => number>;

/** What the fast kernel bindings (elementwise.ts, reduce.ts, gemm.ts) get from the backend. */
export interface KernelContext {
  readonly heap: WasmHeap;
  readonly exports: KernelExports;
  readonly pool: ThreadPool;
  /** Heap byte offset of a storage (restored if evicted, marked as used by this kernel). */
  ptr(storage: Storage): number;
  array(storage: Storage): TypedArray;
}
