// RNN, GRU and LSTM layers against PyTorch (tools/make-rnn-fixtures.py): outputs, final states and
// every gradient, on both backends; variable-length batches against PyTorch's packed sequences.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture } from "../helpers/fixtures.js";
import { fromFixture } from "./loss-helpers.js";
import { TOL, checkLayerCase, layerFor, loadState, onBackend, type Case } from "./rnn-helpers.js";
import { BACKENDS } from "../helpers/on-backend.js";

for (const backend of BACKENDS) {
  for (const [name, c] of Object.entries(loadFixture("rnn-layers"))) {
    test(`rnn fixture ${name} (${backend}): output, hN/cN, gradients of input, states and weights`, () => {
      onBackend(backend, () => checkLayerCase(c));
    });
  }
  for (const [name, c] of Object.entries(loadFixture("rnn-packed"))) {
    test(`rnn fixture ${name} (${backend}): lengths give PyTorch's packed-sequence results`, () => {
      onBackend(backend, () => checkLayerCase(c, c.lengths as number[]));
    });
  }
}

test("a mask gives the same results as lengths, and padding values do not matter", () => {
  const c = loadFixture("rnn-packed").lstm_packed as Case;
  const lengths = c.lengths as number[];
  const layer = layerFor(c) as nn.LSTM;
  loadState(layer as never, c);
  const x = fromFixture(getArray(c, "input"));
  const [B, T] = x.shape;
  const maskValues = Array.from({ length: B * T }, (_, i) => (i % T < lengths[Math.floor(i / T)] ? 1 : 0));
  const mask = zd.tensor(maskValues, { shape: [B, T] });
  // different junk in the padded steps
  const padding = mask.neg().add(1).unsqueeze(2);
  const junk = x.mul(mask.unsqueeze(2)).add(zd.randn(x.shape, { seed: 3 }).mul(padding));
  const [out, [h, cc]] = layer.forward(junk, null, { mask });
  const [ref, [hRef, cRef]] = layer.forward(x, null, { lengths });
  assertClose(out, ref, { ...TOL, label: "output" });
  assertClose(h, hRef, { ...TOL, label: "hN" });
  assertClose(cc, cRef, { ...TOL, label: "cN" });
  assert.equal(out.select(0, 1).slice(0, lengths[1]).abs().sum().item(), 0, "padded outputs are zero");
});

test("state dicts carry PyTorch's parameter names and shapes", () => {
  const lstm = new nn.LSTM(4, 3, { numLayers: 2, bidirectional: true });
  const names = lstm.namedParameters().map(([n, p]) => `${n}:${p.shape.join("x")}`);
  assert.deepEqual(names.slice(0, 8), [
    "weight_ih_l0:12x4", "weight_hh_l0:12x3", "bias_ih_l0:12", "bias_hh_l0:12",
    "weight_ih_l0_reverse:12x4", "weight_hh_l0_reverse:12x3",
    "bias_ih_l0_reverse:12", "bias_hh_l0_reverse:12",
  ]);
  assert.equal(names[8], "weight_ih_l1:12x6");
  assert.equal(new nn.GRU(5, 2, { bias: false }).namedParameters().length, 2);
  assert.equal(String(new nn.GRU(5, 2, { batchFirst: true })), "GRU(5, 2, batch_first=True)");
});

test("zd.save / zd.load rebuild recurrent layers, cells and embeddings", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "zendl-rnn-"));
  const x = zd.randn([3, 2, 4], { seed: 1 });
  for (const model of [new nn.LSTM(4, 3, { numLayers: 2, dropout: 0.1 }),
    new nn.GRU(4, 3, { bidirectional: true }),
    new nn.RNN(4, 3, { nonlinearity: "relu", batchFirst: true })]) {
    const path = join(dir, `${model.constructor.name}.safetensors`);
    await zd.save(model, path);
    const loaded = await zd.load<typeof model>(path);
    assert.equal(String(loaded), String(model));
    model.eval(); loaded.eval();
    const first = (m: typeof model): zd.Tensor => (m.forward(x) as unknown as [zd.Tensor])[0];
    assertClose(first(loaded), first(model), { label: "output" });
  }
  const cell = new nn.LSTMCell(4, 3, { bias: false });
  await zd.save(cell, join(dir, "cell.safetensors"));
  const cellBack = await zd.load<nn.LSTMCell>(join(dir, "cell.safetensors"));
  assertClose(cellBack.forward(x.select(0, 0))[1], cell.forward(x.select(0, 0))[1], { label: "cell" });
  const emb = new nn.Embedding(10, 3, { paddingIdx: 2 });
  await zd.save(emb, join(dir, "emb.safetensors"));
  assert.equal(String(await zd.load(join(dir, "emb.safetensors"))), String(emb));
});

test("dropout between layers acts only while training", () => {
  zd.manualSeed(0);
  const lstm = new nn.LSTM(4, 8, { numLayers: 2, dropout: 0.5 });
  const x = zd.randn([6, 2, 4], { seed: 2 });
  const a = lstm.forward(x)[0], b = lstm.forward(x)[0];
  assert.ok(a.sub(b).abs().max().item() > 1e-4, "two training passes differ");
  lstm.eval();
  assertClose(lstm.forward(x)[0], lstm.forward(x)[0], { label: "eval is deterministic" });
});

