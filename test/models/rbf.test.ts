import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { ridgeFit } from "../../src/models/ridge.js";
import { rbfWidths } from "../../src/models/rbf-layer.js";
import { assertClose } from "../helpers/allclose.js";

const { KMeans, RBFClassifier, RBFRegressor, RBFLayer } = zd.models;

test("KMeans with k-means++ finds three well-separated clusters, reproducibly for a seed", () => {
  const g = new zd.Generator(0);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const x = zd.tensor(Array.from({ length: 150 }, (_, i) => centres[i % 3].map((c) => c + g.normal() * 0.3)));
  const km = new KMeans({ nClusters: 3, randomState: 1 }).fit(x);
  const found = (km.clusterCenters!.toArray() as number[][])
    .sort((a, b) => a[0] + 2 * a[1] - b[0] - 2 * b[1]);
  assertClose(zd.tensor(found), zd.tensor([[0, 0], [10, 0], [0, 10]]), { atol: 0.15 });
  // Samples i, i+3, ... come from the same centre, so they share a label.
  for (let i = 0; i < 150; i++) assert.equal(km.labels[i], km.labels[i % 3]);
  assert.ok(km.inertia < 150 * 2 * 0.3 ** 2 * 1.5, `inertia ${km.inertia}`);
  const again = new KMeans({ nClusters: 3, randomState: 1 }).fit(x);
  assert.deepEqual(again.clusterCenters!.toArray(), km.clusterCenters!.toArray());
  assert.deepEqual(km.predict([[9.8, 0.1]]).toArray(), [km.labels[1]]);
  assert.throws(() => new KMeans({ nClusters: 5 }).fit([[0, 0], [1, 1]]),
    /KMeans: nClusters is 5 but X has only 2/);
});

test("ridgeFit solves least squares exactly when alpha is 0, and refuses a singular system", () => {
  // y0 = 2·a − b + 3 and y1 = a + b − 1 on five points: recovered to rounding.
  const points = [[0, 1], [1, 0], [2, 3], [-1, 2], [4, -2]];
  const phi = zd.tensor(points);
  const target = zd.tensor(points.map(([a, b]) => [2 * a - b + 3, a + b - 1]));
  const { weight, bias } = ridgeFit("test", phi, target, 0);
  assertClose(weight, [2, -1, 1, 1], { atol: 1e-9 });
  assertClose(bias, [3, -1], { atol: 1e-9 });
  // A penalty shrinks the weights towards zero (the bias is free).
  const shrunk = ridgeFit("test", phi, target, 100);
  assert.ok(Math.abs(shrunk.weight[0]) < 2);
  const collinear = zd.tensor([[1, 1], [2, 2], [3, 3]]);
  assert.throws(() => ridgeFit("RBFClassifier", collinear, zd.tensor([[1], [2], [3]]), 0),
    /RBFClassifier: the least-squares system is singular .* use alpha > 0/);
});

