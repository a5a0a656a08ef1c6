import type { TypedArray } from "../../core/dtype.js";
import type { BinaryOp, View } from "../backend.js";
import { jsData } from "./strided.js";

/**
 * Elementwise binary op over two broadcast views of the output shape. Rows of the last dimension
 * are walked with their own strides (0 for a broadcast operand) and the outer dimensions by an
 * odometer, so broadcasting a bias or a scalar allocates nothing. The common arithmetic ops get
 * their own loops because a closure call per element costs more than the op itself.
 */
export function binaryKernel(op: BinaryOp, f: (x: number, y: number) => number, a: View, b: View,
  d: TypedArray): void {
  const A = jsData(a.storage), B = jsData(b.storage);
  const shape = a.shape, nd = shape.length;
  if (nd === 0) {
    d[0] = f(A[a.offset], B[b.offset]);
    return;
  }
  const n = shape[nd - 1], sa = a.strides[nd - 1], sb = b.strides[nd - 1];
  const rows = n === 0 ? 0 : d.length / n;
  const index = new Array<number>(nd).fill(0);
  let offA = a.offset, offB = b.offset;
  for (let row = 0; row < rows; row++) {
    const o = row * n;
    switch (op) {
      case "add": for (let j = 0; j < n; j++) d[o + j] = A[offA + j * sa] + B[offB + j * sb]; break;
      case "sub": for (let j = 0; j < n; j++) d[o + j] = A[offA + j * sa] - B[offB + j * sb]; break;
      case "mul": for (let j = 0; j < n; j++) d[o + j] = A[offA + j * sa] * B[offB + j * sb]; break;
      case "div": for (let j = 0; j < n; j++) d[o + j] = A[offA + j * sa] / B[offB + j * sb]; break;
      default: for (let j = 0; j < n; j++) d[o + j] = f(A[offA + j * sa], B[offB + j * sb]);
    }
    for (let k = nd - 2; k >= 0; k--) {
      offA += a.strides[k]; offB += b.strides[k];
      if (++index[k] < shape[k]) break;
      offA -= a.strides[k] * shape[k]; offB -= b.strides[k] * shape[k];
      index[k] = 0;
    }
  }
}
