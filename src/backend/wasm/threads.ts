import { platform } from "#platform";
import type { PoolWorker } from "../../platform/types.js";
import type { KernelExports } from "./context.js";
import {
  CALL_SLOTS, CALLS_OFFSET, CLOSED, CONTROL_BYTES, Control, HEADER_BYTES, MAX_CALLS, MAX_TAG, MAX_THREADS,
  SPIN_LIMIT, TAG_SHIFT, claimCalls, type WorkerInit,
} from "./worker-protocol.js";

/**
 * The worker script. The Web Worker is constructed here, beside worker.js, in the literal form
 * `new Worker(new URL("./worker.js", import.meta.url), { type: "module" })` that Vite and webpack
 * recognise, so they bundle and emit the worker with the app (Node finds the file itself).
 */
const WORKER_SCRIPT = {
  web: (): Worker => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }),
};

/** One call of a kernel export: its name, then its numeric arguments (exact up to 2⁵³). */
export type KernelCall = readonly [name: string, ...args: number[]];

/**
 * Workers need a memory they can share: Node's worker threads, or Web Workers in a cross-origin-isolated
 * page (COOP/COEP headers). Without it everything runs on the calling thread.
 */
const threadsSupported = typeof Atomics === "object" && platform.threadsSupported();

let requestedThreads = Math.max(1, platform.hardwareConcurrency());

/**
 * Sets how many threads the fast backend's kernels (GEMM) use, counting the calling thread.
 * The default is the number of logical CPUs (`os.availableParallelism()`, `navigator.hardwareConcurrency`);
 * 1 runs everything on the calling thread.
 * @example zd.setNumThreads(2); zd.matmul(a, b); // now split across two threads
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
  requestedThreads = Math.min(n, MAX_THREADS);
}

/**
 * How many threads the fast backend's kernels use: 1 where workers cannot share memory (a browser page
 * without cross-origin isolation, or no SharedArrayBuffer). @example zd.getNumThreads(); // 2 on two cores
 */
export function getNumThreads(): number {
  return threadsSupported ? requestedThreads : 1;
}

type KernelFunction = (...args: number[]) => unknown;

/**
 * Worker threads sharing the heap. Each worker instantiates the kernel module (compiled once, here;
 * a posted module is not recompiled) on the same shared memory and waits for jobs on one control
 * block (worker-protocol.ts). The hand-off is `Atomics` only: a worker spins briefly after each job
 * (a round trip costs about 1 µs while it spins, about 10 µs from `Atomics.wait`, about 30 µs by
 * postMessage), then sleeps in `Atomics.wait`. Workers are unref'd, so an idle pool never keeps the
 * process alive; until they report ready, the calling thread does all the work. On a browser page's
 * main thread, where `Atomics.wait` throws, the calling thread only spins.
 */
export class ThreadPool {
  private readonly workers: PoolWorker[] = [];
  private readonly started: Promise<void>[] = [];
  private readonly names: string[];
  private readonly control: Int32Array | null = null;
  private readonly scratch: Float64Array | null = null;
  private readonly calls: Float64Array | null = null;
  private readonly buffer: SharedArrayBuffer | null = null;
  private functions: KernelFunction[] = [];
  private functionsOf: KernelExports | null = null;
  private readonly args: number[] = [];
  /** The last job's tag (worker-protocol.ts). */
  private tag = 0;

  constructor(readonly module: WebAssembly.Module, readonly memory: WebAssembly.Memory) {
    this.names = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
    if (!threadsSupported) return;
    this.buffer = new SharedArrayBuffer(CONTROL_BYTES);
    this.control = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    this.scratch = new Float64Array(this.buffer, HEADER_BYTES, MAX_THREADS);
    this.calls = new Float64Array(this.buffer, CALLS_OFFSET);
    this.control[Control.Next] = CLOSED;
    this.spawn(getNumThreads() - 1);
  }

