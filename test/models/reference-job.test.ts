// The mission's reference job: digits standardized, 75/25 split, one hidden layer of 128 ReLU units,
// SGD with learning rate 0.01, up to 100 epochs. It must reach 0.96 test accuracy on 4 of 5 seeds.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

test("reference MLP reaches >= 0.96 test accuracy on at least 4 of 5 split seeds", () => {
  const { x, y } = zd.data.loadDigits();
  const scores: number[] = [];
  for (const seed of [0, 1, 2, 3, 4]) {
    const [xTrainRaw, xTestRaw, yTrain, yTest] = zd.data.trainTestSplit(x, y, { testSize: 0.25, seed });
    const scaler = new zd.data.StandardScaler().fit(xTrainRaw);
    const clf = new zd.models.MLPClassifier({
      hiddenLayerSizes: [128], activation: "relu", solver: "sgd", learningRateInit: 0.01, maxIter: 100,
      randomState: seed,
    }).fit(scaler.transform(xTrainRaw), yTrain);
    scores.push(clf.score(scaler.transform(xTestRaw), yTest));
  }
  const passing = scores.filter((s) => s >= 0.96).length;
  assert.ok(passing >= 4, `test accuracies per seed: ${scores.map((s) => s.toFixed(4)).join(", ")}`);
});
