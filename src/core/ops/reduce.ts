import type { ReduceOp } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { formatShape, normalizeAxes, normalizeAxis, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, div, eq, mul, where } from "./elementwise.js";
import { expand, reshape } from "./movement.js";

export type Dims = number | readonly number[] | null | undefined;

function keptShape(shape: readonly number[], axes: readonly number[], keepDim: boolean): number[] {
  return keepDim
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

function reduceRaw(op: ReduceOp, x: Tensor, axes: number[], keepDim: boolean): Tensor {
  if ((op === "max" || op === "min") && axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`${op}: cannot reduce over an empty dimension of shape ${formatShape(x.shape)}`);
  }
  const out = Tensor._empty(keptShape(x.shape, axes, keepDim), x.dtype, x.backend);
  x.backend.reduce(op, x._view(), axes, out._ref.storage);
  return out;
}

/** Gradient of a reduction: reshape to the kept-dims shape, then broadcast back. */
function spread(g: Tensor, x: Tensor, axes: number[]): Tensor {
  return expand(reshape(g, keptShape(x.shape, axes, true)), x.shape);
}

/** Sum over `dim` (all dims by default). */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor("sum", x);
  const axes = normalizeAxes("sum", dim, x.ndim);
  return attach(reduceRaw("sum", x, axes, keepDim), "sum", [x], (g, _, [i]) => [spread(g, i, axes)]);
}

/** Max/min: the gradient goes to the extreme entries, shared equally between ties. */
function extreme(op: "max" | "min", x: Tensor, dim: Dims, keepDim: boolean): Tensor {
  checkTensor(op, x);
  const axes = normalizeAxes(op, dim, x.ndim);
  const out = reduceRaw(op, x, axes, keepDim);
  return attach(out, op, [x], (g, o, [i]) => {
    const mask = eq(i, spread(o, i, axes));
    const count = spread(reduceRaw("sum", mask, axes, true), i, axes);
    return [div(mul(spread(g, i, axes), mask), count)];
  });
}
export function max(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return extreme("max", x, dim, keepDim);
}
export function min(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return extreme("min", x, dim, keepDim);
}

/**
 * Product. The gradient of each entry is the product of the others: prod / x where a slice has no
 * zero (prod / x alone would give 0/0 = NaN at a zero); with one zero, only that entry gets the
 * product of the rest; with two or more, no entry does (as PyTorch).
 */
export function prod(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor("prod", x);
  const axes = normalizeAxes("prod", dim, x.ndim);
  return attach(reduceRaw("prod", x, axes, keepDim), "prod", [x], (g, o, [i]) => {
    const isZero = eq(i, 0);
    const zeros = spread(reduceRaw("sum", isZero, axes, true), i, axes);
    const restOfZero = spread(reduceRaw("prod", where(isZero, 1, i), axes, true), i, axes);
    const others = where(eq(zeros, 0), div(spread(o, i, axes), i),
      where(mul(isZero, eq(zeros, 1)), restOfZero, 0));
    return [mul(spread(g, i, axes), others)];
  });
}

function argExtreme(op: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  checkTensor(op, x);
  if (x.size === 0) throw new Error(`${op}: cannot take ${op} of an empty tensor`);
  if (dim === undefined) return argExtreme(op, reshape(x, [x.size]), 0, false);
  const axis = normalizeAxis(op, dim, x.ndim);
  const out = Tensor._empty(keptShape(x.shape, [axis], keepDim), "int32", x.backend);
  x.backend.argReduce(op, x._view(), axis, out._ref.storage);
  return out;
}
/** Index of the largest value along `dim` (of the flattened tensor when no dim is given), int32. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme("argmax", x, dim, keepDim);
}
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme("argmin", x, dim, keepDim);
}

/** Sums a broadcast gradient back to `shape`: the one place autograd un-broadcasts. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? reduceRaw("sum", g, axes, true) : g;
  return reshape(summed, shape);
}

