/** Timing with warm-up and medians, bounded in wall time so a slow implementation cannot stall the run. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface MeasureOptions {
  /** Calls before timing (tier-up of JIT and wasm code, first-touch of memory). Default 2. */
  warmup?: number;
  /** Timed calls at least (unless the first warm-up call alone exceeds `slowSeconds`). Default 3. */
  minRuns?: number;
  /** Timed calls at most. Default 30. */
  maxRuns?: number;
  /** Stop adding timed calls once this much time went into them. Default 1 s. */
  budgetSeconds?: number;
  /** A first call slower than this is used as the single sample: a second one would only repeat it. */
  slowSeconds?: number;
}

export interface Measurement {
  /** Median seconds per call. */
  seconds: number;
  runs: number;
  /** The fastest call: on a shared machine, closer to what the code does when it has a core. */
  best: number;
}

/** Median wall time of `fn` (synchronous: our kernels and the peers' CPU backends all finish in the call). */
export function measure(fn: () => void, options: MeasureOptions = {}): Measurement {
  const { warmup = 2, minRuns = 3, maxRuns = 30, budgetSeconds = 1, slowSeconds = 3 } = options;
  for (let i = 0; i < warmup; i++) {
    const start = performance.now();
    fn();
    const first = (performance.now() - start) / 1000;
    if (i === 0 && first > slowSeconds) return { seconds: first, runs: 1, best: first };
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < maxRuns && (samples.length < minRuns || spent < budgetSeconds)) {
    const start = performance.now();
    fn();
    const seconds = (performance.now() - start) / 1000;
    samples.push(seconds);
    spent += seconds;
  }
  return { seconds: median(samples), runs: samples.length, best: Math.min(...samples) };
}

/**
 * Per-call time of something far shorter than the timer's resolution: batches of `batch` calls,
 * the median batch divided by `batch`.
 */
export function measurePerCall(fn: () => void, batch: number, batches = 15, warmupBatches = 3): number {
  const times: number[] = [];
  for (let b = 0; b < warmupBatches + batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (b >= warmupBatches) times.push((performance.now() - start) / batch);
  }
  return median(times) / 1000;
}

/** `measure` for work that finishes in a Promise (peers whose kernels run in Web Workers). */
export async function measureAsync(fn: () => Promise<void>,
  options: MeasureOptions = {}): Promise<Measurement> {
  const { warmup = 2, minRuns = 3, maxRuns = 30, budgetSeconds = 1, slowSeconds = 3 } = options;
  for (let i = 0; i < warmup; i++) {
    const start = performance.now();
    await fn();
    const first = (performance.now() - start) / 1000;
    if (i === 0 && first > slowSeconds) return { seconds: first, runs: 1, best: first };
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < maxRuns && (samples.length < minRuns || spent < budgetSeconds)) {
    const start = performance.now();
    await fn();
    const seconds = (performance.now() - start) / 1000;
    samples.push(seconds);
    spent += seconds;
  }
  return { seconds: median(samples), runs: samples.length, best: Math.min(...samples) };
}
