import type { DType, TypedArray } from "../../core/dtype.js";
import { bytesPerElement, typedArrayFor } from "../../core/dtype.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import type { Conv2dGeometry, Window2d } from "../../core/ops/conv.js";
import type { ArgReduceOp, Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import type { RecurrentStep, RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import {
  argReduceKernel, gatherKernel, indexAddKernel, indexSelectKernel, matmulKernel, reduceKernel,
  scatterAddKernel,
} from "./kernels.js";
import { binaryFunction, unaryFunction } from "./math.js";
import { binaryKernel } from "./binary.js";
import {
  conv2dBackwardInputKernel, conv2dBackwardWeightKernel, conv2dKernel, maxPool2dBackwardKernel,
  maxPool2dKernel,
} from "./conv.js";
import { batchNormBackwardKernel, batchNormKernel } from "./norm.js";
import { adamStepKernel, sgdStepKernel } from "./optim.js";
import { recurrentBackwardKernel, recurrentForwardKernel } from "./recurrent.js";
import { softmaxBackwardKernel, softmaxKernel } from "./softmax.js";
import { allocJs, isLinear, jsData, offsetsOf, viewSize } from "./strided.js";

/**
 * The reference backend: plain TypeScript over typed arrays, float32/float64/int32. It is the
 * executable specification the fast backend is tested against, so it favours clarity over speed.
 */
export class JsBackend implements Backend {
  readonly name = "js";
  private bytes = 0;

  alloc(size: number, dtype: DType): Storage {
    this.bytes += size * bytesPerElement(dtype);
    return allocJs(size, dtype);
  }

  free(storage: Storage): void {
    this.bytes -= storage.size * bytesPerElement(storage.dtype);
  }

  allocatedBytes(): number {
    return this.bytes;
  }

  /** Its storages are JS arrays already: only the count changes (they never come back to count). */
  moveOut(storage: Storage): boolean {
    this.free(storage);
    return true;
  }

  write(storage: Storage, data: ArrayLike<number>, offset = 0): void {
    const dst = jsData(storage);
    if (offset + data.length > dst.length) {
      throw new Error(`js backend: write of ${data.length} elements at ${offset} ` +
        `overruns a storage of ${dst.length}`);
    }
    dst.set(data as ArrayLike<number> & TypedArray, offset);
  }

  read(view: View): TypedArray {
    const src = jsData(view.storage);
    const n = viewSize(view.shape);
    if (isLinear(view)) return src.slice(view.offset, view.offset + n);
    const out = typedArrayFor(view.storage.dtype, n);
    const offs = offsetsOf(view);
    for (let i = 0; i < n; i++) out[i] = src[offs[i]];
    return out;
  }

  copy(src: View, dst: View): void {
    const s = jsData(src.storage), d = jsData(dst.storage);
    const so = offsetsOf(src), dO = offsetsOf(dst);
    for (let i = 0; i < so.length; i++) d[dO[i]] = s[so[i]];
  }

  fill(dst: View, value: number): void {
    const d = jsData(dst.storage);
    const offs = offsetsOf(dst);
    for (let i = 0; i < offs.length; i++) d[offs[i]] = value;
  }

  unary(op: UnaryOp, x: View, out: Storage, p0?: number, p1?: number): void {
    const f = unaryFunction(op, p0, p1);
    const s = jsData(x.storage), d = jsData(out);
    if (isLinear(x)) {
      const base = x.offset;
      for (let i = 0; i < d.length; i++) d[i] = f(s[base + i]);
      return;
    }
    const offs = offsetsOf(x);
    for (let i = 0; i < offs.length; i++) d[i] = f(s[offs[i]]);
  }

  binary(op: BinaryOp, a: View, b: View, out: Storage): void {
    binaryKernel(op, binaryFunction(op), a, b, jsData(out));
  }

  where(cond: View, a: View, b: View, out: Storage): void {
    const C = jsData(cond.storage), A = jsData(a.storage), B = jsData(b.storage), d = jsData(out);
    const oc = offsetsOf(cond), oa = offsetsOf(a), ob = offsetsOf(b);
    for (let i = 0; i < d.length; i++) d[i] = C[oc[i]] !== 0 ? A[oa[i]] : B[ob[i]];
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
    reduceKernel(op, x, axes, out);
  }

  argReduce(op: ArgReduceOp, x: View, axis: number, out: Storage): void {
    argReduceKernel(op, x, axis, out);
  }

  matmul(a: View, b: View, out: Storage, accumulate = false): void {
    matmulKernel(a, b, out, accumulate);
  }

  softmax(x: View, rows: number, cols: number, out: Storage, log: boolean): void {
    softmaxKernel(x, rows, cols, out, log);
  }

  softmaxBackward(y: View, g: View, rows: number, cols: number, out: Storage, log: boolean): void {
    softmaxBackwardKernel(y, g, rows, cols, out, log);
  }

  gather(x: View, dim: number, index: View, out: Storage): void {
    gatherKernel(x, dim, index, out);
  }

  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    scatterAddKernel(out, outShape, dim, index, src);
  }

  indexSelect(x: View, dim: number, index: View, out: Storage): void {
    indexSelectKernel(x, dim, index, out);
  }

  indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    indexAddKernel(out, outShape, dim, index, src);
  }

  conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void {
    conv2dKernel(x, weight, bias, geometry, out);
  }

  conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void {
    conv2dBackwardInputKernel(grad, weight, geometry, out);
  }

  conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
    biasOut: Storage | null): void {
    conv2dBackwardWeightKernel(x, grad, geometry, out, biasOut);
  }

  maxPool2d(x: View, planes: number, window: Window2d, out: Storage, indices: Storage): void {
    maxPool2dKernel(x, planes, window, out, indices);
  }

  maxPool2dBackward(grad: View, indices: View, planes: number, window: Window2d, out: Storage): void {
    maxPool2dBackwardKernel(grad, indices, planes, window, out);
  }

  batchNorm(x: View, weight: View | null, bias: View | null, shape: BatchNormShape, eps: number, out: Storage,
    mean: Storage, variance: Storage): void {
    batchNormKernel(x, weight, bias, shape, eps, out, mean, variance);
  }

  batchNormBackward(x: View, grad: View, weight: View | null, mean: View, variance: View,
    shape: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
    dbias: Storage | null): void {
    batchNormBackwardKernel(x, grad, weight, mean, variance, shape, eps, dx, dweight, dbias);
  }

  recurrentForward(step: RecurrentStep): void {
    recurrentForwardKernel(step);
  }

  recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void {
    recurrentBackwardKernel(step, grad);
  }

  sgdStep(p: Storage, g: Storage, buf: Storage | null, n: number, options: SgdStepOptions): void {
    sgdStepKernel(p, g, buf, n, options);
  }

  adamStep(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
    n: number, options: AdamStepOptions): void {
    adamStepKernel(p, g, expAvg, expAvgSq, maxExpAvgSq, n, options);
  }
}
