// The control block the pool shares with all its workers: a SharedArrayBuffer of CONTROL_BYTES.
// An Int32 header (indices below; the counters every thread writes sit on cache lines of their own, so
// workers spinning on Seq do not bounce them), then SCRATCH float64 slots (each thread's scratch
// pointer, by thread index, 0 = the pool's own thread), then CALL_SLOTS float64 slots per call:
// [export index, argument count, arguments...]. Float64 carries i32 pointers and f32 scalars exactly.
//
// Scheduling is dynamic: every thread claims calls from Next until none are left, so a worker the OS
// has descheduled delays nothing; the pool's own thread does its share.
// Posting a job: Next is CLOSED, the calls, scratch table, Active, Total and Finished are written, then
// Next is opened (the job's tag, call 0) and Seq bumped. A thread joins with the tag it read from Next
// and claims by compare-and-swap only while Next still carries that tag. So a worker that wakes late,
// or is descheduled between two claims, can never take a call of the next job with this job's scratch
// pointer (the kernels' workspaces differ between jobs: GEMM, convolution, recurrent steps).

export const enum Control {
  /** Job number; workers wait for it to change. */
  Seq = 0,
  /** Workers with index below this take part in the current job. */
  Active = 1,
  /** Calls in the current job. */
  Total = 2,
  /** Workers that have instantiated the kernels. */
  Ready = 3,
  /** The open job's tag (above TAG_SHIFT) and the next call to claim (below); CLOSED between jobs. */
  Next = 16,
  /** Calls completed; the thread completing the last one notifies. */
  Finished = 32,
  /** Set when a call threw (a trap); the pool rethrows. */
  Failed = 48,
}

export const CLOSED = 0;
/** Call indices take the low bits of Next (MAX_CALLS fits), the job's tag the others. */
export const TAG_SHIFT = 10;
/** Tags cycle through 1..MAX_TAG (0 is CLOSED): a stale claim would need 2^21 jobs to pass meanwhile. */
export const MAX_TAG = (1 << 21) - 1;
export const MAX_THREADS = 256;
export const MAX_CALLS = 512;
export const CALL_SLOTS = 16;
export const HEADER_BYTES = 256;
export const CALLS_OFFSET = HEADER_BYTES + MAX_THREADS * 8;
export const CONTROL_BYTES = CALLS_OFFSET + MAX_CALLS * CALL_SLOTS * 8;

/** Busy-wait iterations (a few ns each) before falling back to Atomics.wait. */
export const SPIN_LIMIT = 20000;

/** What the pool passes to a new worker. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** Thread index: 1 for the first worker (0 is the pool's own thread). */
  index: number;
}

/**
 * Runs calls of the job tagged `tag` until none is left; `scratch` is this thread's scratch pointer
 * for that job.
 */
export function claimCalls(control: Int32Array, calls: Float64Array, scratch: number,
  functions: readonly ((...args: number[]) => unknown)[], args: number[], tag: number): void {
  for (;;) {
    const next = Atomics.load(control, Control.Next);
    if (next >>> TAG_SHIFT !== tag) return;
    const c = next & ((1 << TAG_SHIFT) - 1);
    const total = Atomics.load(control, Control.Total);
    if (c >= total) return;
    if (Atomics.compareExchange(control, Control.Next, next, next + 1) !== next) continue;
    const base = c * CALL_SLOTS, argc = calls[base + 1];
    args.length = argc + 1;
    for (let i = 0; i < argc; i++) args[i] = calls[base + 2 + i];
    args[argc] = scratch;
    try {
      functions[calls[base]](...args);
    } catch {
      Atomics.store(control, Control.Failed, 1);
    }
    if (Atomics.add(control, Control.Finished, 1) + 1 === total) Atomics.notify(control, Control.Finished);
  }
}
