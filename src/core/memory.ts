import type { Backend, Storage } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";

/**
 * Storage lifetime. Several tensors (views) share one storage; it is freed when the last of them is
 * disposed or collected. Users never have to dispose: a FinalizationRegistry returns the storage of
 * unreachable tensors, and autograd drops its saved tensors once a graph has been backpropagated.
 * `dispose()` and `tidy()` are there for those who want memory back at a known point.
 */
export class StorageRef {
  refs = 0;
  constructor(readonly storage: Storage, readonly backend: Backend) {}

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) this.backend.free(this.storage);
  }
}

let liveTensors = 0;
const registry = new FinalizationRegistry<StorageRef>((ref) => {
  liveTensors--;
  ref.release();
});

/** Called by every tensor constructor. */
export function trackTensor(owner: object, ref: StorageRef): void {
  ref.retain();
  liveTensors++;
  registry.register(owner, ref, owner);
  const scope = scopes[scopes.length - 1];
  if (scope) scope.push(owner as Disposable);
}

/** Called by `dispose()`. */
export function untrackTensor(owner: object, ref: StorageRef): void {
  registry.unregister(owner);
  liveTensors--;
  ref.release();
}

interface Disposable { dispose(): void; readonly isDisposed: boolean }
const scopes: Disposable[][] = [];
const kept = new WeakSet<object>();

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (a tensor, or an
 * array or object of tensors) and those passed to `keep` (leaf gradients from `backward()` are).
 * Do not call `backward()` afterwards on a graph built inside it.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Disposable[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const returned = new Set<unknown>();
  collectTensors(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) continue;
    if (returned.has(t)) parent?.push(t);
    else if (!t.isDisposed) t.dispose();
  }
  return result;
}

/**
 * Exempts a tensor created inside `tidy` from being disposed by it (and by every enclosing tidy), as
 * tf.keep: for state that outlives the scope. `dispose()` and garbage collection still free it.
 * Leaf gradients written by `backward()` are kept this way, since they belong to their leaf.
 */
export function keep<T extends object>(tensor: T): T {
  kept.add(tensor);
  return tensor;
}

function collectTensors(value: unknown, into: Set<unknown>, seen = new Set<object>()): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if ("dispose" in value && "isDisposed" in value) {
    into.add(value);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectTensors(v, into, seen);
}

export interface MemoryInfo {
  /** Tensors alive (not disposed and not yet collected). */
  numTensors: number;
  /** Bytes held by the active backend's storages. */
  numBytes: number;
  backend: string;
}

/** Live tensors and bytes; counts drop when tensors are disposed or garbage-collected. */
export function memory(): MemoryInfo {
  const backend = activeBackend();
  return { numTensors: liveTensors, numBytes: backend.allocatedBytes(), backend: backend.name };
}
