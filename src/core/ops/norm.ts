/**
 * Training-mode batch normalization as one differentiable op on the backend's kernels: the forward
 * keeps only the batch mean and variance per channel (the composite form in src/nn/norm.ts keeps five
 * tensors of the input's size for its backward), and the backward is one pass over x and dy.
 */
import type { Storage, View } from "../../backend/backend.js";
import { hasKernels, type Backend } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { Tensor } from "../tensor.js";
import { contiguous } from "./movement.js";

/** The layout batch normalization sees: x as [outer, channels, inner] (NCHW: N, C, H·W). */
export interface BatchNormShape {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

declare module "../../backend/backend.js" {
  interface OptionalKernels {
    /**
     * Training-mode batch normalization: per channel the batch mean and biased variance (into `mean`
     * and `variance`, [channels]), and out = (x − mean)/√(variance + eps)·weight + bias (weight and
     * bias [channels], or null for 1 and 0).
     */
    batchNorm(x: View, weight: View | null, bias: View | null, shape: BatchNormShape, eps: number,
      out: Storage, mean: Storage, variance: Storage): void;
    /** Its adjoint from the saved mean and variance: dx, dweight and dbias, each skipped when null. */
    batchNormBackward(x: View, grad: View, weight: View | null, mean: View, variance: View,
      shape: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
      dbias: Storage | null): void;
  }
}

/** True when `backend` has both batch-norm kernels (else src/nn composes batch norm from ops). */
export function hasBatchNormKernels(backend: Backend): boolean {
  return hasKernels(backend, "batchNorm", "batchNormBackward");
}

export interface BatchNormResult {
  /** (x − mean)/√(variance + eps)·weight + bias. */
  output: Tensor;
  /** Batch mean per channel [C] (no gradient). */
  mean: Tensor;
  /** Biased batch variance per channel [C] (no gradient). */
  variance: Tensor;
}

/**
 * @internal x [N, C, ...] normalized per channel over every other dim, with the batch's statistics;
 * weight and bias [C] or null; every tensor of x's float dtype (checked by the caller).
 */
export function batchNormOp(x: Tensor, weight: Tensor | null, bias: Tensor | null,
  eps: number): BatchNormResult {
  const xc = contiguous(x), wc = weight && contiguous(weight), bc = bias && contiguous(bias);
  const [outer, channels] = x.shape;
  const shape: BatchNormShape = { outer, channels, inner: x.size / Math.max(1, outer * channels) };
  const out = Tensor._empty(x.shape, x.dtype, x.backend);
  const mean = Tensor._empty([channels], x.dtype, x.backend);
  const variance = Tensor._empty([channels], x.dtype, x.backend);
  x.backend.batchNorm?.(xc._view(), wc && wc._view(), bc && bc._view(), shape, eps, out._ref.storage,
    mean._ref.storage, variance._ref.storage);
  const inputs = [xc, ...(wc === null ? [] : [wc]), ...(bc === null ? [] : [bc])];
  const output = attach(out, "batchNorm", inputs, (g, _, saved) => {
    const input = saved[0], w = wc === null ? null : saved[1];
    const b = bc === null ? null : saved[saved.length - 1];
    const gc = contiguous(g);
    const grad = (t: Tensor | null, s: readonly number[]): Tensor | null =>
      t !== null && t.requiresGrad ? Tensor._empty(s, g.dtype, g.backend) : null;
    const dx = grad(input, input.shape), dw = grad(w, [channels]), db = grad(b, [channels]);
    g.backend.batchNormBackward?.(input._view(), gc._view(), w && w._view(), mean._view(), variance._view(),
      shape, eps, dx && dx._ref.storage, dw && dw._ref.storage, db && db._ref.storage);
    return [dx, ...(w === null ? [] : [dw]), ...(b === null ? [] : [db])];
  });
  return { output, mean, variance };
}
