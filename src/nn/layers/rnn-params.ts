/**
 * What the recurrent layers and cells share: their cell kinds, their weights (PyTorch's names,
 * shapes, gate order and initialization) and the checks of their inputs and states.
 */
import { zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { gateCount, type RecurrentCell } from "../../core/ops/recurrent.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";
import { uniform } from "../init.js";
import { Parameter } from "../parameter.js";

export type { RecurrentCell };
export { gateCount };

/** The nonlinearity of a plain RNN (PyTorch's `nonlinearity`). */
export type RNNNonlinearity = "tanh" | "relu";

/** The four weights of one cell (one layer and direction of a multi-layer network). */
export interface CellWeights {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
}

/**
 * New weights [G·hidden, input], [G·hidden, hidden] and biases [G·hidden], drawn as PyTorch's
 * `reset_parameters` draws every one of them: U(−1/√hidden, 1/√hidden).
 */
export function makeCellWeights(cell: RecurrentCell, inputSize: number, hiddenSize: number, bias: boolean,
  dtype: DType): CellWeights {
  const gates = gateCount(cell) * hiddenSize;
  const make = (shape: number[]): Parameter => {
    const p = new Parameter(zeros(shape, { dtype }));
    const bound = 1 / Math.sqrt(hiddenSize);
    uniform(p, -bound, bound);
    return p;
  };
  return {
    weightIh: make([gates, inputSize]), weightHh: make([gates, hiddenSize]),
    biasIh: bias ? make([gates]) : null, biasHh: bias ? make([gates]) : null,
  };
}

/**
 * The bias the fused step adds to h·W_hhᵀ, and the one to add to the input projection: an LSTM or
 * RNN adds both biases to the same pre-activations, so they go in together; a GRU's b_hn sits inside
 * the reset gate, so only b_hh goes there and b_ih joins the input projection.
 */
export function splitBiases(cell: RecurrentCell, w: CellWeights):
  { input: Tensor | null; recurrent: Tensor | null } {
  if (w.biasIh === null || w.biasHh === null) return { input: null, recurrent: null };
  if (cell === "gru") return { input: w.biasIh, recurrent: w.biasHh };
  return { input: null, recurrent: w.biasIh.add(w.biasHh) };
}

export function cellOf(mode: "tanh" | "relu"): RecurrentCell {
  return mode === "tanh" ? "rnnTanh" : "rnnRelu";
}

export function checkNonlinearity(layer: string, value: string): RNNNonlinearity {
  if (value !== "tanh" && value !== "relu") {
    throw new Error(`${layer}: nonlinearity must be "tanh" or "relu", got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws unless `t` is a tensor of exactly `shape`, naming the layer, the state and both shapes. */
export function checkState(layer: string, name: string, t: unknown, shape: readonly number[], what: string,
  dtype: DType): Tensor {
  if (!(t instanceof Tensor)) {
    throw new Error(`${layer}: ${name} must be a Tensor of shape ${formatShape(shape)}, got ` +
      `${t === null ? "null" : typeof t}`);
  }
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${layer}: ${name} must have shape ${formatShape(shape)} (${what}), ` +
      `got ${formatShape(t.shape)}`);
  }
  if (t.dtype !== dtype) throw new Error(`${layer}: ${name} is ${t.dtype}, the weights are ${dtype}`);
  return t;
}

/** Throws unless the last dimension of `x` is the layer's input size. */
export function checkFeatures(layer: string, x: Tensor, inputSize: number, layout: string): void {
  if (x.shape[x.ndim - 1] !== inputSize) {
    throw new Error(`${layer}: expected input ${layout} with feature size ${inputSize} (its last ` +
      `dimension), got shape ${formatShape(x.shape)}`);
  }
}

/** x·Wᵀ for x [..., F] as one GEMM over all leading positions, whatever x's layout. */
export function project(x: Tensor, weight: Tensor): Tensor {
  const lead = x.shape.slice(0, -1), features = x.shape[x.ndim - 1];
  const rows = lead.reduce((a, b) => a * b, 1);
  if (x.ndim === 3 && !x.isContiguous() && x.transpose(0, 1).isContiguous()) {
    // a batch-first input read time-major: project it in its own layout, then view it time-major
    const [t, b] = lead;
    return x.transpose(0, 1).reshape([rows, features]).matmul(weight.T).reshape([b, t, -1]).transpose(0, 1);
  }
  return x.reshape([rows, features]).matmul(weight.T).reshape([...lead, -1]);
}
