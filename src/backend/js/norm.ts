/**
 * Reference training-mode batch normalization over x [outer, channels, inner]: the textbook formulas,
 * every sum in double (two passes for the variance), each result rounded once.
 */
import type { Storage, View } from "../backend.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import { jsData } from "./strided.js";

/** Element offsets of channel c's rows: row n starts at offset + (n·channels + c)·inner. */
function rowStart(view: View, s: BatchNormShape, n: number, c: number): number {
  return view.offset + (n * s.channels + c) * s.inner;
}

export function batchNormKernel(x: View, weight: View | null, bias: View | null, s: BatchNormShape,
  eps: number, out: Storage, mean: Storage, variance: Storage): void {
  const X = jsData(x.storage), Y = jsData(out), M = jsData(mean), V = jsData(variance);
  const W = weight && jsData(weight.storage), B = bias && jsData(bias.storage);
  const count = s.outer * s.inner;
  for (let c = 0; c < s.channels; c++) {
    let sum = 0;
    for (let n = 0; n < s.outer; n++) {
      const r = rowStart(x, s, n, c);
      for (let i = 0; i < s.inner; i++) sum += X[r + i];
    }
    const m = sum / count;
    let squares = 0;
    for (let n = 0; n < s.outer; n++) {
      const r = rowStart(x, s, n, c);
      for (let i = 0; i < s.inner; i++) squares += (X[r + i] - m) ** 2;
    }
    const v = squares / count, invstd = 1 / Math.sqrt(v + eps);
    const gamma = W === null ? 1 : W[(weight as View).offset + c];
    const beta = B === null ? 0 : B[(bias as View).offset + c];
    for (let n = 0; n < s.outer; n++) {
      const r = rowStart(x, s, n, c), o = (n * s.channels + c) * s.inner;
      for (let i = 0; i < s.inner; i++) Y[o + i] = (X[r + i] - m) * invstd * gamma + beta;
    }
    M[c] = m;
    V[c] = v;
  }
}

export function batchNormBackwardKernel(x: View, grad: View, weight: View | null, mean: View, variance: View,
  s: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null, dbias: Storage | null): void {
  const X = jsData(x.storage), G = jsData(grad.storage), W = weight && jsData(weight.storage);
  const Mn = jsData(mean.storage), Vr = jsData(variance.storage);
  const count = s.outer * s.inner;
  for (let c = 0; c < s.channels; c++) {
    const m = Mn[mean.offset + c], invstd = 1 / Math.sqrt(Vr[variance.offset + c] + eps);
    let sumG = 0, sumGx = 0;
    for (let n = 0; n < s.outer; n++) {
      const r = rowStart(x, s, n, c), q = rowStart(grad, s, n, c);
      for (let i = 0; i < s.inner; i++) {
        sumG += G[q + i];
        sumGx += G[q + i] * (X[r + i] - m) * invstd;
      }
    }
    if (dbias !== null) jsData(dbias)[c] = sumG;
    if (dweight !== null) jsData(dweight)[c] = sumGx;
    if (dx === null) continue;
    const D = jsData(dx), k = (W === null ? 1 : W[(weight as View).offset + c]) * invstd;
    for (let n = 0; n < s.outer; n++) {
      const r = rowStart(x, s, n, c), q = rowStart(grad, s, n, c), o = (n * s.channels + c) * s.inner;
      for (let i = 0; i < s.inner; i++) {
        D[o + i] = k * (G[q + i] - sumG / count - (X[r + i] - m) * invstd * (sumGx / count));
      }
    }
  }
}
