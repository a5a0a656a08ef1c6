import type { BinaryOp, Storage, UnaryOp, View } from "../backend.js";
import { Binary, Reduce, Unary } from "../opcodes.js";
import type { KernelContext } from "./context.js";
import { gatherInto } from "./copy.js";
import { isContiguous, mergeDims, metaBlock, numel, writeMeta } from "./strided.js";

/** Int32 ops whose result stays int32 (the others run on the reference, or never see int32 outputs). */
const INT_UNARY = new Set<UnaryOp>(["neg", "abs", "sign", "relu", "floor", "ceil", "round"]);
const INT_BINARY = new Set<BinaryOp>([
  "add", "sub", "mul", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
]);

/**
 * Float32 (all ops) and int32 (the type-preserving ones) unary kernels. A contiguous input runs in
 * one call; a strided one is first gathered into `out`, then transformed in place.
 */
export function fastUnary(ctx: KernelContext, op: UnaryOp, x: View, out: Storage, p0 = 0, p1 = 0): boolean {
  const dtype = out.dtype;
  if (x.storage.dtype !== dtype || dtype === "float64") return false;
  if (dtype === "int32" && !INT_UNARY.has(op)) return false;
  const n = numel(x.shape);
  if (n === 0) return true;
  const po = ctx.ptr(out);
  let px: number;
  if (isContiguous(x)) {
    px = ctx.ptr(x.storage) + x.offset * 4;
  } else {
    if (!gatherInto(ctx, x, po)) return false;
    px = po;
  }
  if (dtype === "float32") ctx.exports.unary_f32(Unary[op], px, po, n, p0, p1);
  else ctx.exports.unary_i32(Unary[op], px, po, n);
  return true;
}

/**
 * Binary kernels on two broadcast views of the output shape (same dtype in and out: float32, or
 * int32 for the ops that keep it). Dims are merged first, so contiguous×contiguous, tensor×scalar
 * and a row or column broadcast become one or two kernel dims; `pow` by a scalar exponent becomes
 * powScalar, which has exact paths for the common exponents.
 */
export function fastBinary(ctx: KernelContext, op: BinaryOp, a: View, b: View, out: Storage): boolean {
  const dtype = out.dtype;
  if (a.storage.dtype !== dtype || b.storage.dtype !== dtype || dtype === "float64") return false;
  if (dtype === "int32" && !INT_BINARY.has(op)) return false;
  const nd = mergeDims(a.shape, a.strides, b.strides);
  if (nd <= 0) return nd === 0;
  if (op === "pow" && isScalarView(b)) {
    const exponent = ctx.heap.f32[(ctx.ptr(b.storage) >> 2) + b.offset];
    return fastUnary(ctx, "powScalar", a, out, exponent);
  }
  const pa = ctx.ptr(a.storage) + a.offset * 4, pb = ctx.ptr(b.storage) + b.offset * 4, po = ctx.ptr(out);
  const meta = writeMeta(ctx, nd, 2);
  if (dtype === "float32") ctx.exports.binary_f32(Binary[op], nd, meta, pa, pb, po);
  else ctx.exports.binary_i32(Binary[op], nd, meta, pa, pb, po);
  return true;
}

function isScalarView(view: View): boolean {
  for (let d = 0; d < view.strides.length; d++) {
    if (view.strides[d] !== 0 && view.shape[d] !== 1) return false;
  }
  return true;
}

/** cond ? a : b for 4-byte a/b/out of one dtype and a float32 or int32 condition, any broadcast. */
export function fastWhere(ctx: KernelContext, cond: View, a: View, b: View, out: Storage): boolean {
  const dtype = out.dtype, condType = cond.storage.dtype;
  if (a.storage.dtype !== dtype || b.storage.dtype !== dtype || dtype === "float64") return false;
  if (condType === "float64") return false;
  const nd = mergeDims(a.shape, cond.strides, a.strides, b.strides);
  if (nd <= 0) return nd === 0;
  const pc = ctx.ptr(cond.storage) + cond.offset * 4;
  const pa = ctx.ptr(a.storage) + a.offset * 4, pb = ctx.ptr(b.storage) + b.offset * 4, po = ctx.ptr(out);
  ctx.exports.where_nd(nd, writeMeta(ctx, nd, 3), pc, pa, pb, po, condType === "int32" ? 1 : 0);
  return true;
}

/**
 * V8 runs new WebAssembly in its baseline tier for the first calls: run each hot kernel a few times
 * on a scratch block so the first real calls get the optimized code.
 */
/** ReLU's backward (core/ops/relu-grad.ts) on contiguous float32 views; false for anything else. */
export function fastReluBackward(ctx: KernelContext, grad: View, x: View, out: Storage): boolean {
  if (grad.storage.dtype !== "float32" || x.storage.dtype !== "float32" || out.dtype !== "float32" ||
    !isContiguous(grad) || !isContiguous(x)) return false;
  const n = numel(x.shape);
  if (n > 0) {
    ctx.exports.relu_backward_f32(ctx.ptr(grad.storage) + grad.offset * 4, ctx.ptr(x.storage) + x.offset * 4,
      ctx.ptr(out), n);
  }
  return true;
}

export function warmUpElementwise(ctx: KernelContext): void {
  const n = 1024;
  const block = ctx.heap.alloc(3 * n * 4);
  const x = block, y = block + n * 4, z = block + 2 * n * 4;
  const f32 = ctx.heap.f32;
  for (let i = 0; i < 2 * n; i++) f32[(x >> 2) + i] = (i % 17) * 0.25 - 2;
  const m = writeMeta(ctx, 1, 2), meta = metaBlock(ctx).i32;
  const e = ctx.exports;
  for (let round = 0; round < 8; round++) {
    for (const op of [Unary.exp, Unary.log, Unary.relu, Unary.sigmoid, Unary.tanh]) {
      e.unary_f32(op, x, z, n, 0, 0);
    }
    meta[0] = n; meta[1] = 1; meta[2] = 1;
    for (const op of [Binary.add, Binary.mul]) e.binary_f32(op, 1, m, x, y, z);
    e.copy_nd(1, m, x, z, 0);
    e.reduce_rows_f32(Reduce.sum, x, 32, z, 32, 32);
    e.reduce_cols_f32(Reduce.sum, x, 32, z, 32, 32, y);
  }
  ctx.heap.free(block, 3 * n * 4);
}