  /** Threads a kernel may use now: this one plus the workers running, up to getNumThreads(). */
  get size(): number {
    const wanted = getNumThreads();
    if (this.workers.length < wanted - 1) this.spawn(wanted - 1 - this.workers.length);
    return this.control ? 1 + Math.min(wanted - 1, Atomics.load(this.control, Control.Ready)) : 1;
  }

  /** Resolves when the workers getNumThreads() asks for have started (or failed to, quietly). */
  async ready(): Promise<void> {
    void this.size;
    // keep the event loop alive meanwhile: unref'd workers alone would let the process exit
    for (const w of this.workers) w.ref();
    try {
      await Promise.all(this.started);
    } finally {
      for (const w of this.workers) w.unref();
    }
  }

  private spawn(count: number): void {
    if (!this.buffer) return;
    for (let i = 0; i < count; i++) {
      const init: WorkerInit = {
        module: this.module, memory: this.memory, control: this.buffer, index: this.workers.length + 1,
      };
      let worker: PoolWorker;
      try {
        worker = platform.spawnWorker(WORKER_SCRIPT, init);
      } catch {
        return;
      }
      this.started.push(worker.started);
      this.workers.push(worker);
    }
  }

  /**
   * Runs every call on up to `scratch.length` threads, each call with the running thread's scratch
   * pointer appended as its last argument (`exports` serves this thread); returns when all are done.
   * Calls may run in any order and at once, so they must write disjoint memory.
   */
  run(exports: KernelExports, calls: readonly KernelCall[], scratch: readonly number[]): void {
    const threads = Math.min(this.size, scratch.length, calls.length);
    if (threads <= 1) {
      for (const [name, ...args] of calls) exports[name](...args, scratch[0]);
      return;
    }
    if (this.functionsOf !== exports) {
      this.functions = this.names.map((name) => exports[name]);
      this.functionsOf = exports;
    }
    for (let from = 0; from < calls.length; from += MAX_CALLS) {
      this.job(calls.slice(from, from + MAX_CALLS), scratch, threads);
    }
  }

  private job(calls: readonly KernelCall[], scratch: readonly number[], threads: number): void {
    const control = this.control as Int32Array, slots = this.calls as Float64Array;
    const table = this.scratch as Float64Array;
    // checked before anything is written: an overlong call would spill into the next call's slots
    for (const call of calls) {
      if (call.length - 1 > CALL_SLOTS - 2) {
        throw new Error(`thread pool: ${call[0]} has ${call.length - 1} arguments; ` +
          `a pooled call carries at most ${CALL_SLOTS - 2}`);
      }
    }
    calls.forEach((call, c) => {
      const index = this.names.indexOf(call[0]);
      if (index < 0) throw new Error(`thread pool: the kernels have no export named ${call[0]}`);
      const base = c * CALL_SLOTS;
      slots[base] = index;
      slots[base + 1] = call.length - 1;
      for (let i = 1; i < call.length; i++) slots[base + 1 + i] = call[i] as number;
    });
    for (let t = 0; t < threads; t++) table[t] = scratch[t];
    Atomics.store(control, Control.Active, threads);
    Atomics.store(control, Control.Total, calls.length);
    Atomics.store(control, Control.Finished, 0);
    Atomics.store(control, Control.Failed, 0);
    this.tag = this.tag >= MAX_TAG ? 1 : this.tag + 1;
    Atomics.store(control, Control.Next, this.tag << TAG_SHIFT);
    Atomics.add(control, Control.Seq, 1);
    Atomics.notify(control, Control.Seq);
    claimCalls(control, slots, scratch[0], this.functions, this.args, this.tag);
    // the workers hold at most one call each now: spin, then sleep until the last one notifies
    let spins = 0, finished: number;
    while ((finished = Atomics.load(control, Control.Finished)) !== calls.length) {
      if (++spins > SPIN_LIMIT && platform.canBlock) Atomics.wait(control, Control.Finished, finished, 100);
    }
    Atomics.store(control, Control.Next, CLOSED);
    if (Atomics.load(control, Control.Failed) !== 0) {
      throw new Error("thread pool: a kernel call failed (a trap)");
    }
  }
}
