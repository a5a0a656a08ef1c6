import type { View } from "../../backend/backend.js";
import { attach, exclusive } from "../autograd.js";
import { Tensor } from "../tensor.js";
import { matmul } from "./matmul.js";
import { add } from "./elementwise.js";
import { reshape, transpose } from "./movement.js";

/**
 * `x·weightᵀ + bias` as one op (PyTorch's addmm): the bias is broadcast into the output and the
 * product accumulated onto it, and the backward rule calls the GEMM on transposed views directly. The
 * composite (a transposed view, matmul, add and their three backward rules) makes about ten tensors
 * per layer and step; this makes one forward and one per gradient, which is most of the per-op cost of
 * small networks. Inputs it does not cover (mixed dtypes or backends, empty batches) take the
 * composite. Shapes are checked by the caller (nn.functional.linear).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const backend = x.backend, dtype = x.dtype;
  if (x.size === 0 || weight.dtype !== dtype || weight.backend !== backend || dtype === "int32" ||
    (bias !== null && (bias.dtype !== dtype || bias.backend !== backend))) {
    const y = matmul(x, transpose(weight));
    return bias === null ? y : add(y, bias);
  }
  const [outF, inF] = weight.shape;
  const rows = x.size / inF;
  const out = Tensor._empty([...x.shape.slice(0, -1), outF], dtype, backend);
  const storage = out._ref.storage;
  if (bias !== null) {
    const b = bias._view();
    backend.copy({ storage: b.storage, shape: [rows, outF], strides: [0, b.strides[0]], offset: b.offset },
      { storage, shape: [rows, outF], strides: [outF, 1], offset: 0 });
  }
  backend.matmul(rowsView(x, rows), transposed(weight._view()), storage, bias !== null);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return attach(out, "linear", inputs, (g, _, [xi, w, b]) => {
    const g2 = rowsView(g, rows);
    let dx: Tensor | null = null, dw: Tensor | null = null, db: Tensor | null = null;
    if (xi.requiresGrad) {
      dx = Tensor._empty(xi.shape, dtype, backend);
      backend.matmul(g2, w._view(), dx._ref.storage);
    }
    if (w.requiresGrad) {
      dw = Tensor._empty([outF, inF], dtype, backend);
      backend.matmul(transposed(g2), rowsView(xi, rows), dw._ref.storage);
    }
    if (b !== undefined && b.requiresGrad) {
      db = Tensor._empty([outF], dtype, backend);
      backend.reduce("sum", g2, [0], db._ref.storage);
    }
    return [dx, exclusive(dw), exclusive(db)];
  });
}

/** `t` [..., n] as a 2-D view [rows, n]: its own view when the leading dims merge, else a copy's. */
function rowsView(t: Tensor, rows: number): View {
  const v = t._view();
  const n = t.shape[t.ndim - 1];
  if (t.ndim === 2) return v;
  if (t.ndim === 1) {
    return { storage: v.storage, shape: [1, n], strides: [0, v.strides[0]], offset: v.offset };
  }
  // the leading dims merge into one when each steps over the next exactly (size-1 dims aside)
  let base = -1, span = 1, mergeable = true;
  for (let d = t.ndim - 2; d >= 0 && mergeable; d--) {
    if (t.shape[d] === 1) continue;
    if (base < 0) [base, span] = [v.strides[d], t.shape[d]];
    else if (v.strides[d] === base * span) span *= t.shape[d];
    else mergeable = false;
  }
  if (mergeable) {
    return { storage: v.storage, shape: [rows, n], strides: [Math.max(base, 0), v.strides[t.ndim - 1]],
      offset: v.offset };
  }
  return reshape(t.contiguous(), [rows, n])._view();
}

function transposed(v: View): View {
  return { storage: v.storage, shape: [v.shape[1], v.shape[0]], strides: [v.strides[1], v.strides[0]],
    offset: v.offset };
}
