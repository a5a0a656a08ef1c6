/**
 * Convolution as differentiable ops on the backend's kernels. conv2d's backward is two kernels (input:
 * col2im of Wᵀ·dy; weight: dy·colsᵀ, with the bias gradient in the same pass); the transposed
 * convolution is
 * conv2d's input gradient used forward, so its backward is conv2d and the weight kernel with the roles
 * swapped. The layers in src/nn check shapes and build the geometry, and run the composite form (im2col by
 * indexSelect, then matmul) when the backend lacks these kernels.
 */
import type { Storage, View } from "../../backend/backend.js";
import { hasKernels, type Backend } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { Tensor } from "../tensor.js";
import { contiguous } from "./movement.js";

/**
 * A sliding window over planes of inH×inW (a convolution's or a pool's): kernel taps `dilation` apart,
 * windows `stride` apart, starting `padH`/`padW` before the first row/column. The output size is given
 * (it settles the padding at the bottom/right, "same" padding and ceil mode); positions outside the
 * plane read zero (convolution) or are skipped (max pooling).
 */
export interface Window2d {
  readonly inH: number; readonly inW: number;
  readonly kernelH: number; readonly kernelW: number;
  readonly strideH: number; readonly strideW: number;
  readonly padH: number; readonly padW: number;
  readonly dilationH: number; readonly dilationW: number;
  readonly outH: number; readonly outW: number;
}

/** A 2-d convolution: x [batch, inChannels, inH, inW], weight [outChannels, inChannels/groups, kh, kw]. */
export interface Conv2dGeometry extends Window2d {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
}

declare module "../../backend/backend.js" {
  /** Convolution kernels: every view is contiguous (any offset), one float dtype throughout. */
  interface OptionalKernels {
    /** out [N, O, outH, outW] = x [N, C, inH, inW] cross-correlated with weight [O, C/G, kh, kw] (+ bias). */
    conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void;
    /** The adjoint in x (col2im): out [N, C, inH, inW] from the output gradient [N, O, outH, outW]. */
    conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void;
    /** The adjoint in the weight: out [O, C/G, kh, kw], and with `biasOut` the bias gradient [O]. */
    conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
      biasOut: Storage | null): void;
  }
}

/** True when `backend` has the three convolution kernels (else the layers run the composite). */
export function hasConvKernels(backend: Backend): boolean {
  return hasKernels(backend, "conv2d", "conv2dBackwardInput", "conv2dBackwardWeight");
}

function inputGrad(grad: Tensor, weight: Tensor, g: Conv2dGeometry): Tensor {
  const dx = Tensor._empty([g.batch, g.inChannels, g.inH, g.inW], grad.dtype, grad.backend);
  grad.backend.conv2dBackwardInput?.(grad._view(), weight._view(), g, dx._ref.storage);
  return dx;
}

function weightGrad(x: Tensor, grad: Tensor, g: Conv2dGeometry, withBias: boolean): [Tensor, Tensor | null] {
  const shape = [g.outChannels, g.inChannels / g.groups, g.kernelH, g.kernelW];
  const dw = Tensor._empty(shape, x.dtype, x.backend);
  const db = withBias ? Tensor._empty([g.outChannels], x.dtype, x.backend) : null;
  x.backend.conv2dBackwardWeight?.(x._view(), grad._view(), g, dw._ref.storage,
    db === null ? null : db._ref.storage);
  return [dw, db];
}

function forward(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry): Tensor {
  const out = Tensor._empty([g.batch, g.outChannels, g.outH, g.outW], x.dtype, x.backend);
  x.backend.conv2d?.(x._view(), weight._view(), bias === null ? null : bias._view(), g, out._ref.storage);
  return out;
}

/**
 * @internal y [N, O, outH, outW] = x [N, C, inH, inW] ⋆ weight [O, C/groups, kh, kw] + bias [O],
 * zero padding; every size comes from `geometry` (checked by the caller), all of one float dtype.
 */
export function conv2dOp(x: Tensor, weight: Tensor, bias: Tensor | null, geometry: Conv2dGeometry): Tensor {
  const xc = contiguous(x), wc = contiguous(weight), bc = bias === null ? null : contiguous(bias);
  const out = forward(xc, wc, bc, geometry);
  return attach(out, "conv2d", bc === null ? [xc, wc] : [xc, wc, bc], (grad, _, inputs) => {
    const [input, w, b] = inputs;
    const gc = contiguous(grad);
    const dx = input.requiresGrad ? inputGrad(gc, w, geometry) : null;
    const biasGrad = b !== undefined && b.requiresGrad;
    const [dw, db] = w.requiresGrad || biasGrad ? weightGrad(input, gc, geometry, biasGrad) : [null, null];
    return [dx, w.requiresGrad ? dw : null, db];
  });
}

/**
 * @internal The transposed convolution of x [N, O, outH, outW] with weight [O, C/groups, kh, kw]
 * (ConvTranspose2d's layout): the input gradient of the convolution `geometry` describes, so the
 * result is [N, C, inH, inW].
 */
export function convTranspose2dOp(x: Tensor, weight: Tensor, geometry: Conv2dGeometry): Tensor {
  const xc = contiguous(x), wc = contiguous(weight);
  const out = inputGrad(xc, wc, geometry);
  return attach(out, "convTranspose2d", [xc, wc], (grad, _, [input, w]) => {
    const gc = contiguous(grad);
    return [input.requiresGrad ? forward(gc, w, null, geometry) : null,
      w.requiresGrad ? weightGrad(gc, input, geometry, false)[0] : null];
  });
}
