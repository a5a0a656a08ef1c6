import type { Tensor } from "../core/tensor.js";
import { UsageError } from "./errors.js";

/**
 * Refuses features that are NaN or infinite (a model turns them into a confident wrong answer), naming the
 * first one by row and column, counted from 1 as a spreadsheet does.
 */
export function checkFiniteRows(x: Tensor, source: string): void {
  const values = x.dataSync();
  const columns = x.shape[1] ?? 1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    let bad = 0;
    for (const v of values) if (!Number.isFinite(v)) bad++;
    throw new UsageError(`${source}: row ${Math.floor(i / columns) + 1}, column ${(i % columns) + 1} is ` +
      `${values[i]}${bad > 1 ? ` (and ${bad - 1} more non-finite values)` : ""}; features must be finite ` +
      "numbers (--allow-nan passes them to the model as they are)");
  }
}
