import type { Storage, View } from "../backend.js";
import { jsData } from "./strided.js";

/** Reference row-wise softmax / log-softmax: each row in double, rounded once into the output. */
export function softmaxKernel(x: View, rows: number, cols: number, out: Storage, log: boolean): void {
  const src = jsData(x.storage), dst = jsData(out);
  for (let r = 0; r < rows; r++) {
    const from = x.offset + r * cols, to = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, src[from + j]);
    if (m === Infinity || m === -Infinity) m = 0;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(src[from + j] - m);
    if (log) {
      const logSum = Math.log(s);
      for (let j = 0; j < cols; j++) dst[to + j] = (src[from + j] - m) - logSum;
    } else {
      for (let j = 0; j < cols; j++) dst[to + j] = Math.exp(src[from + j] - m) / s;
    }
  }
}

/** Reference adjoint: dx = y·(g − Σg·y), or with `log` dx = g − exp(y)·Σg. */
export function softmaxBackwardKernel(y: View, g: View, rows: number, cols: number, out: Storage,
  log: boolean): void {
  const ys = jsData(y.storage), gs = jsData(g.storage), dst = jsData(out);
  for (let r = 0; r < rows; r++) {
    const py = y.offset + r * cols, pg = g.offset + r * cols, to = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += log ? gs[pg + j] : gs[pg + j] * ys[py + j];
    for (let j = 0; j < cols; j++) {
      dst[to + j] = log ? gs[pg + j] - Math.exp(ys[py + j]) * s : ys[py + j] * (gs[pg + j] - s);
    }
  }
}
