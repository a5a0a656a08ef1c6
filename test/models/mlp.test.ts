import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

function blobs(n: number, seed: number): { x: zd.Tensor; y: zd.Tensor } {
  const g = new zd.Generator(seed);
  const xs: number[][] = [], ys: number[] = [];
  const centres = [[-2, -2], [2, 2], [-2, 2]];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([centres[c][0] + g.normal() * 0.5, centres[c][1] + g.normal() * 0.5]);
    ys.push(c * 10 + 5); // labels need not be 0..k-1
  }
  return { x: zd.tensor(xs), y: zd.tensor(ys, { dtype: "int32" }) };
}

test("MLPClassifier learns separable blobs with arbitrary labels, adam and sgd", () => {
  const { x, y } = blobs(150, 1);
  for (const solver of ["adam", "sgd"] as const) {
    const clf = new zd.models.MLPClassifier({ hiddenLayerSizes: [16], solver, learningRateInit: 0.05,
      maxIter: 60, randomState: 0 });
    clf.fit(x, y);
    assert.deepEqual(clf.classes, [5, 15, 25]);
    assert.ok(clf.score(x, y) > 0.95, `${solver} accuracy ${clf.score(x, y)}`);
    const proba = clf.predictProba(x);
    assert.deepEqual(proba.shape, [150, 3]);
    const rowSums = proba.sum(1).dataSync();
    for (const s of rowSums) assert.ok(Math.abs(s - 1) < 1e-5);
    assert.ok(clf.lossCurve.length === clf.nIter && clf.lossCurve[clf.nIter - 1] < clf.lossCurve[0]);
    assert.deepEqual(clf.coefs.map((c) => c.shape), [[2, 16], [16, 3]]);
  }
});

test("MLPClassifier early stopping and adaptive learning rate run and stop", () => {
  const { x, y } = blobs(120, 2);
  const clf = new zd.models.MLPClassifier({ hiddenLayerSizes: [8], earlyStopping: true, maxIter: 200,
    randomState: 1, learningRateInit: 0.05, nIterNoChange: 3 }).fit(x, y);
  assert.ok(clf.validationScores.length === clf.nIter);
  assert.ok(clf.nIter < 200, "early stopping should end training before maxIter");
  const sgd = new zd.models.MLPClassifier({ solver: "sgd", learningRate: "adaptive", maxIter: 30,
    randomState: 0 }).fit(x, y);
  assert.ok(sgd.score(x, y) > 0.9);
});

test("MLPRegressor fits a smooth function", () => {
  const xs = zd.linspace(-2, 2, 200).reshape([-1, 1]);
  const ys = xs.mul(1.5).sin().reshape([-1]);
  const reg = new zd.models.MLPRegressor({ hiddenLayerSizes: [32], activation: "tanh", learningRateInit: 0.05,
    maxIter: 500, randomState: 0 }).fit(xs, ys);
  assert.ok(reg.score(xs, ys) > 0.9, `R2 ${reg.score(xs, ys)}`);
  assert.deepEqual(reg.predict(xs).shape, [200]);
});

test("MLP estimators validate their options and inputs", () => {
  assert.throws(() => new zd.models.MLPClassifier({ hiddenLayerSizes: [0] }),
    /MLPClassifier: hiddenLayerSizes/);
  assert.throws(() => new zd.models.MLPClassifier({ activation: "swish" as "relu" }), /activation must be/);
  assert.throws(() => new zd.models.MLPClassifier({ solver: "lbfgs" as "sgd" }), /lbfgs is not supported/);
  assert.throws(() => new zd.models.MLPClassifier({ learningRateInit: -1 }), /learningRateInit must be > 0/);
  const clf = new zd.models.MLPClassifier({ maxIter: 2 });
  assert.throws(() => clf.predict([[1, 2]]), /call fit\(\) before predicting/);
  assert.throws(() => clf.fit([[1, 2], [3, 4]], [1, 1]), /at least 2 classes/);
  assert.throws(() => clf.fit([[1, 2], [3, 4]], [0, 1, 1]), /2 samples but y has 3/);
  clf.fit([[1, 2], [3, 4]], [0, 1]);
  assert.throws(() => clf.predict([[1, 2, 3]]), /X has 3 features, but the model was fitted with 2/);
});
