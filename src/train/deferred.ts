/**
 * Reading a training loop's numbers back from a GPU without stalling it. On a backend whose reads are
 * asynchronous (WebGPU: in a browser a synchronous read is impossible, in Node it waits for the whole
 * queue), each step's loss and metric sums stay on the device as scalars; every few steps they are
 * read in one transfer while the GPU works on the next steps.
 */
import { tidy } from "../core/memory.js";
import { concat } from "../core/ops/movement.js";
import type { Tensor } from "../core/tensor.js";
import type { Metric } from "./metrics.js";

/** True when `t`'s backend reads back asynchronously, so a loop should batch its reads. */
export function readsAsynchronously(t: Tensor): boolean {
  return t.backend.readAsync !== undefined;
}

/** The `readEvery` option checked (default 16). */
export function readInterval(readEvery: number | undefined): number {
  const every = readEvery ?? 16;
  if (!Number.isInteger(every) || every < 1) {
    throw new Error(`readEvery must be a positive integer, got ${String(readEvery)}`);
  }
  return every;
}

/** A batch's metric sums as device scalars (a metric without `batchSumTensor` is read at once). */
export function metricSums(metrics: readonly Metric[], output: Tensor, target: Tensor): (Tensor | number)[] {
  return metrics.map((m) => (m.batchSumTensor ? m.batchSumTensor(output, target)
    : m.batchSum(output, target)));
}

/** Steps whose values are still on the device, in order. */
export class PendingValues<S> {
  private readonly entries: { info: S; values: (Tensor | number)[] }[] = [];

  get length(): number { return this.entries.length; }

  push(info: S, values: (Tensor | number)[]): void { this.entries.push({ info, values }); }

  /**
   * Hands `each` every entry's numbers in order and empties the list: at once when they are all
   * numbers already (null), else after one transfer of every pending scalar (the promise).
   */
  read(each: (info: S, values: number[]) => void): Promise<void> | null {
    const entries = this.entries.splice(0);
    const scalars = entries.flatMap((e) => e.values.filter((v): v is Tensor => typeof v !== "number"));
    const deliver = (numbers: ArrayLike<number>): void => {
      let k = 0;
      for (const e of entries) each(e.info, e.values.map((v) => (typeof v === "number" ? v : numbers[k++])));
    };
    if (scalars.length === 0) {
      deliver([]);
      return null;
    }
    const all = tidy(() => concat(scalars.map((t) => t.reshape([1]).float()), 0));
    for (const t of scalars) t.dispose();
    return all.data().then((numbers) => {
      all.dispose();
      deliver(numbers);
    });
  }
}
