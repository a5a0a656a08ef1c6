// The control block the pool shares with all its workers: a SharedArrayBuffer of CONTROL_BYTES.
// An Int32 header (indices below; the counters every thread writes sit on cache lines of their own, so
// workers spinning on Seq do not bounce them), then SCRATCH float64 slots (each thread's scratch
// pointer, by thread index, 0 = the pool's own thread), then CALL_SLOTS float64 slots per call:
// [export index, argument count, arguments...]. Float64 carries i32 pointers and f32 scalars exactly.
//
// Scheduling is dynamic: every thread claims calls with Atomics.add on Next until none are left, so a
// worker the OS has descheduled delays nothing; the pool's own thread does its share.
// Posting a job: Next is CLOSED (a late claim from the last job fails), the calls, Total and
// Finished are written, then Next is opened (0) and Seq bumped. A claim that succeeds therefore sees
// the whole job, and one that fails sees a Total it cannot reach.

export const enum Control {
  /** Job number; workers wait for it to change. */
  Seq = 0,
  /** Workers with index below this take part in the current job. */
  Active = 1,
  /** Calls in the current job. */
  Total = 2,
  /** Workers that have instantiated the kernels. */
  Ready = 3,
  /** Next call to claim (Atomics.add); CLOSED between jobs. */
  Next = 16,
  /** Calls completed; the thread completing the last one notifies. */
  Finished = 32,
  /** Set when a call threw (a trap); the pool rethrows. */
  Failed = 48,
}

export const CLOSED = 1 << 30;
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

/** Runs calls from the current job until none is left; `scratch` is this thread's scratch pointer. */
export function claimCalls(control: Int32Array, calls: Float64Array, scratch: number,
  functions: readonly ((...args: number[]) => unknown)[], args: number[]): void {
  for (;;) {
    const c = Atomics.add(control, Control.Next, 1);
    const total = Atomics.load(control, Control.Total);
    if (c >= total) return;
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
