import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";

const { DBNClassifier } = zd.models;

function digitsSplit(): [zd.Tensor, zd.Tensor, zd.Tensor, zd.Tensor] {
  const { x, y } = zd.data.loadDigits();
  const parts = zd.data.trainTestSplit(x.div(16), y, { testSize: 0.25, seed: 0 });
  return parts as [zd.Tensor, zd.Tensor, zd.Tensor, zd.Tensor];
}

test("DBN unrolls its RBMs into Linear/Sigmoid layers with their weights and hidden biases", () => {
  const [xTrain, , yTrain] = digitsSplit();
  // A learning rate far too small to move the weights shows the network exactly as unrolled.
  const dbn = new DBNClassifier({ hiddenLayerSizes: [20, 10], pretraining: { nIter: 1 }, epochs: 1,
    learningRate: 1e-12, randomState: 0 }).fit(xTrain.slice(0, 0, 200), yTrain.slice(0, 0, 200));
  const layers = [...dbn.model!.children()];
  assert.deepEqual(layers.map((m) => m.constructor.name),
    ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]);
  assert.equal(dbn.rbms.length, 2);
  for (const [i, rbm] of dbn.rbms.entries()) {
    const linear = layers[2 * i] as zd.nn.Linear;
    assertClose(linear.weight, rbm.weight!, { atol: 1e-6 });
    assertClose(linear.bias!, rbm.hiddenBias!, { atol: 1e-6 });
  }
  // The second RBM was trained on the first one's hidden probabilities: 20 visible units.
  assert.deepEqual(dbn.rbms[1].weight!.shape, [10, 20]);
  assert.deepEqual((layers[4] as zd.nn.Linear).weight.shape, [10, 10]);
});

test("DBN learns digits in a short run, with and without pre-training; zd.save/zd.load keep it", async () => {
  const [xTrain, xTest, yTrain, yTest] = digitsSplit();
  const options = { hiddenLayerSizes: [64], pretraining: { nIter: 3, learningRate: 0.1 }, epochs: 8,
    randomState: 0 };
  const dbn = new DBNClassifier(options).fit(xTrain, yTrain);
  assert.equal(dbn.pretrainHistory.length, 1);
  assert.equal(dbn.pretrainHistory[0].length, 3);
  assert.ok(dbn.pretrainHistory[0][2].reconstructionError < dbn.pretrainHistory[0][0].reconstructionError);
  assert.equal(dbn.lossCurve.length, 8);
  assert.ok(dbn.lossCurve[7] < dbn.lossCurve[0] / 3, `loss ${dbn.lossCurve[0]} -> ${dbn.lossCurve[7]}`);
  const accuracy = dbn.score(xTest, yTest);
  assert.ok(accuracy > 0.9, `test accuracy ${accuracy}`);
  const proba = dbn.predictProba(xTest.slice(0, 0, 5));
  assertClose(proba.sum(1), [1, 1, 1, 1, 1], { atol: 1e-5 });

  const plain = new DBNClassifier({ ...options, pretrain: false }).fit(xTrain, yTrain);
  assert.equal(plain.rbms.length, 0);
  assert.ok(plain.score(xTest, yTest) > 0.85);

  const path = join(mkdtempSync(join(tmpdir(), "zendl-dbn-")), "dbn.safetensors");
  await zd.save(dbn.model!, path);
  const loaded = await zd.load(path);
  assert.deepEqual(zd.predict(loaded, xTest).argmax(1).toArray(), dbn.predict(xTest).toArray());
});

test("DBN validates its options and inputs", () => {
  assert.throws(() => new DBNClassifier({ hiddenLayerSizes: [] }),
    /DBNClassifier: hiddenLayerSizes must be a non-empty list of positive integers, got \[\]/);
  assert.throws(() => new DBNClassifier({ epochs: 0 }),
    /DBNClassifier: epochs must be a positive integer, got 0/);
  assert.throws(() => new DBNClassifier({ pretraining: { k: 0 } }),
    /DBNClassifier: pretraining.k must be a positive integer/);
  assert.throws(() => new DBNClassifier({ pretraining: { optimizer: "rmsprop" as "sgd" } }),
    /DBNClassifier: pretraining.optimizer must be "sgd" or "adam", got "rmsprop"/);
  assert.throws(() => new DBNClassifier({ optimizer: "lbfgs" as "sgd" }),
    /optimizer must be "sgd" or "adam"/);
  const dbn = new DBNClassifier({ hiddenLayerSizes: [4], pretraining: { nIter: 1 }, epochs: 1 });
  assert.throws(() => dbn.fit([[0, 16], [1, 0]], [0, 1]),
    /DBNClassifier: X must hold values in \[0, 1\].*got min 0 and max 16/);
  assert.throws(() => dbn.fit([[0, 1], [1, 0]], [2, 2]),
    /DBNClassifier: y must hold at least 2 classes, got 1/);
  assert.throws(() => dbn.predict([[0, 1]]), /DBNClassifier: call fit\(\) before predicting/);
  dbn.fit([[0, 1], [1, 0]], [0, 1]);
  assert.throws(() => dbn.predict([[0, 1, 1]]),
    /DBNClassifier: X has 3 features, but the model was fitted with 2/);
});
