/**
 * One training loop, two ways to run it: training loops are generators that yield after each step;
 * `runSync` drains one in a plain loop (Node scripts, the CLI), `runAsync` gives the event loop a turn
 * whenever a frame's worth of time has passed, so a page stays responsive while it trains (and
 * FinalizationRegistry callbacks, which only run between tasks, get to free unreachable tensors).
 */

/**
 * A training loop that yields between steps and returns its result. It may yield a promise (a batch of
 * values read back from a GPU): `runAsync` waits for it before resuming; such a loop is only ever
 * driven by `runAsync`.
 */
export type Steps<T> = Generator<void | Promise<void>, T, void>;

export interface AsyncTrainingOptions {
  /**
   * Longest stretch, in milliseconds, between two yields to the event loop (default 16, one frame at
   * 60 Hz; 0 yields after every step). A step longer than this still runs whole.
   */
  yieldEveryMs?: number;
  /**
   * On a backend whose reads are asynchronous (WebGPU), how many steps run between two reads of the
   * losses and metrics (default 16): the GPU never waits for JavaScript, and each read fetches the
   * values of all those steps at once. A non-finite loss is reported at that read, naming its step.
   * Ignored on the CPU backends, which read each step's loss as it ends.
   */
  readEvery?: number;
}

/** Runs a training loop to its end without yielding. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (next.value instanceof Promise) {
      throw new Error("a training loop that reads a GPU asynchronously was run synchronously; use its " +
        "async form (fitAsync)");
    }
  }
}

/**
 * Resolves on a later task: a MessageChannel message (not clamped to 4 ms as nested timers are), else
 * `setTimeout(0)`. Not `scheduler.yield()`: Chromium runs its continuations ahead of rendering, and in
 * the browser tests frames then waited for its starvation guard, 100-150 ms, against 30-50 ms here.
 * @example await zd.nextTask();
 */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs a training loop, yielding to the event loop at least every `yieldEveryMs`. */
export async function runAsync<T>(steps: Steps<T>, options: AsyncTrainingOptions = {}): Promise<T> {
  const budget = options.yieldEveryMs ?? 16;
  if (!(budget >= 0)) throw new Error(`yieldEveryMs must be a number >= 0, got ${String(budget)}`);
  let since = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (next.value instanceof Promise) {
      await next.value;
      since = performance.now();
    } else if (performance.now() - since >= budget) {
      await nextTask();
      since = performance.now();
    }
  }
}
