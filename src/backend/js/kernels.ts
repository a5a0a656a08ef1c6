import type { ArgReduceOp, ReduceOp, Storage, View } from "../backend.js";
import type { TypedArray } from "../../core/dtype.js";
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
        for (let i = 0; i < inner; i++) {
          const v = src[offs[base + i]]; if (v > acc || v !== v) acc = v; if (acc !== acc) break;
        }
        break;
      case "min":
        acc = Infinity;
        for (let i = 0; i < inner; i++) {
          const v = src[offs[base + i]]; if (v < acc || v !== v) acc = v; if (acc !== acc) break;
        }
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

/** Plain batched GEMM: one strided 2-D product per batch entry. */
export function matmulKernel(a: View, b: View, out: Storage, accumulate: boolean): void {
  const nd = a.shape.length;
  const M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const A = jsData(a.storage), B = jsData(b.storage), C = jsData(out);
  const batchShape = a.shape.slice(0, nd - 2);
  const aBatch = offsetsOf({ storage: a.storage, shape: batchShape, strides: a.strides.slice(0, nd - 2),
    offset: a.offset });
  const bBatch = offsetsOf({ storage: b.storage, shape: batchShape, strides: b.strides.slice(0, nd - 2),
    offset: b.offset });
  const strides = {
    rsA: a.strides[nd - 2], csA: a.strides[nd - 1], rsB: b.strides[nd - 2], csB: b.strides[nd - 1],
  };
  for (let batch = 0; batch < aBatch.length; batch++) {
    const cOff = batch * M * N;
    if (!accumulate) C.fill(0, cOff, cOff + M * N);
    gemm(A, aBatch[batch], B, bBatch[batch], C, cOff, M, N, K, strides);
  }
}

interface GemmStrides { rsA: number; csA: number; rsB: number; csB: number }

/**
 * C += A·B for one matrix. Two loop orders keep the innermost loop at stride 1: i-p-j when B's rows
 * are contiguous, a dot product over p (four partial sums) when B is a transposed view.
 */
function gemm(A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, N: number, K: number, { rsA, csA, rsB, csB }: GemmStrides): void {
  if (csB === 1 || rsB !== 1) {
    for (let i = 0; i < M; i++) {
      const cRow = cOff + i * N;
      for (let p = 0; p < K; p++) {
        const aip = A[aOff + i * rsA + p * csA];
        const bRow = bOff + p * rsB;
        if (csB === 1) for (let j = 0; j < N; j++) C[cRow + j] += aip * B[bRow + j];
        else for (let j = 0; j < N; j++) C[cRow + j] += aip * B[bRow + j * csB];
      }
    }
    return;
  }
  const K4 = K - (K % 4);
  for (let i = 0; i < M; i++) {
    const aRow = aOff + i * rsA;
    for (let j = 0; j < N; j++) {
      const bCol = bOff + j * csB;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0;
      if (csA === 1) {
        for (; p < K4; p += 4) {
          s0 += A[aRow + p] * B[bCol + p]; s1 += A[aRow + p + 1] * B[bCol + p + 1];
          s2 += A[aRow + p + 2] * B[bCol + p + 2]; s3 += A[aRow + p + 3] * B[bCol + p + 3];
        }
      }
      for (; p < K; p++) s0 += A[aRow + p * csA] * B[bCol + p];
      C[cOff + i * N + j] += s0 + s1 + s2 + s3;
    }
  }
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

export function scatterAddKernel(out: Storage, outShape: readonly number[], dim: number, index: View,
  src: View): void {
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

export function indexAddKernel(out: Storage, outShape: readonly number[], dim: number, index: View,
  src: View): void {
  const s = jsData(src.storage), idx = jsData(index.storage), dst = jsData(out);
  forEachCoord(src.shape, (coord) => {
    const value = s[viewOffset(src, coord)];
    const saved = coord[dim];
    coord[dim] = idx[index.offset + saved * index.strides[0]];
    dst[linearIndex(outShape, coord)] += value;
    coord[dim] = saved;
  });
}
