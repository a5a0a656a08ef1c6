import type { DType, TypedArray } from "../../core/dtype.js";
import type { ArgReduceOp, Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import type { Conv2dGeometry, Window2d } from "../../core/ops/conv.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import { adamScalars, checkStepStorages } from "../js/optim.js";
import { copyHostCopy, indexSelectHostCopy, noteHostWrite, readHostCopy } from "./host-copy.js";
import * as layers from "./layers.js";
import { Launcher } from "./launcher.js";
import { reluBackward } from "./relu.js";
import type { GpuAdapterSummary, GpuExecutor } from "./protocol.js";
import type { GpuStorage } from "./storage.js";
import { f32Word, groupsFor, isLinear, layout, viewWords, wgslType } from "./wgsl-common.js";
import { binarySource, copySource, fillSource, unarySource, whereSource } from "./wgsl-elementwise.js";
import { argReduceSource, reduceSource } from "./wgsl-reduce.js";
import { matmulSimpleSource, matmulSimpleThreads, matmulSource, TILE } from "./wgsl-matmul.js";
import { gatherSource, indexAddSource, indexSelectSource, scatterAddSource } from "./wgsl-index.js";
import {
  adamStepSource, sgdStepSource, softmaxBackwardSimpleSource, softmaxBackwardSource, softmaxSimpleSource,
  softmaxSource,
} from "./wgsl-fused.js";

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const contiguous = (shape: readonly number[]): number[] => {
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  return strides;
};


/**
 * The WebGPU backend: storages are GPU buffers (float32, and int32 for indices), every required
 * primitive and the softmax, index and optimizer kernels are WGSL compute shaders, and nothing is read
 * back unless asked. In Node a read can wait (the device lives in a worker thread); in a browser only
 * `await t.data()` can. Float64 is refused with an error that says so.
 */
export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  /** 4 KiB a buffer: a loop of small tensors collects every 16,384 buffers or so (64 MiB budget). */
  readonly minStorageCharge = 4096;
  /** @internal */
  readonly gpu: Launcher;
  /** @internal Bound where a kernel has an optional operand that is absent (a binding cannot be empty). */
  readonly dummy: GpuStorage;

  /**
   * Whether kernels share work through workgroup memory and barriers (tiled GEMM, tree reductions,
   * softmax by workgroup). Off on SwiftShader, where each barrier costs a fiber switch per invocation
   * and the one-thread-per-output kernels run 10-50x faster; settable, so tests can check both. The
   * layer kernels (convolution as implicit GEMM, batch norm by workgroup) follow it too.
   */
  workgroupKernels: boolean;

  constructor(exec: GpuExecutor) {
    this.gpu = new Launcher(exec);
    this.workgroupKernels = !/swiftshader/i.test(exec.adapter.description);
    this.dummy = this.gpu.pool.take(4, "float32");
  }

  /** The adapter the device came from. */
  get adapter(): GpuAdapterSummary { return this.gpu.exec.adapter; }

  alloc(n: number, dtype: DType): Storage {
    wgslType(dtype);
    return this.gpu.pool.take(n, dtype);
  }

  free(storage: Storage): void { this.gpu.pool.give(this.gpu.own(storage, "free")); }
  allocatedBytes(): number { return this.gpu.pool.liveBytes - this.dummy.size * 4; }
  /** `heapBytes`: every GPU buffer held, pooled ones included. */
  memoryStats(): { heapBytes: number; evictedBytes: number } {
    return { heapBytes: this.gpu.pool.heldBytes, evictedBytes: 0 };
  }

  write(storage: Storage, data: ArrayLike<number>, offset = 0): void {
    const s = this.gpu.own(storage, "write");
    if (offset + data.length > s.size) {
      throw new Error(`webgpu backend: write of ${data.length} elements at ${offset} overruns a storage ` +
        `of ${s.size}`);
    }
    if (data.length === 0) return;
    const copy = s.dtype === "int32" ? new Int32Array(data) : new Float32Array(data);
    noteHostWrite(s, copy, offset);
    this.gpu.exec.enqueue({ t: "write", id: s.id, byteOffset: offset * 4, data: copy.buffer });
  }

  read(view: View): TypedArray {
    const host = readHostCopy(view);
    if (host !== null) return host;
    const readSync = this.gpu.exec.readSync;
    if (readSync === null) {
      throw new Error("webgpu backend: a GPU tensor cannot be read synchronously here (dataSync, toArray, " +
        "item): use `await t.data()` or `await t.toArrayAsync()`");
    }
    return this.readWith(view, (id, offset, bytes) => readSync(id, offset, bytes)) as TypedArray;
  }

  async readAsync(view: View): Promise<TypedArray> {
    const host = readHostCopy(view);
    if (host !== null) return host;
    return this.readWith(view, (id, offset, bytes) => this.gpu.exec.read(id, offset, bytes));
  }

  /** Reads a linear view in place, anything else through a contiguous copy. */
  private readWith<T extends ArrayBuffer | Promise<ArrayBuffer>>(view: View,
    read: (id: number, byteOffset: number, bytes: number) => T): TypedArray | Promise<TypedArray> {
    const s = this.gpu.own(view.storage, "read");
    const n = size(view.shape);
    const wrap = (bytes: ArrayBuffer): TypedArray =>
      s.dtype === "int32" ? new Int32Array(bytes) : new Float32Array(bytes);
    if (n === 0) return wrap(new ArrayBuffer(0));
    let source = s, offset = view.offset, temp: GpuStorage | null = null;
    if (!isLinear(view)) {
      temp = this.gpu.pool.take(n, s.dtype);
      this.copy(view, { storage: temp, shape: view.shape, strides: contiguous(view.shape), offset: 0 });
      source = temp;
      offset = 0;
    }
    const result = read(source.id, offset * 4, n * 4);
    if (temp !== null) this.gpu.pool.give(temp);
    return result instanceof Promise ? result.then(wrap) : wrap(result as ArrayBuffer);
  }

  copy(src: View, dst: View): void {
    const d = this.gpu.own(dst.storage, "copy"), s = this.gpu.own(src.storage, "copy");
    const n = size(dst.shape), [nd, words] = layout(dst.shape, dst, src);
    if (n === 0) return;
    this.gpu.run(copySource(wgslType(s.dtype), wgslType(d.dtype), nd), d, [s], [n, ...words], groupsFor(n));
    if (isLinear(dst)) copyHostCopy(src, d, dst.offset);
  }

  fill(dst: View, value: number): void {
    const d = this.gpu.own(dst.storage, "fill");
    const n = size(dst.shape), t = wgslType(d.dtype), [nd, words] = layout(dst.shape, dst);
    if (n === 0) return;
    this.gpu.run(fillSource(t, nd), d, [], [n, ...words, t === "f32" ? f32Word(value) : value | 0],
      groupsFor(n));
  }

  unary(op: UnaryOp, x: View, out: Storage, p0 = 0, p1 = 0): void {
    const o = this.gpu.own(out, op), s = this.gpu.own(x.storage, op);
    const n = size(x.shape), [nd, words] = layout(x.shape, x);
    if (n === 0) return;
    this.gpu.run(unarySource(op, wgslType(s.dtype), wgslType(o.dtype), nd), o, [s],
      [n, ...words, f32Word(p0), f32Word(p1)], groupsFor(n));
  }

  binary(op: BinaryOp, a: View, b: View, out: Storage): void {
    const o = this.gpu.own(out, op), sa = this.gpu.own(a.storage, op), sb = this.gpu.own(b.storage, op);
    const n = size(a.shape), [nd, words] = layout(a.shape, a, b);
    if (n === 0) return;
    this.gpu.run(binarySource(op, wgslType(sa.dtype), wgslType(sb.dtype), wgslType(o.dtype), nd),
      o, [sa, sb], [n, ...words], groupsFor(n));
  }

  where(cond: View, a: View, b: View, out: Storage): void {
    const o = this.gpu.own(out, "where"), sc = this.gpu.own(cond.storage, "where");
    const sa = this.gpu.own(a.storage, "where"), sb = this.gpu.own(b.storage, "where");
    const n = size(a.shape), [nd, words] = layout(a.shape, cond, a, b);
    if (n === 0) return;
    const types = [sc, sa, sb, o].map((s) => wgslType(s.dtype));
    this.gpu.run(whereSource(types[0], types[1], types[2], types[3], nd), o, [sc, sa, sb], [n, ...words],
      groupsFor(n));
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
    const o = this.gpu.own(out, op), s = this.gpu.own(x.storage, op);
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const keptShape = kept.map((i) => x.shape[i]), nOut = size(keptShape);
    const inner = size(axes.map((i) => x.shape[i]));
    if (nOut === 0) return;
    const perWorkgroup = inner >= 256 && this.workgroupKernels;
    const params = [nOut, ...keptShape, x.offset, ...kept.map((i) => x.strides[i]), inner,
      ...axes.map((i) => x.shape[i]), 0, ...axes.map((i) => x.strides[i])];
    this.gpu.run(reduceSource(op, wgslType(s.dtype), wgslType(o.dtype), kept.length, axes.length,
      perWorkgroup),
      o, [s], params, groupsFor(nOut, perWorkgroup ? 1 : undefined));
  }

  argReduce(op: ArgReduceOp, x: View, axis: number, out: Storage): void {
    const o = this.gpu.own(out, op), s = this.gpu.own(x.storage, op);
    const kept = x.shape.map((_, i) => i).filter((i) => i !== axis);
    const nOut = size(kept.map((i) => x.shape[i]));
    if (nOut === 0 || x.shape[axis] === 0) return;
    this.gpu.run(argReduceSource(op, wgslType(s.dtype), kept.length), o, [s],
      [nOut, ...kept.map((i) => x.shape[i]), x.offset, ...kept.map((i) => x.strides[i]), x.shape[axis],
        x.strides[axis]], groupsFor(nOut));
  }

  matmul(a: View, b: View, out: Storage, accumulate = false): void {
    const o = this.gpu.own(out, "matmul"), sa = this.gpu.own(a.storage, "matmul");
    const sb = this.gpu.own(b.storage, "matmul");
    if (sa.dtype !== o.dtype || sb.dtype !== o.dtype) {
      throw new Error(`matmul: webgpu multiplies operands of one dtype,
        got ${sa.dtype} x ${sb.dtype} -> ${o.dtype}`);
    }
    const nd = a.shape.length, M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
    const batchShape = a.shape.slice(0, nd - 2), batches = size(batchShape);
    if (M === 0 || N === 0 || batches === 0) return;
    const tiled = this.workgroupKernels;
    const source = (tiled ? matmulSource : matmulSimpleSource)(wgslType(o.dtype), batchShape.length);
    for (let base = 0; base < batches; base += 65535) {
      const params = [M, N, K, accumulate ? 1 : 0, base, a.offset, b.offset, a.strides[nd - 2],
        a.strides[nd - 1],
        b.strides[nd - 2], b.strides[nd - 1], batchShape.length, ...batchShape, ...a.strides.slice(0, nd - 2),
        ...b.strides.slice(0, nd - 2)];
      const x = tiled ? Math.ceil(N / TILE) * Math.ceil(M / TILE) : Math.ceil(matmulSimpleThreads(M, N) / 64);
      this.gpu.run(source, o, [sa, sb], params, [x, 1, Math.min(65535, batches - base)]);
    }
  }

  gather(x: View, dim: number, index: View, out: Storage): void {
    const o = this.gpu.own(out, "gather"), s = this.gpu.own(x.storage, "gather");
    const i = this.gpu.own(index.storage, "gather");
    const n = size(index.shape);
    if (n === 0) return;
    this.gpu.run(gatherSource(wgslType(s.dtype), index.shape.length), o, [s, i],
      [n, ...viewWords(index.shape, index, x), dim], groupsFor(n));
  }

  scatterAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    const o = this.gpu.own(out, "scatterAdd"), s = this.gpu.own(src.storage, "scatterAdd");
    const i = this.gpu.own(index.storage, "scatterAdd");
    const n = size(index.shape);
    if (n === 0) return;
    this.gpu.run(scatterAddSource(wgslType(o.dtype), index.shape.length), o, [s, i],
      [n, ...viewWords(index.shape, index, src, { offset: 0, strides: contiguous(outShape) }), dim],
        groupsFor(n));
  }

  indexSelect(x: View, dim: number, index: View, out: Storage): void {
    const o = this.gpu.own(out, "indexSelect"), s = this.gpu.own(x.storage, "indexSelect");
    const i = this.gpu.own(index.storage, "indexSelect");
    const shape = x.shape.map((d, k) => (k === dim ? index.shape[0] : d)), n = size(shape);
    if (n === 0) return;
    this.gpu.run(indexSelectSource(wgslType(s.dtype), shape.length), o, [s, i],
      [n, ...viewWords(shape, x), dim, index.offset, index.strides[0]], groupsFor(n));
    indexSelectHostCopy(x, dim, index, o);
  }

  indexAdd(out: Storage, outShape: readonly number[], dim: number, index: View, src: View): void {
    const o = this.gpu.own(out, "indexAdd"), s = this.gpu.own(src.storage, "indexAdd");
    const i = this.gpu.own(index.storage, "indexAdd");
    const n = size(src.shape);
    if (n === 0) return;
    this.gpu.run(indexAddSource(wgslType(o.dtype), src.shape.length), o, [s, i],
      [n, ...viewWords(src.shape, src, { offset: 0, strides: contiguous(outShape) }), dim, index.offset,
        index.strides[0]], groupsFor(n));
  }

  softmax(x: View, rows: number, cols: number, out: Storage, log: boolean): void {
    const o = this.gpu.own(out, "softmax"), s = this.gpu.own(x.storage, "softmax");
    if (rows * cols === 0) return;
    wgslType(s.dtype);
    const tiled = this.workgroupKernels;
    this.gpu.run(tiled ? softmaxSource() : softmaxSimpleSource(), o, [s], [rows, cols, x.offset, log ? 1 : 0],
      groupsFor(rows, tiled ? 1 : undefined));
  }

  softmaxBackward(y: View, g: View, rows: number, cols: number, out: Storage, log: boolean): void {
    const o = this.gpu.own(out, "softmaxBackward"), sy = this.gpu.own(y.storage, "softmaxBackward");
    const sg = this.gpu.own(g.storage, "softmaxBackward");
    if (rows * cols === 0) return;
    const tiled = this.workgroupKernels;
    this.gpu.run(tiled ? softmaxBackwardSource() : softmaxBackwardSimpleSource(), o, [sy, sg],
      [rows, cols, y.offset, g.offset, log ? 1 : 0], groupsFor(rows, tiled ? 1 : undefined));
  }

  reluBackward(grad: View, x: View, out: Storage): boolean { return reluBackward(this.gpu, grad, x, out); }

  sgdStep(p: Storage, g: Storage, buf: Storage | null, n: number, o: SgdStepOptions): void {
    checkStepStorages("sgdStep", n, [p, g, buf]);
    const useMomentum = o.momentum !== 0;
    if (useMomentum && buf === null) throw new Error("sgdStep: momentum needs a momentum buffer");
    const sp = this.gpu.own(p, "sgdStep"), sg = this.gpu.own(g, "sgdStep");
    const sb = useMomentum ? this.gpu.own(buf as Storage, "sgdStep") : this.dummy;
    const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (useMomentum ? 4 : 0) |
      (o.first ? 8 : 0) | (o.nesterov ? 16 : 0);
    if (n === 0) return;
    this.gpu.run(sgdStepSource(), sp, [sg, sb], [n, f32Word(o.lr), f32Word(o.weightDecay),
      f32Word(o.momentum),
      f32Word(1 - o.dampening), flags], groupsFor(n));
  }

  adamStep(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
    n: number, o: AdamStepOptions): void {
    checkStepStorages("adamStep", n, [p, g, expAvg, expAvgSq, maxExpAvgSq]);
    if (o.amsgrad && maxExpAvgSq === null) throw new Error("adamStep: amsgrad needs maxExpAvgSq");
    const own = (s: Storage): GpuStorage => this.gpu.own(s, "adamStep");
    const x = o.amsgrad ? own(maxExpAvgSq as Storage) : this.dummy;
    const s = adamScalars(o);
    const flags = (o.maximize ? 1 : 0) | (o.decoupled ? 2 : 0) | (!o.decoupled &&
      o.weightDecay !== 0 ? 4 : 0) |
      (o.amsgrad ? 8 : 0);
    if (n === 0) return;
    this.gpu.run(adamStepSource(), own(p), [own(g), own(expAvg), own(expAvgSq), x], [n, f32Word(o.beta1),
      f32Word(1 - o.beta1), f32Word(o.beta2), f32Word(1 - o.beta2), f32Word(o.weightDecay), f32Word(s.decay),
      f32Word(s.stepSize), f32Word(s.biasCorrection2Sqrt), f32Word(o.eps), flags], groupsFor(n));
  }

  // convolution, max pooling and batch norm: src/backend/webgpu/layers.ts
  conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void {
    layers.conv2d(this, x, weight, bias, geometry, out);
  }
  conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void {
    layers.conv2dBackwardInput(this, grad, weight, geometry, out);
  }
  conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
    biasOut: Storage | null): void {
    layers.conv2dBackwardWeight(this, x, grad, geometry, out, biasOut);
  }
  maxPool2d(x: View, planes: number, window: Window2d, out: Storage, indices: Storage): void {
    layers.maxPool2d(this, x, planes, window, out, indices);
  }
  maxPool2dBackward(grad: View, indices: View, planes: number, window: Window2d, out: Storage): void {
    layers.maxPool2dBackward(this, grad, indices, planes, window, out);
  }
  batchNorm(x: View, weight: View | null, bias: View | null, shape: BatchNormShape, eps: number,
    out: Storage, mean: Storage, variance: Storage): void {
    layers.batchNorm(this, x, weight, bias, shape, eps, out, mean, variance);
  }
  batchNormBackward(x: View, grad: View, weight: View | null, mean: View, variance: View,
    shape: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
    dbias: Storage | null): void {
    layers.batchNormBackward(this, x, grad, weight, mean, variance, shape, eps, dx, dweight, dbias);
  }
}
