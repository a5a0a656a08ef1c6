/**
 * One direction of a recurrent layer over a whole sequence, as a single differentiable op (what
 * cuDNN calls a layer "scan"). Recording every step as a dozen small ops would cost graph nodes and
 * allocations per step and per gate; here the forward writes all steps into buffers made once, and
 * the backward walks them in reverse with two [batch, hidden] accumulators, then turns the stored
 * gate gradients into dW_hh with one GEMM over all steps.
 *
 * Per step t, one backend call (`Backend.recurrentForward`): hh = h_{t-1}·W_hhᵀ (a GEMM), then one
 * fused kernel for the gates and the new state. The input projection x·W_ihᵀ of all steps is one GEMM
 * done by the caller, whose gradient is the stored gate gradients themselves.
 */
import type { Backend, View } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import type { DType } from "../dtype.js";
import { formatShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor } from "./elementwise.js";
import { compositeScan } from "./recurrent-composite.js";
import { gateCount, hasRecurrentKernels, type RecurrentCell, type RecurrentStep } from "./recurrent-step.js";

export type { RecurrentCell };
export { gateCount };

export interface RecurrentScanOptions {
  /** Walk the sequence from its last step to its first (the backward half of a bidirectional layer). */
  reverse?: boolean;
  /** [T, B]: 1 where a step is real, 0 where it is padding (the state passes through unchanged). */
  mask?: Tensor | null;
}


/** Rows [index·B, (index+1)·B) of a contiguous [N, B, width] tensor (or a [B, width] one at index 0). */
function row(t: Tensor, index: number, batch: number, width: number): View {
  return { storage: t._ref.storage, shape: [batch, width], strides: [width, 1],
    offset: t._offset + index * batch * width };
}

function maybeRow(t: Tensor | null, index: number, batch: number, width: number): View | null {
  return t === null ? null : row(t, index, batch, width);
}

/** A contiguous raw copy (outside the graph) of a tensor that is not contiguous already. */
function dense(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const out = Tensor._empty(t.shape, t.dtype, t.backend);
  t.backend.copy(t._view(), out._view());
  return out;
}

function empty(shape: number[], dtype: DType, backend: Backend): Tensor {
  return Tensor._empty(shape, dtype, backend);
}

function zeroed(shape: number[], dtype: DType, backend: Backend): Tensor {
  const t = empty(shape, dtype, backend);
  backend.fill(t._view(), 0);
  return t;
}

function check(cell: RecurrentCell, x: Tensor, w: Tensor, bias: Tensor | null, h0: Tensor, c0: Tensor | null,
  mask: Tensor | null): void {
  const op = "recurrentScan";
  for (const [name, t] of [["xProj", x], ["wHh", w], ["h0", h0]] as const) checkTensor(op, t, name);
  const G = gateCount(cell);
  if (x.ndim !== 3 || x.shape[0] < 1) {
    throw new Error(`${op}: xProj must be [T, B, G·H] with T >= 1, got ${formatShape(x.shape)}`);
  }
  const [, B, GH] = x.shape;
  const H = GH / G;
  const expect = (name: string, t: Tensor | null, shape: number[]): void => {
    if (t === null) throw new Error(`${op}: ${cell} needs ${name}`);
    checkTensor(op, t, name);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${op}: ${name} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
    }
    if (t !== mask && t.dtype !== x.dtype) {
      throw new Error(`${op}: ${name} is ${t.dtype}, xProj is ${x.dtype}`);
    }
  };
  if (!Number.isInteger(H)) throw new Error(`${op}: xProj's last dimension ${GH} is not a multiple of ${G}`);
  if (x.dtype === "int32") throw new Error(`${op}: expected floating-point tensors, got int32`);
  expect("wHh", w, [GH, H]);
  expect("h0", h0, [B, H]);
  if (cell === "lstm") expect("c0", c0, [B, H]);
  if (bias !== null) expect("bias", bias, [GH]);
  if (mask !== null) expect("mask", mask, [x.shape[0], B]);
}

/**
 * Runs `cell` over xProj [T, B, G·H] (x·W_ihᵀ of every step) from h0 (and c0) [B, H], with
 * W_hh [G·H, H] and an optional bias [G·H] (see `RecurrentStep.bias`). Returns the packed states
 * [T + 1 (+ 1 for LSTM), B, H]: rows 0..T the hidden states in time order (row 0 is h0 going forward,
 * row T going in reverse), then the final cell state of an LSTM. Differentiable in every tensor input.
 */
