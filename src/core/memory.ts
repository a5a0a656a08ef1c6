import type { Backend, Storage } from "../backend/backend.js";
import { bytesPerElement } from "./dtype.js";
import { collectNow, createRegistry, drainFinalizers, synchronousCollection } from "./finalizer.js";
import { Adopter } from "./move-out.js";

/**
 * Storage lifetime. Several tensors (views) share one storage; it is freed when the last of them is
 * disposed or collected. Users never have to dispose: a FinalizationRegistry returns the storage of
 * unreachable tensors, autograd drops its saved tensors once a graph has been backpropagated, and
 * allocation pressure triggers a collection (see `noteAllocation`) so that synchronous loops, where
 * finalizers would otherwise never run, stay bounded too. `dispose()` and `tidy()` are there for
 * those who want memory back at a known point.
 */
export class StorageRef {
  refs = 0;
  /**
   * Moved out by a synchronous loop without engine hooks (move-out.ts): the garbage collector now owns
   * the storage, so releasing the last tensor frees nothing. `watched` once it came back and is
   * freed by a finalizer on this object; `scratch` is the adopter's counter.
   */
  detached = false;
  watched = false;
  scratch = 0;
  readonly bytes: number;
  /** What the storage counts toward the collection budget: its bytes, or the backend's minimum. */
  readonly charge: number;
  constructor(readonly storage: Storage, readonly backend: Backend) {
    this.bytes = storage.size * bytesPerElement(storage.dtype);
    this.charge = Math.max(this.bytes, backend.minStorageCharge ?? 0);
    liveStorageBytes += this.bytes;
  }

  retain(): void {
    this.refs++;
  }

  /** Drops one reference; true when that freed the storage. */
  release(): boolean {
    if (--this.refs !== 0 || this.detached) return false;
    liveStorageBytes -= this.bytes;
    this.backend.free(this.storage);
    return true;
  }
}

/**
 * What the finalizer of one tensor gets. It must not reach the tensor (that would keep it alive), and
 * it carries the tensor's own "already released" flag, so `dispose()` needs no unregister token
 * (tokens cost V8 a hash-table entry per registration, about as much as the registration itself).
 */
export class Lifetime {
  released = false;
  /**
   * Set while the tensor was made inside a `tidy` and is not registered yet: most such tensors are
   * disposed when the scope ends, and skipping their registration skips its cost and, above all,
   * the old-generation collections registered objects need (V8's young collector keeps them).
   * Cleared (so the finalizer's record no longer reaches the tensor) when registered.
   */
  pending: { owner: Disposable; anchor: Anchor } | null = null;
  constructor(readonly ref: StorageRef) {}
}

/**
 * What the registry watches in place of the tensor: an empty object only the tensor points to, so it
 * becomes unreachable exactly when the tensor does. V8's young-generation collector keeps every
 * registered object alive (only full collections clear them), and a registered tensor would keep its
 * shape, its graph node and through it the whole graph alive with it: promoted, and collected late
 * and slowly. An empty anchor drags nothing along, which halved the cost of a small training step.
 */
export class Anchor {}

let liveTensors = 0;
let liveStorageBytes = 0;
const registry = createRegistry<Lifetime>((life) => {
  if (life.released) return;
  life.released = true;
  liveTensors--;
  life.ref.release();
});

/**
 * Called by every tensor constructor with the tensor's new anchor (which the tensor must keep as
 * its only reference); the tensor keeps the returned lifetime for `dispose`.
 */
export function trackTensor(owner: object, anchor: Anchor, ref: StorageRef): Lifetime {
  ref.retain();
  liveTensors++;
  registeredSinceCollection++;
  const life = new Lifetime(ref);
  if (scopes.length > 0) {
    life.pending = { owner: owner as Disposable, anchor };
    scopes[scopes.length - 1].push(life);
  } else if (adopter !== null) {
    adopter.adopt(life, anchor);
  } else {
    registry.register(anchor, life);
  }
  return life;
}

