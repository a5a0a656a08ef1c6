import { attach } from "../autograd.js";
import { floatTypeOf } from "../dtype.js";
import { normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, checkTensor } from "./elementwise.js";
import { contiguous, reshape, transpose } from "./movement.js";

/**
 * Softmax and log-softmax as primitives of their own: one row-wise kernel each way instead of the
 * six kernels and five temporaries of max, sub, exp, sum, div (or log). Another dim than the last is
 * moved last, made contiguous, and moved back (the moves are views with their own gradients).
 */
function rowwise(op: "softmax" | "logSoftmax", x: Tensor, dim: number): Tensor {
  checkTensor(op, x);
  if (x.ndim === 0) return reshape(rowwise(op, reshape(x, [1]), 0), []);
  const axis = normalizeAxis(op, dim, x.ndim);
  const last = x.ndim - 1;
  if (axis !== last) return transpose(rowwise(op, transpose(x, axis, last), last), axis, last);
  const input = contiguous(cast(x, floatTypeOf(x.dtype)));
  const log = op === "logSoftmax";
  const cols = input.shape[last], rows = cols === 0 ? 0 : input.size / cols;
  const out = Tensor._empty(input.shape, input.dtype, input.backend);
  input.backend.softmax(input._view(), rows, cols, out._ref.storage, log);
  return attach(out, op, [input], (g, y) => {
    const grad = contiguous(g);
    const dx = Tensor._empty(y.shape, y.dtype, y.backend);
    y.backend.softmaxBackward(y._view(), grad._view(), rows, cols, dx._ref.storage, log);
    return [dx];
  });
}

/** exp(x − max)/Σexp(x − max) along `dim` (default the last). */
export function softmax(x: Tensor, dim = -1): Tensor {
  return rowwise("softmax", x, dim);
}

/** x − max − log Σexp(x − max) along `dim` (default the last): stable for large logits. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return rowwise("logSoftmax", x, dim);
}
