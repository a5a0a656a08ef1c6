/**
 * The fallback of the recurrent-step kernels: the same scan as `recurrentScan`, each step composed
 * from differentiable tensor ops (a matmul, slices, sigmoid/tanh, a select for masked rows), with
 * gradients from autograd. It returns the same packed states, so the layers cannot tell the two apart.
 */
import type { Tensor } from "../tensor.js";
import { add, mul, relu, sigmoid, sub, tanh, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import { select, slice, stack, transpose, unsqueeze } from "./movement.js";
import { gateCount, type RecurrentCell } from "./recurrent-step.js";

interface ScanOptions { reverse?: boolean; mask?: Tensor | null }

/** Gate block `k` of width `h` of a [B, G·h] tensor. */
function gate(t: Tensor, k: number, h: number): Tensor {
  return slice(t, 1, k * h, (k + 1) * h);
}

/** One step: the new hidden state (and cell state for an LSTM) from x [B, G·H] and the old state. */
function step(cell: RecurrentCell, x: Tensor, w: Tensor, bias: Tensor | null, h: Tensor, c: Tensor | null,
  H: number): [Tensor, Tensor | null] {
  let hh = matmul(h, transpose(w, 0, 1));
  if (bias !== null) hh = add(hh, bias);
  if (cell === "gru") {
    const r = sigmoid(add(gate(x, 0, H), gate(hh, 0, H)));
    const z = sigmoid(add(gate(x, 1, H), gate(hh, 1, H)));
    const n = tanh(add(gate(x, 2, H), mul(r, gate(hh, 2, H))));
    return [add(mul(sub(1, z), n), mul(z, h)), null];
  }
  const pre = add(x, hh);
  if (cell === "lstm") {
    const i = sigmoid(gate(pre, 0, H)), f = sigmoid(gate(pre, 1, H));
    const g = tanh(gate(pre, 2, H)), o = sigmoid(gate(pre, 3, H));
    const cNext = add(mul(f, c as Tensor), mul(i, g));
    return [mul(o, tanh(cNext)), cNext];
  }
  return [cell === "rnnRelu" ? relu(pre) : tanh(pre), null];
}

/** `recurrentScan` without kernels; arguments are already checked by it. */
export function compositeScan(cell: RecurrentCell, xProj: Tensor, wHh: Tensor, bias: Tensor | null,
  h0: Tensor, c0: Tensor | null, options: ScanOptions = {}): Tensor {
  const reverse = options.reverse ?? false;
  const T = xProj.shape[0], H = xProj.shape[2] / gateCount(cell);
  const mask = options.mask == null ? null : options.mask.to(xProj.dtype);
  const states: Tensor[] = new Array<Tensor>(T + 1);
  let h = h0, c = cell === "lstm" ? c0 : null;
  states[reverse ? T : 0] = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    let [hNext, cNext] = step(cell, select(xProj, 0, t), wHh, bias, h, c, H);
    if (mask !== null) {
      // padded rows keep their state; a select, so a NaN in a padded row cannot leak through
      const real = unsqueeze(select(mask, 0, t), 1).ne(0);
      hNext = where(real, hNext, h);
      if (cNext !== null) cNext = where(real, cNext, c as Tensor);
    }
    h = hNext;
    c = cNext;
    states[reverse ? t : t + 1] = h;
  }
  if (cell === "lstm") states.push(c as Tensor);
  return stack(states, 0);
}