/** Hands a tensor that outlives its `tidy` to the finalizer, as every tensor made outside one is. */
function register(life: Lifetime): void {
  if (life.pending === null) return;
  if (adopter !== null) adopter.adopt(life, life.pending.anchor);
  else registry.register(life.pending.anchor, life);
  life.pending = null;
}

/** Where the engine cannot collect inside synchronous code, tensors are adopted (see move-out.ts). */
function makeAdopter(budgetBytes?: number): Adopter {
  return new Adopter({
    register: (anchor, life) => registry.register(anchor, life),
    forget: (life) => {
      life.released = true;
      liveTensors--;
    },
    movedOut: (bytes) => { liveStorageBytes -= bytes; },
    liveBytes: () => liveStorageBytes,
  }, budgetBytes);
}
let adopter: Adopter | null = synchronousCollection() ? null : makeAdopter();

/**
 * @internal Switches the adoption of move-out.ts on (as in a browser) or off (as in Node), for tests;
 * turning it off registers what it holds. `budgetBytes` fixes what a task may allocate before a move-out.
 */
export function _adoptWithoutHooks(on: boolean, budgetBytes?: number): Adopter | null {
  adopter?.turn();
  adopter = on ? makeAdopter(budgetBytes) : null;
  return adopter;
}

/** Called by `dispose()`. */
export function untrackTensor(life: Lifetime): void {
  if (life.released) return;
  life.released = true;
  life.pending = null;
  liveTensors--;
  // Memory given back by hand (dispose, tidy) needs no collection to find it: take it off the budget,
  // or a loop that tidies every step would still force a full collection every 64 MiB it allocates.
  if (life.ref.release()) bytesSinceCollection = Math.max(0, bytesSinceCollection - life.ref.charge);
}

// ---- pressure-triggered collection -----------------------------------------------------------------
const MiB = 2 ** 20;
const MIN_BYTE_BUDGET = 64 * MiB;
const MIN_TENSOR_BUDGET = 500_000;
let bytesSinceCollection = 0;
let byteBudget = MIN_BYTE_BUDGET;
let registeredSinceCollection = 0;
let tensorBudget = MIN_TENSOR_BUDGET;

/**
 * Called before each storage allocation, a safe point: the inputs of the op that allocates are
 * still in use, so no storage a kernel is about to read can be freed here. After as many bytes as
 * are live (at least 64 MiB) have been allocated, or as many tensors created as are alive (at least
 * 500,000: each leaves a finalizer record that only a full collection clears), run a full collection
 * and the finalizers it makes due. Scaling the budgets with what is live throttles it (shumai found
 * that collecting on every allocation slows training 60x): a collection costs time in proportion to
 * what is live, so it stays a small, fixed fraction of the work that fills the budget.
 */
export function noteAllocation(bytes: number, backendPressured = false): void {
  bytesSinceCollection += bytes;
  adopter?.allocated(bytes);
  // A backend near its soft limit would otherwise evict garbage that a collection frees for free
  if (bytesSinceCollection > byteBudget || registeredSinceCollection > tensorBudget ||
    (backendPressured && bytesSinceCollection > MIN_BYTE_BUDGET)) collectGarbage();
  else if (!idleCollectionPending && bytesSinceCollection > IDLE_BYTES) scheduleIdleCollection();
}

/**
 * Code that awaits (a server, an async training loop) gives the event loop turns, and a turn is a
 * moment when no op is running: collect then too, so memory falls back between bursts of work
 * instead of waiting for the next budget. Throttled to about 5% of the time: not within twenty
 * times the last idle collection's duration since it ended (an async loop that yields every step
 * would otherwise collect every step). The timer never keeps the process alive.
 */
const IDLE_BYTES = 1 * MiB;
let idleCollectionPending = false;
let lastIdleEnd = 0, lastIdleCost = 0;

