// RNNCell, GRUCell and LSTMCell against PyTorch; gradcheck of the recurrent scan and of the layers on
// the reference backend in float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { recurrentScan, type RecurrentCell } from "../../src/core/ops/recurrent.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture } from "../helpers/fixtures.js";
import { fromFixture } from "./loss-helpers.js";
import { TOL, loadState, onBackend, type Case } from "./rnn-helpers.js";
import { BACKENDS, onFloat64Backend } from "../helpers/on-backend.js";

function cellFor(c: Case): nn.RNNCell | nn.GRUCell | nn.LSTMCell {
  const [input, hidden, bias] = [c.inputSize as number, c.hiddenSize as number, c.bias as boolean];
  if (c.mode === "LSTM") return new nn.LSTMCell(input, hidden, { bias });
  if (c.mode === "GRU") return new nn.GRUCell(input, hidden, { bias });
  return new nn.RNNCell(input, hidden, { bias, nonlinearity: c.mode === "RNN_RELU" ? "relu" : "tanh" });
}

for (const backend of BACKENDS) {
  for (const [name, c] of Object.entries(loadFixture("rnn-cells"))) {
    test(`rnn-cells fixture ${name} (${backend}): new state and gradients`, () => onBackend(backend, () => {
      const cell = cellFor(c);
      loadState(cell as never, c);
      const x = fromFixture(getArray(c, "input"), true);
      const h0 = c.h0 ? fromFixture(getArray(c, "h0"), true) : null;
      const c0 = c.c0 ? fromFixture(getArray(c, "c0"), true) : null;
      let h: zd.Tensor, cc: zd.Tensor | null = null;
      if (cell instanceof nn.LSTMCell) [h, cc] = cell.forward(x, h0 === null ? null : [h0, c0 as zd.Tensor]);
      else h = cell.forward(x, h0);
      assertClose(h, getArray(c, "h"), { ...TOL, label: "h" });
      let loss = h.mul(fromFixture(getArray(c, "gradH"))).sum();
      if (cc !== null) {
        assertClose(cc, getArray(c, "c"), { ...TOL, label: "c" });
        loss = loss.add(cc.mul(fromFixture(getArray(c, "gradC"))).sum());
      }
      loss.backward();
      assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
      if (h0 !== null) assertClose(h0.grad!, getArray(c, "grad_h0"), { ...TOL, label: "grad_h0" });
      if (c0 !== null) assertClose(c0.grad!, getArray(c, "grad_c0"), { ...TOL, label: "grad_c0" });
      for (const [pname, p] of cell.namedParameters()) {
        assertClose(p.grad!, getArray(c, `grad_${pname}`), { ...TOL, label: `grad_${pname}` });
      }
    }));
  }
}

const f64 = (shape: number[], seed: number, scale = 1): zd.Tensor =>
  zd.randn(shape, { dtype: "float64", seed }).mul(scale).detach().requiresGrad_();

test("gradcheck: recurrentScan, every cell, both directions, with and without a mask (js, float64)", () => {
  onBackend("js", () => {
    const [T, B, H] = [4, 2, 3];
    const mask = zd.tensor([1, 1, 1, 1, 1, 0, 1, 0], { shape: [T, B], dtype: "float64" });
    for (const cell of ["lstm", "gru", "rnnTanh", "rnnRelu"] as RecurrentCell[]) {
      const G = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
      for (const [reverse, m] of [[false, null], [true, null], [false, mask], [true, mask]] as const) {
        const inputs = [f64([T, B, G * H], 1), f64([G * H, H], 2, 0.5), f64([G * H], 3), f64([B, H], 4)];
        if (cell === "lstm") inputs.push(f64([B, H], 5));
        const scan = (x: zd.Tensor, w: zd.Tensor, b: zd.Tensor, h0: zd.Tensor, c0?: zd.Tensor): zd.Tensor =>
          recurrentScan(cell, x, w, b, h0, c0 ?? null, { reverse, mask: m });
        zd.gradcheck(scan, inputs);
      }
    }
  });
});

test("gradcheck: 2-layer bidirectional GRU and LSTM with lengths, via the parameters (js, float64)", () => {
  onBackend("js", () => {
    for (const make of [
      () => new nn.GRU(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64" }),
      () => new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: "float64" }),
    ]) {
      zd.manualSeed(7);
      const layer = make();
      const x = f64(layer.batchFirst ? [2, 3, 2] : [3, 2, 2], 11);
      const params = layer.parameters().filter((_, i) => i % 3 === 0);
      zd.gradcheck((input) => (layer.forward(input, null, { lengths: [3, 2] }) as unknown as [zd.Tensor])[0],
        [x, ...params]);
    }
  });
});

test("gradcheck: the cells (js, float64)", () => {
  onBackend("js", () => {
    zd.manualSeed(3);
    const lstm = new nn.LSTMCell(3, 2, { dtype: "float64" });
    zd.gradcheck((x, h, c) => { const [h1, c1] = lstm.forward(x, [h, c]); return h1.add(c1.mul(2)); },
      [f64([2, 3], 1), f64([2, 2], 2), f64([2, 2], 3), lstm.weight_hh]);
    const gru = new nn.GRUCell(3, 2, { dtype: "float64" });
    zd.gradcheck((x, h) => gru.forward(x, h), [f64([2, 3], 4), f64([2, 2], 5), gru.bias_hh!, gru.weight_ih]);
  });
});

test("cells report bad inputs and states with the layer and the numbers", () => {
  const cell = new nn.LSTMCell(4, 3);
  assert.throws(() => cell.forward(zd.randn([2, 5])),
    /LSTMCell\(4 → 3\): expected input \[batch, features\] with feature size 4.*\[2,5\]/);
  assert.throws(() => cell.forward(zd.randn([2, 4]), [zd.zeros([2, 3]), zd.zeros([3, 3])]),
    /LSTMCell\(4 → 3\): c must have shape \[2,3\] \(batch, hiddenSize\), got \[3,3\]/);
  assert.throws(() => new nn.GRUCell(4, 3).forward(zd.randn([2, 4]), zd.zeros([2, 4])),
    /GRUCell\(4 → 3\): h must have shape \[2,3\]/);
  onFloat64Backend(() => assert.throws(
    () => new nn.RNNCell(4, 3).forward(zd.randn([2, 4], { dtype: "float64" })),
    /RNNCell\(4 → 3\): input is float64, the weights are float32/));
});
