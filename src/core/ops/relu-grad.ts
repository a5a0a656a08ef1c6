/**
 * ReLU's backward as one pass: out = x <= 0 ? 0 : grad (PyTorch's threshold_backward, so a NaN input
 * passes the gradient and a NaN gradient where x <= 0 gives 0). The composite (a mask, then `where`)
 * reads and writes the data twice and allocates the mask: a third of a CNN layer's backward time.
 */
import type { Storage, View } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { Tensor } from "../tensor.js";
import { le, where } from "./elementwise.js";

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /** out = x <= 0 ? 0 : grad over views of one shape; false where it does not apply (then composed). */
    reluBackward(grad: View, x: View, out: Storage): boolean;
  }
}

/** @internal The gradient of relu(x) given the output gradient `grad` (differentiable in `grad`). */
export function reluGrad(grad: Tensor, x: Tensor): Tensor {
  if (grad.backend.reluBackward && grad.dtype === x.dtype && x.backend === grad.backend) {
    const out = Tensor._empty(grad.shape, grad.dtype, grad.backend);
    if (grad.backend.reluBackward(grad._view(), x._view(), out._ref.storage)) {
      return attach(out, "reluGrad", [grad], (g) => [reluGrad(g, x)]);
    }
    out.dispose();
  }
  return where(le(x, 0), 0, grad);
}
