import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../../src/node/index.js";
import { FAMILY_CASES } from "../export-cases.js";
import { checkExport } from "./check-export.js";
import { assertNear, runOnnx } from "./run-onnx.js";

const { models } = zd;

// A small slice of the digits, scaled to [0, 1], for the estimators that must be fitted first.
const digits = zd.data.loadDigits();
const x = digits.x.slice(0, 0, 300).div(16), y = digits.y.slice(0, 0, 300);

test("estimators export their networks (fitted on a slice of the digits)", async () => {
  const fitted: Array<[string, () => { model: zd.nn.AnyModule | null } | { toModule(): zd.nn.AnyModule }]> = [
    ["MLPClassifier",
      () => new models.MLPClassifier({ hiddenLayerSizes: [16], maxIter: 2, randomState: 0 }).fit(x, y)],
    ["MLPRegressor", () => new models.MLPRegressor({ hiddenLayerSizes: [8], maxIter: 2, randomState: 0 })
      .fit(x, zd.cast(y, "float32").reshape([-1, 1]))],
    ["Perceptron", () => new models.Perceptron({ maxIter: 2, randomState: 0 }).fit(x, y)],
    ["RBFClassifier", () => new models.RBFClassifier({ nCenters: 12, randomState: 0 }).fit(x, y)],
    ["DBNClassifier", () => new models.DBNClassifier({ hiddenLayerSizes: [16], epochs: 1,
      pretraining: { nIter: 1 }, randomState: 0 }).fit(x, y)],
  ];
  for (const [label, fit] of fitted) {
    const estimator = fit();
    const network = "toModule" in estimator ? estimator.toModule() : estimator.model!;
    // The estimator itself is accepted and gives the same file as its network.
    assert.deepEqual(zd.exportOnnx(estimator), zd.exportOnnx(network), label);
    await checkExport({ label, model: () => network, inputShape: [64] });
  }
  const rbm = new models.BernoulliRBM({ nComponents: 10, nIter: 1, randomState: 0 }).fit(x);
  await checkExport({ label: "BernoulliRBM", model: () => rbm, inputShape: [64] });
});

test("every CLI model family's network, as the CLI builds it", async () => {
  for (const c of FAMILY_CASES) await checkExport(c);
});

test("autoencoders and GANs need no inputShape; encoder and decoder export alone", async () => {
  for (const c of FAMILY_CASES.filter((f) => /autoencoder|GAN/.test(f.label))) {
    const model = c.model();
    assert.deepEqual(zd.exportOnnx(model), zd.exportOnnx(model, { inputShape: c.inputShape }), c.label);
  }
  const ae = new models.Autoencoder({ inputShape: [1, 8, 8], variant: "conv" });
  await checkExport({ label: "encoder alone", model: () => ae.encoder, inputShape: [1, 8, 8] });
  await checkExport({ label: "decoder alone", model: () => ae.decoder, inputShape: [16] });
});

test("char-LSTM: ids and the carried state in, logits and the new state out, any length", async () => {
  zd.manualSeed(3);
  const model = new models.CharLSTM({ vocabSize: 20, embeddingDim: 6, hiddenSize: 10, numLayers: 2 });
  const bytes = zd.exportOnnx(model, { inputShape: [5] });
  model.eval();
  for (const [batch, time] of [[1, 1], [7, 9]]) {
    const ids = zd.randint(0, 20, [batch, time], { seed: time, dtype: "int32" });
    const h0 = zd.randn([2, batch, 10], { seed: 1 }), c0 = zd.randn([2, batch, 10], { seed: 2 });
    const [logits, [h, c]] = zd.noGrad(() => model.forward(ids, [h0, c0]));
    const got = await runOnnx(bytes, { ids, h0, c0 });
    assertNear(`logits ${batch}x${time}`, got.logits, logits);
    assertNear(`h_n ${batch}x${time}`, got.h_n, h);
    assertNear(`c_n ${batch}x${time}`, got.c_n, c);
  }
});

