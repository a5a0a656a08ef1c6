import type { Storage, View } from "../../backend/backend.js";
import { hasKernels } from "../../backend/backend.js";
import { attach, noGrad } from "../autograd.js";
import { floatTypeOf } from "../dtype.js";
import { normalizeAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, checkTensor, exp, log, sub, where } from "./elementwise.js";
import { contiguous, reshape, transpose } from "./movement.js";
import { max, sum } from "./reduce.js";

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /**
     * Row-wise softmax (log-softmax with `log`) of the contiguous [rows, cols] block at `x`'s offset,
     * into contiguous `out`: y = exp(x − m)/Σexp(x − m), or x − m − log Σexp(x − m), with m the
     * row max (0 where the max is ±inf, so such rows give IEEE results instead of inf − inf).
     */
    softmax(x: View, rows: number, cols: number, out: Storage, log: boolean): void;
    /**
     * The adjoint of `softmax` from its output y and the gradient g (contiguous [rows, cols] blocks):
     * dx = y·(g − Σg·y), or with `log` dx = g − exp(y)·Σg.
     */
    softmaxBackward(y: View, g: View, rows: number, cols: number, out: Storage, log: boolean): void;
  }
}

/**
 * Softmax and log-softmax over the last dim. With the backend's row-wise kernels this is one kernel
 * each way instead of the six kernels and five temporaries of the composite; without them it is the
 * composite below, with its gradient from autograd.
 */
function rowwise(op: "softmax" | "logSoftmax", x: Tensor, dim: number): Tensor {
  checkTensor(op, x);
  if (x.ndim === 0) return reshape(rowwise(op, reshape(x, [1]), 0), []);
  const axis = normalizeAxis(op, dim, x.ndim);
  const last = x.ndim - 1;
  if (axis !== last) return transpose(rowwise(op, transpose(x, axis, last), last), axis, last);
  const input = contiguous(cast(x, floatTypeOf(x.dtype)));
  const log = op === "logSoftmax";
  if (!hasKernels(input.backend, "softmax", "softmaxBackward")) return composite(input, log);
  const cols = input.shape[last], rows = cols === 0 ? 0 : input.size / cols;
  const out = Tensor._empty(input.shape, input.dtype, input.backend);
  input.backend.softmax?.(input._view(), rows, cols, out._ref.storage, log);
  return attach(out, op, [input], (g, y) => {
    const grad = contiguous(g);
    const dx = Tensor._empty(y.shape, y.dtype, y.backend);
    y.backend.softmaxBackward?.(y._view(), grad._view(), rows, cols, dx._ref.storage, log);
    return [dx];
  });
}

/** The fallback: shift by the row max (0 where it is ±inf, as the kernel), exponentiate, normalize. */
function composite(x: Tensor, logForm: boolean): Tensor {
  const shift = noGrad(() => {
    const m = max(x, -1, true);
    return where(m.abs().lt(Infinity), m, 0);
  });
  const shifted = sub(x, shift);
  const e = exp(shifted), total = sum(e, -1, true);
  return logForm ? sub(shifted, log(total)) : e.div(total);
}

/** exp(x − max)/Σexp(x − max) along `dim` (default the last). */
export function softmax(x: Tensor, dim = -1): Tensor {
  return rowwise("softmax", x, dim);
}

/** x − max − log Σexp(x − max) along `dim` (default the last): stable for large logits. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return rowwise("logSoftmax", x, dim);
}