export function recurrentScan(cell: RecurrentCell, xProj: Tensor, wHh: Tensor, bias: Tensor | null,
  h0: Tensor, c0: Tensor | null, options: RecurrentScanOptions = {}): Tensor {
  const maskIn = options.mask ?? null;
  check(cell, xProj, wHh, bias, h0, c0, maskIn);
  if (!hasRecurrentKernels(xProj.backend)) return compositeScan(cell, xProj, wHh, bias, h0, c0, options);
  const reverse = options.reverse ?? false;
  const [T, B, GH] = xProj.shape;
  const H = GH / gateCount(cell), lstm = cell === "lstm", gru = cell === "gru";
  const dtype = xProj.dtype, backend = xProj.backend;
  const x = dense(xProj), b = bias === null ? null : dense(bias);
  const mask = maskIn === null ? null : dense(maskIn.dtype === dtype ? maskIn : maskIn.to(dtype));
  const states = empty([T + 1 + (lstm ? 1 : 0), B, H], dtype, backend);
  const cells = lstm ? empty([T + 1, B, H], dtype, backend) : null;
  const gates = empty([T, B, GH], dtype, backend);
  const extra = gru ? empty([T, B, H], dtype, backend) : null;
  const hh = empty([B, GH], dtype, backend);
  const start = reverse ? T : 0;
  backend.copy(h0._view(), row(states, start, B, H));
  if (cells !== null) backend.copy((c0 as Tensor)._view(), row(cells, start, B, H));
  const weight = wHh._view();
  // the backward steps do not read hh, and its scratch block is freed after the forward: they get x
  const stepAt = (t: number, first: boolean, forward = false): RecurrentStep => {
    const prev = reverse ? t + 1 : t, next = reverse ? t : t + 1;
    return {
      cell, batch: B, hidden: H, weight, first, x: row(x, t, B, GH),
      hh: forward ? row(hh, 0, B, GH) : row(x, t, B, GH),
      bias: b === null ? null : row(b, 0, 1, GH), hPrev: row(states, prev, B, H),
      cPrev: maybeRow(cells, prev, B, H), mask: maybeRow(mask, t, 1, B), gates: row(gates, t, B, GH),
      hNext: row(states, next, B, H), cNext: maybeRow(cells, next, B, H), extra: maybeRow(extra, t, B, H),
    };
  };
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    backend.recurrentForward?.(stepAt(t, k === 0, true));
  }
  hh.dispose();
  if (cells !== null) backend.copy(row(cells, reverse ? 0 : T, B, H), row(states, T + 1, B, H));
  const inputs = [xProj, wHh, h0, ...(bias === null ? [] : [bias]), ...(c0 === null || !lstm ? [] : [c0])];
  return attach(states, `${cell}Scan`, inputs, (g) => {
    const grads = scanBackward({ cell, T, B, H, reverse, states, cells, gates, extra, mask, stepAt },
      dense(g), wHh.requiresGrad, bias !== null && bias.requiresGrad);
    const out: (Tensor | null)[] = [grads.dX, grads.dW, grads.dH0];
    if (bias !== null) out.push(grads.dBias);
    if (c0 !== null && lstm) out.push(grads.dC0);
    return out;
  });
}

interface Saved {
  cell: RecurrentCell; T: number; B: number; H: number; reverse: boolean;
  states: Tensor; cells: Tensor | null; gates: Tensor; extra: Tensor | null; mask: Tensor | null;
  stepAt: (t: number, first: boolean, forward?: boolean) => RecurrentStep;
}

interface ScanGrads { dX: Tensor; dW: Tensor | null; dH0: Tensor; dBias: Tensor | null; dC0: Tensor | null }

/** Backpropagation through time over the saved buffers. */
function scanBackward(s: Saved, g: Tensor, wantW: boolean, wantBias: boolean): ScanGrads {
  const { T, B, H, reverse, cell } = s;
  const GH = gateCount(cell) * H, dtype = g.dtype, backend = g.backend;
  const dX = empty([T, B, GH], dtype, backend);
  const dHh = cell === "gru" ? empty([T, B, GH], dtype, backend) : null;
  const dH = zeroed([B, H], dtype, backend);
  let dC: Tensor | null = null;
  if (cell === "lstm") {
    dC = empty([B, H], dtype, backend);
    backend.copy(row(g, T + 1, B, H), dC._view());
  }
  const dRecurrent = dHh ?? dX;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    backend.recurrentBackward?.(s.stepAt(t, k === T - 1), {
      dH: dH._view(), dOut: row(g, reverse ? t : t + 1, B, H), dC: dC === null ? null : dC._view(),
      dX: row(dX, t, B, GH), dHh: maybeRow(dHh, t, B, GH),
    });
  }
  // the row of h0 itself is not an output of the layer, but a caller may have read it
  const h0Row = row(g, reverse ? T : 0, B, H);
  backend.binary("add", dH._view(), h0Row, dH._ref.storage);
  let dW: Tensor | null = null;
  if (wantW) {
    // dW_hh = Σ_t dGates_tᵀ·h_{t-1}: one GEMM over all T·B rows
    dW = empty([GH, H], dtype, backend);
    const flatGrad: View = {
      storage: dRecurrent._ref.storage, shape: [GH, T * B], strides: [1, GH], offset: 0,
    };
    const prevStates: View = { storage: s.states._ref.storage, shape: [T * B, H], strides: [H, 1],
      offset: (reverse ? 1 : 0) * B * H };
    backend.matmul(flatGrad, prevStates, dW._ref.storage);
  }
  let dBias: Tensor | null = null;
  if (wantBias) {
    dBias = empty([GH], dtype, backend);
    const all: View = { storage: dRecurrent._ref.storage, shape: [T * B, GH], strides: [GH, 1], offset: 0 };
    backend.reduce("sum", all, [0], dBias._ref.storage);
  }
  dHh?.dispose();
  return { dX, dW, dH0: dH, dBias, dC0: dC };
}
