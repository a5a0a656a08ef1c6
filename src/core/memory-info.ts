import { activeBackend } from "../backend/registry.js";
import { countLive } from "./memory.js";

export interface MemoryInfo {
  /**
   * Tensors alive: still referenced (not disposed, not collectable). Exact when `exact` is true;
   * otherwise it also counts unreachable tensors the collector has not reached yet.
   */
  numTensors: number;
  /**
   * Unreachable tensors that were still holding memory when `memory()` was called (the collection it
   * ran has now freed them): a number that climbs and falls back is garbage awaiting collection, not a
   * leak. 0 when `exact` is false (unknown).
   */
  numTensorsAwaitingCollection: number;
  /** True when a collection told live from unreachable tensors (Node; `{ collect: false }` skips it). */
  exact: boolean;
  /** Bytes held by the active backend's storages. */
  numBytes: number;
  backend: string;
  /** Size of the WebAssembly memory (wasm backend): what the heap costs the process. */
  heapBytes?: number;
  /** Bytes of cold storages moved out of the heap into JS arrays (wasm backend), restored on use. */
  evictedBytes?: number;
}

export interface MemoryOptions {
  /**
   * Run a full garbage collection first, so that `numTensors` counts only live tensors and
   * `numTensorsAwaitingCollection` the unreachable ones it freed (default true; a collection costs
   * about a millisecond per few MB of JS heap).
   */
  collect?: boolean;
}

/**
 * Live tensors and bytes, with the unreachable tensors that were awaiting collection counted apart.
 * @example
 * const { numTensors, numTensorsAwaitingCollection, numBytes } = zd.memory();
 */
export function memory(options: MemoryOptions = {}): MemoryInfo {
  const { before, after, exact } = countLive(options.collect !== false);
  const backend = activeBackend();
  const info: MemoryInfo = {
    numTensors: after, numTensorsAwaitingCollection: exact ? before - after : 0, exact,
    numBytes: backend.allocatedBytes(), backend: backend.name,
  };
  const stats = backend.memoryStats?.();
  if (stats) {
    info.heapBytes = stats.heapBytes;
    info.evictedBytes = stats.evictedBytes;
  }
  return info;
}
