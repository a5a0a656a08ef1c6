/**
 * Max pooling as a differentiable op on the backend's kernels: the forward records each window's
 * arg-max, and the backward routes the whole gradient there (as PyTorch). The pooling functions in
 * src/nn run the composite form when the backend lacks these kernels.
 */
import type { Storage, View } from "../../backend/backend.js";
import { hasKernels, type Backend } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { Tensor } from "../tensor.js";
import type { Window2d } from "./conv.js";
import { contiguous } from "./movement.js";

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /**
     * The max of each window of `planes` planes [inH, inW] into out [planes, outH, outW], and into the
     * int32 `indices` the flat position (row·inW + column) it came from: the first maximum, and NaN
     * wins (-1 and -inf for a dilated window that misses the plane).
     */
    maxPool2d(x: View, planes: number, window: Window2d, out: Storage, indices: Storage): void;
    /** out [planes, inH, inW]: zero, plus each output gradient at its recorded index. */
    maxPool2dBackward(grad: View, indices: View, planes: number, window: Window2d, out: Storage): void;
  }
}

/** True when `backend` has both max-pooling kernels. */
export function hasMaxPoolKernels(backend: Backend): boolean {
  return hasKernels(backend, "maxPool2d", "maxPool2dBackward");
}

/**
 * @internal Max over each window of x [N, C, inH, inW] (padding is never the maximum): the values
 * [N, C, outH, outW] and the int32 flat index (row·inW + column) of each one's source.
 */
export function maxPool2dOp(x: Tensor, window: Window2d): [Tensor, Tensor] {
  const xc = contiguous(x);
  const [n, c] = x.shape, planes = n * c;
  const shape = [n, c, window.outH, window.outW];
  const out = Tensor._empty(shape, x.dtype, x.backend);
  const indices = Tensor._empty(shape, "int32", x.backend);
  x.backend.maxPool2d?.(xc._view(), planes, window, out._ref.storage, indices._ref.storage);
  const values = attach(out, "maxPool2d", [xc], (grad, _, [input]) => {
    const dx = Tensor._empty(input.shape, grad.dtype, grad.backend);
    const gc = contiguous(grad);
    grad.backend.maxPool2dBackward?.(gc._view(), indices._view(), planes, window, dx._ref.storage);
    return [dx];
  });
  return [values, indices];
}