function scheduleIdleCollection(delayMs = 0): void {
  if (typeof setTimeout !== "function") return;
  idleCollectionPending = true;
  const timer = setTimeout(() => {
    idleCollectionPending = false;
    if (bytesSinceCollection <= IDLE_BYTES) return;
    const started = performance.now();
    const wait = lastIdleEnd + 20 * lastIdleCost - started;
    if (wait > 0) return scheduleIdleCollection(wait);
    collectGarbage();
    lastIdleEnd = performance.now();
    lastIdleCost = lastIdleEnd - started;
  }, delayMs);
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Frees now the storages of every tensor that is no longer reachable (a full garbage collection,
 * then the finalizers), where the engine allows it; otherwise at the next turn of the event loop.
 * Training loops need not call it: allocation pressure does.
 */
export function collectGarbage(): void {
  bytesSinceCollection = 0;
  registeredSinceCollection = 0;
  if (!collectNow()) drainFinalizers();
  byteBudget = Math.max(MIN_BYTE_BUDGET, liveStorageBytes);
  tensorBudget = Math.max(MIN_TENSOR_BUDGET, liveTensors);
}

// ---- tidy / keep -------------------------------------------------------------------------------------
interface Disposable { dispose(): void; readonly isDisposed: boolean }
/** Per open `tidy`, the lifetimes of the tensors made in it (still unregistered). */
const scopes: Lifetime[][] = [];
const kept = new WeakSet<object>();

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (a tensor, or an
 * array or object of tensors) and those passed to `keep` (leaf gradients from `backward()` are).
 * Do not call `backward()` afterwards on a graph built inside it.
 * @example
 * const loss = zd.tidy(() => model.forward(x).sub(y).square().mean());  // intermediates freed now
 */
export function tidy<T>(fn: () => T): T {
  const scope: Lifetime[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    // what the scope made may still be referenced by whoever catches: leave it to the collector
    for (const life of scope) register(life);
    throw error;
  } finally {
    scopes.pop();
  }
  const returned = new Set<unknown>();
  collectTensors(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const life of scope) {
    if (life.released || life.pending === null) continue;
    const owner = life.pending.owner;
    if (kept.has(owner)) register(life);
    else if (returned.has(owner)) parent ? parent.push(life) : register(life);
    else owner.dispose();
  }
  return result;
}

/**
 * Exempts a tensor created inside `tidy` from being disposed by it (and by every enclosing tidy), as
 * tf.keep: for state that outlives the scope. `dispose()` and garbage collection still free it.
 * Leaf gradients written by `backward()` are kept this way, since they belong to their leaf.
 */
export function keep<T extends object>(tensor: T): T {
  if (scopes.length > 0) kept.add(tensor);
  return tensor;
}

/**
 * Keeps (as `keep`) every tensor reachable from `root` through object fields, arrays and Map values,
 * without descending into tensors: so a `tidy` around a training step spares what a model stored on
 * itself during the step (a carried hidden state, a replaced buffer).
 */
export function keepReachable(root: object): void {
  if (scopes.length === 0) return;
  const into = new Set<unknown>();
  collectTensors(root, into, new Set(), true);
  for (const t of into) kept.add(t as object);
}

function collectTensors(value: unknown, into: Set<unknown>, seen = new Set<object>(), maps = false): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if ("dispose" in value && "isDisposed" in value) {
    into.add(value);
    return;
  }
  const values = Array.isArray(value) ? value
    : maps && value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of values) collectTensors(v, into, seen, maps);
}

/**
 * @internal For `zd.memory()` (memory-info.ts): the live tensors before and after a full collection
 * (when `collect` and the engine allows one), and whether one ran.
 */
export function countLive(collect: boolean): { before: number; after: number; exact: boolean } {
  const before = liveTensors;
  let exact = false;
  if (collect) {
    bytesSinceCollection = 0;
    registeredSinceCollection = 0;
    exact = collectNow();
    byteBudget = Math.max(MIN_BYTE_BUDGET, liveStorageBytes);
    tensorBudget = Math.max(MIN_TENSOR_BUDGET, liveTensors);
  }
  return { before, after: liveTensors, exact };
}
