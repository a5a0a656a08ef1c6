// Shared by the recurrent-layer tests: building zendl layers from the PyTorch fixtures
// (tools/make-rnn-fixtures.py) and checking their outputs and gradients.
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, type FixtureValue } from "../helpers/fixtures.js";
import { fromFixture } from "./loss-helpers.js";

export type Case = Record<string, FixtureValue>;
export const TOL = { rtol: 2e-4, atol: 2e-5 };

type Layer = nn.RNN | nn.GRU | nn.LSTM;

export { onBackend } from "../helpers/on-backend.js";

export function layerFor(c: Case): Layer {
  const options = {
    numLayers: c.numLayers as number, bias: c.bias as boolean, batchFirst: c.batchFirst as boolean,
    bidirectional: c.bidirectional as boolean,
  };
  const [input, hidden] = [c.inputSize as number, c.hiddenSize as number];
  switch (c.mode) {
    case "LSTM": return new nn.LSTM(input, hidden, options);
    case "GRU": return new nn.GRU(input, hidden, options);
    default:
      return new nn.RNN(input, hidden, { ...options, nonlinearity: c.mode === "RNN_RELU" ? "relu" : "tanh" });
  }
}

export function loadState(module: nn.Module<never[], unknown>, c: Case): void {
  const state: Record<string, zd.Tensor> = {};
  for (const [name, value] of Object.entries(c.state as Record<string, FixtureValue>)) {
    state[name] = fromFixture(value as never);
  }
  module.loadStateDict(state);
}

/** Runs a layer fixture: forward outputs, final states, and every gradient. */
export function checkLayerCase(c: Case, lengths?: number[]): void {
  const layer = layerFor(c);
  loadState(layer as never, c);
  const x = fromFixture(getArray(c, "input"), true);
  const h0 = c.h0 ? fromFixture(getArray(c, "h0"), true) : null;
  const c0 = c.c0 ? fromFixture(getArray(c, "c0"), true) : null;
  const seq = lengths ? { lengths } : {};
  let output: zd.Tensor, hN: zd.Tensor, cN: zd.Tensor | null = null;
  if (layer instanceof nn.LSTM) {
    [output, [hN, cN]] = layer.forward(x, h0 === null ? null : [h0, c0 as zd.Tensor], seq);
  } else {
    [output, hN] = layer.forward(x, h0, seq);
  }
  assertClose(output, getArray(c, "output"), { ...TOL, label: "output" });
  assertClose(hN, getArray(c, "hN"), { ...TOL, label: "hN" });
  let loss = output.mul(fromFixture(getArray(c, "gradOutput"))).sum()
    .add(hN.mul(fromFixture(getArray(c, "gradHN"))).sum());
  if (cN !== null) {
    assertClose(cN, getArray(c, "cN"), { ...TOL, label: "cN" });
    loss = loss.add(cN.mul(fromFixture(getArray(c, "gradCN"))).sum());
  }
  loss.backward();
  assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
  if (h0 !== null) assertClose(h0.grad!, getArray(c, "grad_h0"), { ...TOL, label: "grad_h0" });
  if (c0 !== null) assertClose(c0.grad!, getArray(c, "grad_c0"), { ...TOL, label: "grad_c0" });
  for (const [name, p] of layer.namedParameters()) {
    assertClose(p.grad!, getArray(c, `grad_${name}`), { ...TOL, label: `grad_${name}` });
  }
}
