import type { View } from "../backend.js";
import type { RecurrentStep, RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import { matmulKernel } from "./kernels.js";
import { jsData } from "./strided.js";

/**
 * The reference recurrent step kernels: one row at a time, one unit at a time, each formula as
 * written in the PyTorch documentation. Every view is a contiguous row block, so an element is
 * `data[offset + row·width + column]`.
 */

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

interface Block { d: Float32Array | Float64Array | Int32Array; o: number }

function block(view: View): Block {
  return { d: jsData(view.storage), o: view.offset };
}

function optional(view: View | null): Block | null {
  return view === null ? null : block(view);
}

/** Gates per cell (G): LSTM i, f, g, o; GRU r, z, n; RNN one. */
export function gateCount(cell: RecurrentStep["cell"]): number {
  return cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
}

/** Matrix products write their output from offset 0 of its storage: the scratch blocks are made so. */
function atStart(name: string, view: View): void {
  if (view.offset !== 0) throw new Error(`recurrent step: ${name} must start at offset 0 of its storage`);
}

export function recurrentForwardKernel(s: RecurrentStep): void {
  const B = s.batch, H = s.hidden, G = gateCount(s.cell) * H;
  atStart("hh", s.hh);
  const w = s.weight;
  matmulKernel(s.hPrev, { storage: w.storage, shape: [H, G], strides: [w.strides[1], w.strides[0]],
    offset: w.offset }, s.hh.storage, false);
  const x = block(s.x), hh = block(s.hh), hp = block(s.hPrev), gates = block(s.gates), hn = block(s.hNext);
  const cp = optional(s.cPrev), cn = optional(s.cNext), mask = optional(s.mask), bias = optional(s.bias);
  const extra = optional(s.extra);
  for (let b = 0; b < B; b++) {
    const real = mask === null || mask.d[mask.o + b] !== 0;
    const xr = x.o + b * G, hr = hh.o + b * G, gr = gates.o + b * G;
    for (let j = 0; j < H; j++) {
      const hPrev = hp.d[hp.o + b * H + j];
      const bias1 = (k: number): number => (bias === null ? 0 : bias.d[bias.o + k * H + j]);
      let hNew: number;
      if (s.cell === "lstm") {
        const pre = (k: number): number => x.d[xr + k * H + j] + hh.d[hr + k * H + j] + bias1(k);
        const i = sigmoid(pre(0)), f = sigmoid(pre(1)), g = Math.tanh(pre(2)), o = sigmoid(pre(3));
        gates.d[gr + j] = i; gates.d[gr + H + j] = f;
        gates.d[gr + 2 * H + j] = g; gates.d[gr + 3 * H + j] = o;
        const cPrev = cp!.d[cp!.o + b * H + j];
        const c = f * cPrev + i * g;
        // round c as stored, so h is computed from the same value the backward step reads back
        cn!.d[cn!.o + b * H + j] = real ? c : cPrev;
        hNew = o * Math.tanh(real ? cn!.d[cn!.o + b * H + j] : c);
      } else if (s.cell === "gru") {
        const r = sigmoid(x.d[xr + j] + hh.d[hr + j] + bias1(0));
        const z = sigmoid(x.d[xr + H + j] + hh.d[hr + H + j] + bias1(1));
        const hn0 = hh.d[hr + 2 * H + j] + bias1(2);
        const n = Math.tanh(x.d[xr + 2 * H + j] + r * hn0);
        gates.d[gr + j] = r; gates.d[gr + H + j] = z; gates.d[gr + 2 * H + j] = n;
        extra!.d[extra!.o + b * H + j] = hn0;
        hNew = (1 - z) * n + z * hPrev;
      } else {
        const a = x.d[xr + j] + hh.d[hr + j] + bias1(0);
        hNew = s.cell === "rnnTanh" ? Math.tanh(a) : Math.max(a, 0);
        gates.d[gr + j] = hNew;
      }
      hn.d[hn.o + b * H + j] = real ? hNew : hPrev;
    }
  }
}

export function recurrentBackwardKernel(s: RecurrentStep, grad: RecurrentStepGrad): void {
  gateBackward(s, grad);
  atStart("dH", grad.dH);
  // dh_prev += dGates·W_hh
  matmulKernel(grad.dHh ?? grad.dX, s.weight, grad.dH.storage, true);
}

function gateBackward(s: RecurrentStep, grad: RecurrentStepGrad): void {
  const B = s.batch, H = s.hidden, G = gateCount(s.cell) * H;
  const gates = block(s.gates), hp = block(s.hPrev), hn = block(s.hNext);
  const cp = optional(s.cPrev), cn = optional(s.cNext), mask = optional(s.mask), extra = optional(s.extra);
  const dH = block(grad.dH), dOut = optional(grad.dOut), dC = optional(grad.dC), dX = block(grad.dX);
  const dHh = optional(grad.dHh);
  for (let b = 0; b < B; b++) {
    const real = mask === null || mask.d[mask.o + b] !== 0;
    const gr = gates.o + b * G, xr = dX.o + b * G, hr = dHh === null ? 0 : dHh.o + b * G;
    for (let j = 0; j < H; j++) {
      const at = b * H + j;
      const dh = dH.d[dH.o + at] + (dOut === null ? 0 : dOut.d[dOut.o + at]);
      if (!real) {
        // a padded step passed h and c through: so do their gradients
        dH.d[dH.o + at] = dh;
        for (let k = 0; k < G; k += H) {
          dX.d[xr + k + j] = 0;
          if (dHh !== null) dHh.d[hr + k + j] = 0;
        }
        continue;
      }
      if (s.cell === "lstm") {
        const i = gates.d[gr + j], f = gates.d[gr + H + j], g = gates.d[gr + 2 * H + j];
        const o = gates.d[gr + 3 * H + j];
        const tc = Math.tanh(cn!.d[cn!.o + at]);
        const dc = dC!.d[dC!.o + at] + dh * o * (1 - tc * tc);
        dX.d[xr + j] = dc * g * i * (1 - i);
        dX.d[xr + H + j] = dc * cp!.d[cp!.o + at] * f * (1 - f);
        dX.d[xr + 2 * H + j] = dc * i * (1 - g * g);
        dX.d[xr + 3 * H + j] = dh * tc * o * (1 - o);
        dC!.d[dC!.o + at] = dc * f;
        dH.d[dH.o + at] = 0;
      } else if (s.cell === "gru") {
        const r = gates.d[gr + j], z = gates.d[gr + H + j], n = gates.d[gr + 2 * H + j];
        const dn = dh * (1 - z) * (1 - n * n);
        const dz = dh * (hp.d[hp.o + at] - n) * z * (1 - z);
        const dr = dn * extra!.d[extra!.o + at] * r * (1 - r);
        dX.d[xr + j] = dr; dX.d[xr + H + j] = dz; dX.d[xr + 2 * H + j] = dn;
        dHh!.d[hr + j] = dr; dHh!.d[hr + H + j] = dz; dHh!.d[hr + 2 * H + j] = dn * r;
        dH.d[dH.o + at] = dh * z;
      } else {
        const h = hn.d[hn.o + at];
        dX.d[xr + j] = s.cell === "rnnTanh" ? dh * (1 - h * h) : h > 0 ? dh : 0;
        dH.d[dH.o + at] = 0;
      }
    }
  }
}
