/**
 * Pieces shared by the loss functions: option types, validation and reduction. Internal to nn;
 * the public names are re-exported from losses.ts.
 */
import { fromFlat } from "../../core/creation.js";
import { isFloat, type DType } from "../../core/dtype.js";
import { formatShape, shapesEqual } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";

/** How a loss combines its per-element values: average, total, or none (one value per element). */
export type Reduction = "mean" | "sum" | "none";

/** Options every loss accepts. */
export interface LossOptions {
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: Reduction;
}

const REDUCTIONS: readonly string[] = ["mean", "sum", "none"];

function quote(values: readonly string[]): string {
  const q = values.map((v) => `"${v}"`);
  return `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}`;
}

/** Returns the reduction (default "mean") after checking it is one of `allowed`. */
export function checkReduction<R extends string>(op: string, value: R | undefined,
  allowed: readonly string[] = REDUCTIONS): R {
  const r = value ?? ("mean" as R);
  if (typeof r !== "string" || !allowed.includes(r)) {
    throw new Error(`${op}: reduction must be ${quote(allowed)}, got ${JSON.stringify(r)}`);
  }
  return r;
}

export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  return reduction === "sum" ? loss.sum() : loss.mean();
}

export function checkTensorArg(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected ${name} to be a Tensor, got ${typeof x}`);
  return x;
}

/** Losses are defined on real values: an int32 input is almost always a mixed-up argument. */
export function checkFloatInput(op: string, input: unknown, what = "input"): Tensor {
  const x = checkTensorArg(op, what, input);
  if (!isFloat(x.dtype)) throw new Error(`${op}: ${what} must be a floating-point tensor, got ${x.dtype}`);
  return x;
}

export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${op}: input shape ${formatShape(input.shape)} and target shape ` +
      `${formatShape(target.shape)} must be the same`);
  }
}

export { checkNonNegative } from "../../util/check.js";

/** An optional per-class weight must be a 1-D tensor of C entries. */
export function checkClassWeight(op: string, weight: Tensor | null | undefined,
  classes: number): Tensor | null {
  if (weight === undefined || weight === null) return null;
  checkFloatInput(op, weight, "weight");
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(`${op}: weight must have shape [${classes}] (one entry per class), got ` +
      `${formatShape(weight.shape)}`);
  }
  return weight;
}

/**
 * Checks int32 class targets against C and returns them with ignored entries replaced by class 0
 * (so they can index safely) plus a 0/1 float mask of the entries that count.
 */
export function classTargets(op: string, target: Tensor, classes: number, ignoreIndex: number | null,
  maskDType: DType): { index: Tensor; valid: Tensor; allValid: boolean } {
  const values = target.dataSync();
  const safe = new Int32Array(values.length);
  const valid = new Float64Array(values.length);
  let allValid = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === ignoreIndex) { allValid = false; continue; }
    if (v < 0 || v >= classes) {
      const ignore = ignoreIndex === null ? "" : ` (or ignoreIndex ${ignoreIndex})`;
      throw new Error(`${op}: target class ${v} is out of range for ${classes} classes: expected ` +
        `0 <= target < ${classes}${ignore}`);
    }
    safe[i] = v;
    valid[i] = 1;
  }
  return {
    index: fromFlat(safe, target.shape, "int32", target.backend),
    valid: fromFlat(valid, target.shape, maskDType, target.backend),
    allValid,
  };
}
