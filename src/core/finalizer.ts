/**
 * The engine hooks that let memory stay bounded in synchronous code. FinalizationRegistry callbacks
 * only run when the event loop turns, and a training loop written as a plain `for` never lets it:
 * unreachable tensors are found by the garbage collector, but their storages would wait forever.
 * V8 (Node) has `FinalizationRegistry.prototype.cleanupSome`, which runs the callbacks of what the
 * collector has already found, synchronously; it sits behind a flag that only new contexts honour,
 * so the registry is made in a fresh `vm` context (as the `gc` function is). Where either hook is
 * missing the fallbacks still work, only later: callbacks at the next turn of the event loop.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

interface CleanupRegistry<T> {
  register(target: object, held: T): void;
  cleanupSome?(): void;
}
type RegistryConstructor = new <T>(cleanup: (held: T) => void) => CleanupRegistry<T>;

/** A context created with the flags set, or null where the engine refuses. */
function flaggedContext(): { registry: RegistryConstructor | null; gc: (() => void) | null } {
  const exposed = (globalThis as { gc?: unknown }).gc;
  try {
    setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    if (typeof exposed !== "function") setFlagsFromString("--expose-gc");
    const { registry, gc } = runInNewContext("({ registry: FinalizationRegistry, gc: globalThis.gc })") as
      { registry: unknown; gc: unknown };
    const usable = typeof registry === "function" &&
      "cleanupSome" in (registry as { prototype: object }).prototype;
    const collector = typeof exposed === "function" ? exposed : typeof gc === "function" ? gc : null;
    const registryClass = usable ? (registry as RegistryConstructor) : null;
    return { registry: registryClass, gc: collector as (() => void) | null };
  } catch {
    return { registry: null, gc: typeof exposed === "function" ? (exposed as () => void) : null };
  }
}

const hooks = typeof process !== "undefined" && process.versions?.v8
  ? flaggedContext() : { registry: null, gc: null };

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
