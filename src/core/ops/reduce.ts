import type { ReduceOp } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { formatShape, normalizeAxes, normalizeAxis, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { div, eq, mul } from "./elementwise.js";
import { expand, reshape } from "./movement.js";

export type Dims = number | readonly number[] | null | undefined;

function keptShape(shape: readonly number[], axes: readonly number[], keepDim: boolean): number[] {
  return keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
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
  const axes = normalizeAxes("sum", dim, x.ndim);
  return attach(reduceRaw("sum", x, axes, keepDim), "sum", [x], (g, _, [i]) => [spread(g, i, axes)]);
}

/** Max/min: the gradient goes to the extreme entries, shared equally between ties. */
function extreme(op: "max" | "min", x: Tensor, dim: Dims, keepDim: boolean): Tensor {
  const axes = normalizeAxes(op, dim, x.ndim);
  const out = reduceRaw(op, x, axes, keepDim);
  return attach(out, op, [x], (g, o, [i]) => {
    const mask = eq(i, spread(o, i, axes));
    const count = spread(reduceRaw("sum", mask, axes, true), i, axes);
    return [div(mul(spread(g, i, axes), mask), count)];
  });
}
export function max(x: Tensor, dim?: Dims, keepDim = false): Tensor { return extreme("max", x, dim, keepDim); }
export function min(x: Tensor, dim?: Dims, keepDim = false): Tensor { return extreme("min", x, dim, keepDim); }

/** Product; the gradient prod / x assumes no zero entries (as the fast path of PyTorch). */
export function prod(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const axes = normalizeAxes("prod", dim, x.ndim);
  return attach(reduceRaw("prod", x, axes, keepDim), "prod", [x],
    (g, o, [i]) => [div(mul(spread(g, i, axes), spread(o, i, axes)), i)]);
}

function argExtreme(op: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  if (x.size === 0) throw new Error(`${op}: cannot take ${op} of an empty tensor`);
  if (dim === undefined) return argExtreme(op, reshape(x, [x.size]), 0, false);
  const axis = normalizeAxis(op, dim, x.ndim);
  const out = Tensor._empty(keptShape(x.shape, [axis], keepDim), "int32", x.backend);
  x.backend.argReduce(op, x._view(), axis, out._ref.storage);
  return out;
}
/** Index of the largest value along `dim` (of the flattened tensor when no dim is given), int32. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor { return argExtreme("argmax", x, dim, keepDim); }
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor { return argExtreme("argmin", x, dim, keepDim); }

/** Sums a broadcast gradient back to `shape`: the one place autograd un-broadcasts. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? reduceRaw("sum", g, axes, true) : g;
  return reshape(summed, shape);
}

