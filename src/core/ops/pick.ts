import type { View } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { scalarFor } from "../creation.js";
import { Tensor } from "../tensor.js";

/**
 * `Σ_n x[n, index[n]] / divisor` for x [N, C] and int32 class indices [N]: the negative log-likelihood
 * of a batch with every target counted and no class weights (divisor -N for "mean", -1 for "sum"), the
 * common case of `crossEntropy` and `nllLoss`, as one op. Its composite (gather, squeeze, mask, neg,
 * sum, div and their backward rules) makes about twenty tensors a step; this makes one, and two for
 * the gradient. Results are bit-identical: negation is exact, and the sum runs in the same order.
 */
export function pickedSum(x: Tensor, index: Tensor, divisor: number): Tensor {
  const backend = x.backend, dtype = x.dtype;
  const [n, c] = x.shape;
  const iv = index._view();
  const column: View = { storage: iv.storage, shape: [n, 1], strides: [iv.strides[0], 0], offset: iv.offset };
  const picked = Tensor._empty([n, 1], dtype, backend);
  backend.gather(x._view(), 1, column, picked._ref.storage);
  const total = Tensor._empty([], dtype, backend);
  backend.reduce("sum", picked._view(), [0, 1], total._ref.storage);
  const out = Tensor._empty([], dtype, backend);
  const d = scalarFor(divisor, out)._view();
  backend.binary("div", total._view(), d, out._ref.storage);
  // internal temporaries: give their memory back now rather than to the collector
  picked.dispose();
  total.dispose();
  return attach(out, "pickedSum", [x], (g) => {
    const each = Tensor._empty([n, 1], dtype, backend);
    const gv = g._view();
    backend.binary("div", { ...gv, shape: [n, 1], strides: [0, 0] }, { ...d, shape: [n, 1], strides: [0, 0] },
      each._ref.storage);
    const dx = Tensor._empty([n, c], dtype, backend);
    const dxView: View = { storage: dx._ref.storage, shape: [n, c], strides: [c, 1], offset: 0 };
    backend.fill(dxView, 0);
    backend.scatterAdd(dx._ref.storage, [n, c], 1, column, each._view());
    each.dispose();
    return [dx];
  });
}