test("rbfActivations: Gaussian values and finite-difference gradients in float64", () => {
  const previous = zd.getBackend();
  zd.setBackend("js");
  try {
    const x = zd.tensor([[0, 0], [1, 2]], { dtype: "float64", requiresGrad: true });
    const c = zd.tensor([[0, 1], [1, 1], [-1, 0]], { dtype: "float64", requiresGrad: true });
    const w = zd.tensor([0.8, 1.5, 2], { dtype: "float64", requiresGrad: true });
    const phi = zd.models.rbfActivations(x, c, w);
    const expected = [[0, 0], [1, 2]].map((p) => [[0, 1], [1, 1], [-1, 0]].map((q, j) =>
      Math.exp(-((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) / (2 * [0.8, 1.5, 2][j] ** 2))));
    assertClose(phi, zd.tensor(expected, { dtype: "float64" }), { atol: 1e-12 });
    assert.ok(zd.gradcheck((a, b, s) => zd.models.rbfActivations(a, b, s), [x, c, w]));
  } finally {
    zd.setBackend(previous);
  }
});

test("width heuristics: nearest-neighbour and max-distance rules by hand", () => {
  const centers = zd.tensor([[0, 0], [3, 0], [0, 4]]);
  // Distances: 0-1 = 3, 0-2 = 4, 1-2 = 5.
  assertClose(rbfWidths(centers, "nearest", { neighbors: 1, scale: 1 }), [3, 3, 4]);
  assertClose(rbfWidths(centers, "nearest", { neighbors: 2, scale: 2 }),
    [2 * Math.sqrt(12.5), 2 * Math.sqrt(17), 2 * Math.sqrt(20.5)], { rtol: 1e-6 });
  assertClose(rbfWidths(centers, "max-distance", { neighbors: 2, scale: 1 }), Array(3).fill(5 / Math.sqrt(6)),
    { rtol: 1e-6 });
});

test("RBFRegressor fits sin on [-pi, pi] with a small error; gradient epochs lower the error", () => {
  const x = zd.linspace(-Math.PI, Math.PI, 200).reshape([-1, 1]);
  const y = x.sin().reshape([-1]);
  const reg = new RBFRegressor({ nCenters: 10, randomState: 0 }).fit(x, y);
  const xTest = zd.linspace(-3, 3, 77).reshape([-1, 1]);
  const mse = zd.nn.functional.mseLoss(reg.predict(xTest), xTest.sin().reshape([-1])).item();
  assert.ok(mse < 1e-3, `sin test MSE ${mse}`);
  assert.ok(reg.score(x, y) > 0.99);
  assert.deepEqual(reg.predict(x).shape, [200]);

  const coarse = new RBFRegressor({ nCenters: 4, randomState: 0, gradientEpochs: 30, learningRate: 0.01,
    batchSize: 20 }).fit(x, y);
  assert.equal(coarse.lossCurve.length, 31);
  const [first, last] = [coarse.lossCurve[0], coarse.lossCurve.at(-1)!];
  assert.ok(last < 0.8 * first, `MSE ${first} -> ${last}`);
});

test("RBFClassifier reaches 0.95 test accuracy on digits, and zd.save/zd.load keep its network", async () => {
  const { x, y } = zd.data.loadDigits();
  const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(x.div(16), y, { testSize: 0.25, seed: 0 });
  const clf = new RBFClassifier({ nCenters: 100, randomState: 0 }).fit(xTrain, yTrain);
  const accuracy = clf.score(xTest, yTest);
  assert.ok(accuracy >= 0.95, `digits test accuracy ${accuracy}`);
  assert.deepEqual(clf.transform(xTest).shape, [450, 100]);
  const path = join(mkdtempSync(join(tmpdir(), "zendl-rbf-")), "rbf.safetensors");
  await zd.save(clf.model!, path);
  const loaded = await zd.load(path);
  assert.ok((loaded as zd.nn.Sequential).at(0) instanceof RBFLayer);
  assertClose(zd.predict(loaded, xTest), clf.decisionFunction(xTest), { atol: 1e-6 });
});

test("RBF networks validate their options and inputs", () => {
  assert.throws(() => new RBFClassifier({ nCenters: 0 }),
    /RBFClassifier: nCenters must be a positive integer, got 0/);
  assert.throws(() => new RBFClassifier({ widthHeuristic: "wide" as "nearest" }),
    /widthHeuristic must be "nearest"/);
  assert.throws(() => new RBFRegressor({ alpha: -1 }),
    /RBFRegressor: alpha must be a non-negative number, got -1/);
  assert.throws(() => new RBFRegressor({ gradientEpochs: -2 }),
    /gradientEpochs must be a non-negative integer, got -2/);
  assert.throws(() => new RBFClassifier({ nCenters: 5 }).fit([[0], [1], [2]], [0, 1, 0]),
    /RBFClassifier: nCenters is 5 but X has only 3 samples/);
  assert.throws(() => new RBFClassifier({ nCenters: 2 }).fit([[0], [1], [2]], [1, 1, 1]),
    /at least 2 classes, got 1/);
  assert.throws(() => new RBFRegressor({ nCenters: 2 }).fit([[0], [1], [2]], [1, 2]),
    /RBFRegressor: X has 3 samples, so y must be \[3\] or \[3, outputs\], got \[2\]/);
  assert.throws(() => new RBFRegressor({ nCenters: 2 }).fit([[0], [1], [2]], [1, NaN, 2]),
    /y holds NaN at row 1/);
  assert.throws(() => new RBFRegressor().predict([[1]]), /RBFRegressor: call fit\(\) before predicting/);
  const reg = new RBFRegressor({ nCenters: 2, randomState: 0 }).fit([[0], [1], [2]], [1, 2, 3]);
  assert.throws(() => reg.predict([[1, 2]]),
    /RBFRegressor: X has 2 features, but the model was fitted with 1/);
  assert.throws(() => new RBFLayer(2, 3).forward(zd.zeros([4, 5])),
    /RBFLayer\(2 → 3\): expected input \[samples, 2\], got \[4,5\]/);
});