test("saveOnnx writes exportOnnx's bytes", async () => {
  const model = new zd.nn.Sequential(new zd.nn.Linear(3, 2), new zd.nn.Tanh());
  const path = join(mkdtempSync(join(tmpdir(), "zendl-onnx-")), "m.onnx");
  await zd.saveOnnx(model, path, { opset: 18 });
  assert.deepEqual(new Uint8Array(readFileSync(path)), zd.exportOnnx(model, { opset: 18 }));
  const x = zd.randn([2, 3]);
  const got = (await runOnnx(readFileSync(path), { input: x })).output;
  assertNear("opset 18", got, zd.noGrad(() => model.forward(x)));
});

test("a fixed batch size is written into the file when dynamicBatch is false", async () => {
  const model = new zd.nn.Linear(3, 2);
  const bytes = zd.exportOnnx(model, { dynamicBatch: false, batchSize: 4 });
  const x = zd.randn([4, 3]);
  assertNear("fixed batch", (await runOnnx(bytes, { input: x })).output, zd.noGrad(() => model.forward(x)));
  await assert.rejects(runOnnx(bytes, { input: zd.randn([5, 3]) }), /dimension|Got: 5/i);
});

test("what cannot be exported fails naming the layer and the reason", () => {
  class Custom extends zd.nn.Module { forward(t: zd.Tensor) { return t.mul(2); } }
  const cases: Array<[zd.nn.AnyModule, number[], RegExp]> = [
    [new zd.nn.Sequential(new zd.nn.Linear(2, 2), new Custom()), [2],
      /cannot export Custom at "1": no ONNX converter is known for this module class/],
    [new zd.nn.Sequential(new zd.nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: "circular" })), [1, 5, 5],
      /cannot export Conv2d at "0": paddingMode "circular" needs .* opset 19/],
    [new zd.nn.BatchNorm1d(3, { trackRunningStats: false }), [3],
      /cannot export BatchNorm1d: it has no running statistics/],
    [new zd.nn.Embedding(5, 2, { maxNorm: 1 }), [3], /cannot export Embedding: maxNorm rescales/],
  ];
  for (const [model, inputShape, message] of cases) {
    assert.throws(() => zd.exportOnnx(model, { inputShape }), message);
  }
  const linear = new zd.nn.Linear(2, 2);
  assert.throws(() => zd.exportOnnx(new zd.nn.Sequential(new zd.nn.ReLU())), /pass inputShape/);
  assert.throws(() => zd.exportOnnx(linear, { opset: 9 }), /opset must be one of 17, 18, 19, 20, got 9/);
  assert.throws(() => zd.exportOnnx(linear, { inputShape: [0] }), /inputShape must be an array of positive/);
  assert.throws(() => zd.exportOnnx(new models.MLPClassifier()),
    /MLPClassifier has no network yet; call fit\(\) first/);
});

test("registerOnnxConverter teaches the exporter a module class of one's own", async () => {
  class Scaled extends zd.nn.Module {
    constructor(readonly factor: number) { super(); }
    forward(t: zd.Tensor) { return t.mul(this.factor); }
  }
  zd.registerOnnxConverter(Scaled, (ctx, m, [v]) => [{
    name: ctx.graph.op("Mul", [v.name, ctx.graph.floats("factor", [m.factor], [])]),
    sample: m.forward(v.sample),
  }]);
  await checkExport({ label: "Scaled", inputShape: [3],
    model: () => new zd.nn.Sequential(new zd.nn.Linear(3, 2), new Scaled(-3)) });
});

test("a float64 model exports (the file computes in float32)", async () => {
  const model = new zd.nn.LSTM(3, 4, { dtype: "float64", batchFirst: true }).eval();
  const bytes = zd.exportOnnx(model, { inputShape: [5, 3] });
  const x = zd.randn([2, 5, 3], { seed: 4, dtype: "float64" });
  const [output] = zd.noGrad(() => model.forward(x));
  assertNear("float64 LSTM", (await runOnnx(bytes, { input: x })).output, output);
});