test("bad inputs name the layer and the numbers", () => {
  const lstm = new nn.LSTM(10, 20, { numLayers: 2 });
  assert.throws(() => lstm.forward(zd.randn([5, 3, 7])),
    /LSTM\(10 → 20\): expected input \[time, batch, features\] with feature size 10 .*got shape \[5,3,7\]/);
  assert.throws(() => lstm.forward(zd.randn([5, 3, 10]), [zd.zeros([1, 3, 20]), zd.zeros([2, 3, 20])]),
    /LSTM\(10 → 20\): h0 must have shape \[2,3,20\] \(numLayers·directions, batch, hiddenSize\), got \[1/);
  assert.throws(() => lstm.forward(zd.randn([5, 3, 10]), [zd.zeros([2, 3, 20]), zd.zeros([2, 4, 20])]),
    /c0 must have shape \[2,3,20\].*got \[2,4,20\]/);
  assert.throws(() => lstm.forward(zd.randn([5, 3, 10]), null, { lengths: [5, 6, 1] }),
    /LSTM\(10 → 20\): lengths must hold 3 integers in \[0, 5\].*got \[5, 6, 1\]/);
  assert.throws(() => new nn.GRU(4, 3, { batchFirst: true }).forward(zd.randn([2, 5, 4]), null,
    { mask: zd.ones([5, 2]) }), /GRU\(4 → 3\): mask must have shape \[2,5\], got \[5,2\]/);
  assert.throws(() => new nn.RNN(4, 3).forward(zd.randn([4])), /RNN\(4 → 3\): expected input/);
  assert.throws(() => new nn.RNN(4, 3, { nonlinearity: "sigmoid" as "tanh" }),
    /nonlinearity must be "tanh" or "relu"/);
  assert.throws(() => new nn.LSTM(4, 0), /LSTM: hiddenSize must be a positive integer, got 0/);
  assert.throws(() => new nn.LSTM(4, 3, { dropout: 2 }), /LSTM: dropout must be a probability/);
});

test("forwardTokens gives forward's outputs and gradients, projecting the embedding rows once", () => {
  zd.manualSeed(4);
  for (const make of [() => new nn.LSTM(5, 3, { numLayers: 2, bidirectional: true }),
    () => new nn.GRU(5, 3, { batchFirst: true }),
    () => new nn.RNN(5, 3, { bidirectional: true, batchFirst: true })]) {
    const layer = make();
    const weight = zd.randn([7, 5], { seed: 5 }).requiresGrad_();
    const ids = zd.tensor([[0, 6, 2], [3, 3, 1], [5, 0, 4], [1, 2, 6]], { dtype: "int32" });
    const [a] = layer.forwardTokens(ids, weight) as [zd.Tensor, unknown];
    const embedded = weight.indexSelect(0, ids.reshape([-1])).reshape([4, 3, 5]);
    const [b] = layer.forward(embedded) as [zd.Tensor, unknown];
    assertClose(a, b, { rtol: 1e-5, atol: 1e-6, label: "output" });
    a.square().sum().backward();
    const gradA = weight.grad!.clone(), wA = layer.parameters()[0].grad!.clone();
    weight.grad = null; layer.zeroGrad();
    b.square().sum().backward();
    assertClose(gradA, weight.grad!, { rtol: 1e-4, atol: 1e-6, label: "embedding gradient" });
    assertClose(wA, layer.parameters()[0].grad!, { rtol: 1e-4, atol: 1e-6, label: "weight_ih_l0 gradient" });
  }
  assert.throws(() => new nn.LSTM(5, 3).forwardTokens(zd.tensor([[1.5]]), zd.randn([7, 5])),
    /LSTM\(5 → 3\): expected int32 token ids \[time, batch\], got float32 \[1,1\]/);
  assert.throws(() => new nn.LSTM(5, 3).forwardTokens(zd.tensor([[1]], { dtype: "int32" }), zd.randn([7, 4])),
    /the embedding matrix must be float32 \[vocabulary, 5\], got float32 \[7,4\]/);
});

test("wasm matches the reference backend where steps are split across threads (batch 32, hidden 160)", () => {
  type Weights = Array<[string, Float32Array, number[]]>;
  const run = (backend: string, make: () => nn.LSTM | nn.GRU | nn.RNN, weights: Weights | null) =>
    onBackend(backend, () => {
      zd.manualSeed(9);
      const layer = make();
      if (weights) {
        layer.loadStateDict(new Map(weights.map(([k, data, shape]) => [k, zd.tensor(data, { shape })])));
      }
      const x = zd.randn([6, 32, 16], { seed: 10 }).requiresGrad_();
      const lengths = Array.from({ length: 32 }, (_, i) => 1 + (i % 6));
      const [out] = layer.forward(x, null, { lengths }) as unknown as [zd.Tensor];
      out.mul(zd.randn(out.shape, { seed: 11 })).sum().backward();
      const state: Weights = [...layer.stateDict()]
        .map(([k, t]) => [k, t.dataSync() as Float32Array, [...t.shape]]);
      const w = layer.parameters()[1].grad!.dataSync();
      return { state, out: out.dataSync(), grad: x.grad!.dataSync(), w };
    });
  for (const make of [() => new nn.LSTM(16, 160), () => new nn.GRU(16, 160, { bidirectional: true }),
    () => new nn.RNN(16, 160, { nonlinearity: "relu" })]) {
    const ref = run("js", make, null);
    const fast = run("wasm", make, ref.state);
    assertClose(fast.out, ref.out, { rtol: 1e-4, atol: 1e-5, label: "output" });
    assertClose(fast.grad, ref.grad, { rtol: 1e-3, atol: 1e-4, label: "input gradient" });
    assertClose(fast.w, ref.w, { rtol: 1e-3, atol: 1e-4, label: "weight_hh gradient" });
  }
});
