import type { ArgReduceOp, ReduceOp, Storage, View } from "../backend.js";
import { forEachCoord, jsData, offsetsOf, permuteView, viewSize } from "./strided.js";

/** Reduction over sorted axes: move kept axes first, reduced ones last, then fold each row. */
export function reduceKernel(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = permuteView(x, [...kept, ...axes]);
  const inner = viewSize(axes.map((a) => x.shape[a]));
  const outer = viewSize(kept.map((a) => x.shape[a]));
  const src = jsData(x.storage), dst = jsData(out);
  const offs = offsetsOf(moved);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let acc: number;
    switch (op) {
      case "sum": acc = 0; for (let i = 0; i < inner; i++) acc += src[offs[base + i]]; break;
      case "prod": acc = 1; for (let i = 0; i < inner; i++) acc *= src[offs[base + i]]; break;
      case "max":
        acc = -Infinity;
        for (let i = 0; i < inner; i++) { const v = src[offs[base + i]]; if (v > acc || v !== v) acc = v; if (acc !== acc) break; }
        break;
      case "min":
        acc = Infinity;
        for (let i = 0; i < inner; i++) { const v = src[offs[base + i]]; if (v < acc || v !== v) acc = v; if (acc !== acc) break; }
        break;
    }
    dst[o] = acc;
  }
}

export function argReduceKernel(op: ArgReduceOp, x: View, axis: number, out: Storage): void {
  const order = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const moved = permuteView(x, [...order, axis]);
  const inner = x.shape[axis];
  const outer = viewSize(order.map((a) => x.shape[a]));
  const src = jsData(x.storage), dst = jsData(out);
  const offs = offsetsOf(moved);
  const better = op === "argmax" ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let o = 0; o < outer; o++) {
    let best = 0, bestValue = src[offs[o * inner]];
    for (let i = 1; i < inner && bestValue === bestValue; i++) {
      const v = src[offs[o * inner + i]];
      if (better(v, bestValue) || v !== v) { best = i; bestValue = v; }
    }
    dst[o] = best;
  }
}

/** Plain batched GEMM. Two loop orders so the innermost loop always walks memory with stride 1. */
export function matmulKernel(a: View, b: View, out: Storage, accumulate: boolean): void {
  const nd = a.shape.length;
  const M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const rsA = a.strides[nd - 2], csA = a.strides[nd - 1], rsB = b.strides[nd - 2], csB = b.strides[nd - 1];
  const A = jsData(a.storage), B = jsData(b.storage), C = jsData(out);
  const batchShape = a.shape.slice(0, nd - 2);
  forEachCoord(batchShape, (coord, batch) => {
    let aOff = a.offset, bOff = b.offset;
    for (let d = 0; d < coord.length; d++) { aOff += coord[d] * a.strides[d]; bOff += coord[d] * b.strides[d]; }
    const cOff = batch * M * N;
    if (!accumulate) C.fill(0, cOff, cOff + M * N);
    if (csB === 1 || rsB !== 1) {
      for (let i = 0; i < M; i++) {
        const cRow = cOff + i * N;
        for (let p = 0; p < K; p++) {
          const aip = A[aOff + i * rsA + p * csA];
          if (aip === 0) continue;
          const bRow = bOff + p * rsB;
          for (let j = 0; j < N; j++) C[cRow + j] += aip * B[bRow + j * csB];
        }
      }
    } else {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          const aRow = aOff + i * rsA, bCol = bOff + j * csB;
          for (let p = 0; p < K; p++) acc += A[aRow + p * csA] * B[bCol + p];
          C[cOff + i * N + j] += acc;
        }
      }
    }
  });
}

function linearIndex(shape: readonly number[], coord: readonly number[]): number {
  let idx = 0;
  for (let d = 0; d < shape.length; d++) idx = idx * shape[d] + coord[d];
  return idx;
}

function viewOffset(view: View, coord: readonly number[]): number {
  let off = view.offset;
  for (let d = 0; d < coord.length; d++) off += coord[d] * view.strides[d];
  return off;
}

export function gatherKernel(x: View, dim: number, index: View, out: Storage): void {
  const src = jsData(x.storage), idx = jsData(index.storage), dst = jsData(out);
  forEachCoord(index.shape, (coord, k) => {
    const saved = coord[dim];
    coord[dim] = idx[viewOffset(index, coord)];
    dst[k] = src[viewOffset(x, coord)];
    coord[dim] = saved;
  });
}

export function scatterAddKernel(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
  const s = jsData(src.storage), idx = jsData(index.storage), dst = jsData(out);
  forEachCoord(index.shape, (coord) => {
    const value = s[viewOffset(src, coord)];
    const saved = coord[dim];
    coord[dim] = idx[viewOffset(index, coord)];
    dst[linearIndex(outShape, coord)] += value;
    coord[dim] = saved;
  });
}

export function indexSelectKernel(x: View, dim: number, index: View, out: Storage): void {
  const src = jsData(x.storage), idx = jsData(index.storage), dst = jsData(out);
  const outShape = x.shape.map((d, i) => (i === dim ? index.shape[0] : d));
  forEachCoord(outShape, (coord, k) => {
    const saved = coord[dim];
    coord[dim] = idx[index.offset + saved * index.strides[0]];
    dst[k] = src[viewOffset(x, coord)];
    coord[dim] = saved;
  });
}

export function indexAddKernel(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
  const s = jsData(src.storage), idx = jsData(index.storage), dst = jsData(out);
  forEachCoord(src.shape, (coord) => {
    const value = s[viewOffset(src, coord)];
    const saved = coord[dim];
    coord[dim] = idx[index.offset + saved * index.strides[0]];
    dst[linearIndex(outShape, coord)] += value;
    coord[dim] = saved;
  });
}
