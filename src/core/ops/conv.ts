/**
 * Convolution and max pooling as differentiable ops on the backend's kernels. conv2d's backward is two
 * kernels (input: col2im of Wᵀ·dy; weight: dy·colsᵀ, with the bias gradient in the same pass); the
 * transposed convolution is conv2d's input gradient used forward, so its backward is conv2d and the
 * weight kernel with the roles swapped; max pooling records each window's arg-max, and its backward
 * routes the gradient there. The layers in src/nn check shapes and build the geometry.
 */
import type { Conv2dGeometry, Window2d } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { Tensor } from "../tensor.js";
import { contiguous } from "./movement.js";

function inputGrad(grad: Tensor, weight: Tensor, g: Conv2dGeometry): Tensor {
  const dx = Tensor._empty([g.batch, g.inChannels, g.inH, g.inW], grad.dtype, grad.backend);
  grad.backend.conv2dBackwardInput(grad._view(), weight._view(), g, dx._ref.storage);
  return dx;
}

function weightGrad(x: Tensor, grad: Tensor, g: Conv2dGeometry, withBias: boolean): [Tensor, Tensor | null] {
  const shape = [g.outChannels, g.inChannels / g.groups, g.kernelH, g.kernelW];
  const dw = Tensor._empty(shape, x.dtype, x.backend);
  const db = withBias ? Tensor._empty([g.outChannels], x.dtype, x.backend) : null;
  x.backend.conv2dBackwardWeight(x._view(), grad._view(), g, dw._ref.storage,
    db === null ? null : db._ref.storage);
  return [dw, db];
}

function forward(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry): Tensor {
  const out = Tensor._empty([g.batch, g.outChannels, g.outH, g.outW], x.dtype, x.backend);
  x.backend.conv2d(x._view(), weight._view(), bias === null ? null : bias._view(), g, out._ref.storage);
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

/**
 * @internal Max over each window of x [N, C, inH, inW] (padding is never the maximum): the values
 * [N, C, outH, outW] and the int32 flat index (row·inW + column) of each one's source.
 */
export function maxPool2dOp(x: Tensor, window: Window2d): [Tensor, Tensor] {
  const xc = contiguous(x);
  const [n, c] = x.shape, planes = n * c;
  const shape = [n, c, window.outH, window.outW];
  const out = Tensor._empty(shape, x.dtype, x.backend);
  const indices = Tensor._empty(shape, "int32", x.backend);
  x.backend.maxPool2d(xc._view(), planes, window, out._ref.storage, indices._ref.storage);
  const values = attach(out, "maxPool2d", [xc], (grad, _, [input]) => {
    const dx = Tensor._empty(input.shape, grad.dtype, grad.backend);
    const gc = contiguous(grad);
    grad.backend.maxPool2dBackward(gc._view(), indices._view(), planes, window, dx._ref.storage);
    return [dx];
  });
  return [values, indices];
}
