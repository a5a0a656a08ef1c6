/**
 * The engine hooks that let memory stay bounded in synchronous code. FinalizationRegistry callbacks
 * only run when the event loop turns, and a training loop written as a plain `for` never lets it:
 * unreachable tensors are found by the garbage collector, but their storages would wait forever.
 * V8 (Node) has `FinalizationRegistry.prototype.cleanupSome`, which runs the callbacks of what the
 * collector has already found, synchronously (src/node/platform.ts gets it). Where either hook is
 * missing (browsers) the fallbacks still work, only later: callbacks at the next turn of the event loop.
 */
import { platform } from "#platform";

interface CleanupRegistry<T> {
  register(target: object, held: T): void;
  cleanupSome?(): void;
}

const hooks = platform.collectionHooks();

/** True where finalizers can be run inside synchronous code (Node's V8 hooks). */
export function synchronousCollection(): boolean {
  return hooks.registry !== null && hooks.gc !== null;
}

/** A FinalizationRegistry whose callbacks can also be run on demand by `drainFinalizers`. */
export function createRegistry<T>(cleanup: (held: T) => void): CleanupRegistry<T> {
  const registry = hooks.registry ? new hooks.registry<T>(cleanup) : new FinalizationRegistry<T>(cleanup);
  registries.push(registry as CleanupRegistry<unknown>);
  return registry;
}
const registries: CleanupRegistry<unknown>[] = [];

/** Runs the callbacks of every registered object the collector has already found unreachable. */
export function drainFinalizers(): void {
  for (const r of registries) r.cleanupSome?.();
}

/** A full garbage collection followed by the callbacks it makes due; false when gc is unavailable. */
export function collectNow(): boolean {
  if (!hooks.gc) return false;
  hooks.gc();
  drainFinalizers();
  return true;
}
