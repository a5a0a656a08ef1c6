import { checkSameBackend } from "../transfer.js";
import { attach } from "../autograd.js";
import { promoteTypes } from "../dtype.js";
import { broadcastShapes, formatShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast } from "./elementwise.js";
import { expand, squeeze, transpose, unsqueeze } from "./movement.js";

/** GEMM over equal batch shapes; transposed operands are strided views, never copies. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  if (a.backend !== b.backend) checkSameBackend("matmul", a, b);
  const nd = a.ndim;
  const out = Tensor._empty([...a.shape.slice(0, nd - 1), b.shape[nd - 1]], a.dtype, a.backend);
  a.backend.matmul(a._view(), b._view(), out._ref.storage);
  // An operand that is a transposed view (a Linear layer's weight.T) gets its gradient in the same
  // layout: (Xᵀ·G) computed as (Gᵀ·X)ᵀ, so the transpose's own backward hands the parameter a
  // contiguous gradient and storing it is a plain copy, not a transposing one (~4x the time).
  return attach(out, "matmul", [a, b], (g, _, [x, y]) => [
    !x.requiresGrad ? null : columnMajor(x) ? transpose(batchedMatmul(y, transpose(g)))
      : batchedMatmul(g, transpose(y)),
    !y.requiresGrad ? null : columnMajor(y) ? transpose(batchedMatmul(transpose(g), x))
      : batchedMatmul(transpose(x), g)]);
}

/** Whether the last two dims are laid out column by column (a transpose of a contiguous matrix). */
function columnMajor(t: Tensor): boolean {
  const nd = t.ndim, rows = t.shape[nd - 2], cols = t.shape[nd - 1];
  return rows > 1 && cols > 1 && t._strides[nd - 2] === 1 && t._strides[nd - 1] === rows;
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is treated as a row
 * (left) or column (right) and that dim removed again, and batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error("matmul: expected two tensors");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error("matmul: both arguments need at least 1 dimension, " +
      `got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === "int32") throw new Error("matmul: expected floating-point tensors, got int32");
  let x = cast(a, dtype), y = cast(b, dtype);
  const vectorLeft = x.ndim === 1, vectorRight = y.ndim === 1;
  if (vectorLeft) x = unsqueeze(x, 0);
  if (vectorRight) y = unsqueeze(y, 1);
  const k1 = x.shape[x.ndim - 1], k2 = y.shape[y.ndim - 2];
  if (k1 !== k2) {
    throw new Error(`matmul: ${formatShape(a.shape)} x ${formatShape(b.shape)}: ` +
      `inner dimensions ${k1} and ${k2} differ`);
  }
  let batch: number[];
  try {
    batch = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
  } catch {
    throw new Error(`matmul: ${formatShape(a.shape)} x ${formatShape(b.shape)}: batch dimensions ` +
      `${formatShape(x.shape.slice(0, -2))} and ${formatShape(y.shape.slice(0, -2))} cannot be broadcast`);
  }
  x = expand(x, [...batch, ...x.shape.slice(-2)]);
  y = expand(y, [...batch, ...y.shape.slice(-2)]);
  let out = batchedMatmul(x, y);
  if (vectorRight) out = squeeze(out, -1);
  if (vectorLeft) out = squeeze(out, vectorRight ? -1 : -2);
  return out;
}
