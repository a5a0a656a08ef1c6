import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";

const { Perceptron } = zd.models;

/** Two clouds on either side of the line x0 + x1 = 0, with a margin of at least 0.5. */
function separable(n: number, seed: number): { x: number[][]; y: number[] } {
  const g = new zd.Generator(seed);
  const x: number[][] = [], y: number[] = [];
  while (x.length < n) {
    const p = [g.random() * 4 - 2, g.random() * 4 - 2];
    const s = p[0] + p[1];
    if (Math.abs(s) < 0.5) continue;
    x.push(p);
    y.push(s > 0 ? 7 : 3);
  }
  return { x, y };
}

test("Perceptron converges on linearly separable data and stops after an epoch without mistakes", () => {
  const { x, y } = separable(200, 1);
  const clf = new Perceptron({ randomState: 0 }).fit(x, y);
  assert.equal(clf.converged, true);
  assert.deepEqual(clf.classes, [3, 7]);
  assert.ok(clf.nIter < 1000, `${clf.nIter} epochs`);
  assert.equal(clf.mistakesPerEpoch.length, clf.nIter);
  assert.equal(clf.mistakesPerEpoch.at(-1), 0);
  assert.ok(clf.mistakesPerEpoch.slice(0, -1).every((m) => m > 0), "only the last epoch is mistake-free");
  assert.equal(clf.score(x, y), 1);
  assert.deepEqual(clf.coef.shape, [1, 2]);
  assert.deepEqual(clf.intercept.shape, [1]);
  // The separating direction is (1, 1): both weights positive and of similar size.
  const [w0, w1] = clf.coef.dataSync();
  assert.ok(w0 > 0 && w1 > 0 && Math.abs(Math.log(w0 / w1)) < 1, `coef ${w0}, ${w1}`);
});

test("Perceptron reports non-convergence on XOR after maxIter epochs", () => {
  const xor = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const clf = new Perceptron({ maxIter: 50, randomState: 0 }).fit(xor, [0, 1, 1, 0]);
  assert.equal(clf.converged, false);
  assert.equal(clf.nIter, 50);
  assert.ok(clf.mistakesPerEpoch.every((m) => m >= 1), "no linear rule classifies XOR: every epoch errs");
  assert.ok(clf.score(xor, [0, 1, 1, 0]) <= 0.75);
});

test("Perceptron update rule by hand: w <- w + eta*y*x on mistakes, visiting samples in order", () => {
  // Samples (1, 2) with y = +1 and (2, -1) with y = -1, eta 0.5, no shuffling.
  // Epoch 1: s = 0 for sample 1, a mistake: w = (0.5, 1), b = 0.5. Sample 2: s = 1 - 1 + 0.5 = 0.5 > 0 but
  // y = -1, a mistake: w = (0.5 - 1, 1 + 0.5) = (-0.5, 1.5), b = 0. Epoch 2: s1 = -0.5 + 3 = 2.5 > 0 and
  // s2 = -1 - 1.5 = -2.5 < 0: no mistakes, so it stops after 2 epochs.
  const clf = new Perceptron({ learningRate: 0.5, shuffle: false }).fit([[1, 2], [2, -1]], [1, -1]);
  assert.deepEqual(clf.mistakesPerEpoch, [2, 0]);
  assert.equal(clf.converged, true);
  assertClose(clf.coef, zd.tensor([[-0.5, 1.5]]));
  assertClose(clf.intercept, [0]);
  const noBias = new Perceptron({ learningRate: 0.5, shuffle: false, fitIntercept: false })
    .fit([[1, 2], [2, -1]], [1, -1]);
  assertClose(noBias.intercept, [0]);
});

test("Perceptron with zero initial weights: the learning rate only scales the weights", () => {
  const { x, y } = separable(100, 2);
  const a = new Perceptron({ learningRate: 1, randomState: 3 }).fit(x, y);
  const b = new Perceptron({ learningRate: 0.01, randomState: 3 }).fit(x, y);
  assert.equal(a.nIter, b.nIter);
  assertClose(b.coef.mul(100), a.coef, { rtol: 1e-4 });
  assert.deepEqual(b.predict(x).toArray(), a.predict(x).toArray());
});

test("Perceptron one-vs-rest on three classes, toModule agrees with predict, and it scores on digits", () => {
  const g = new zd.Generator(5);
  const centres = [[-3, 0], [3, 0], [0, 4]];
  const x = Array.from({ length: 90 }, (_, i) => centres[i % 3].map((c) => c + g.normal() * 0.4));
  const y = Array.from({ length: 90 }, (_, i) => i % 3);
  const clf = new Perceptron({ randomState: 0 }).fit(x, y);
  assert.deepEqual(clf.coef.shape, [3, 2]);
  assert.equal(clf.convergedPerClass.length, 3);
  assert.equal(clf.score(x, y), 1);
  const module = clf.toModule();
  assert.deepEqual(zd.predict(module, zd.tensor(x)).argmax(1).toArray(), clf.predict(x).toArray());

  const { x: digits, y: labels } = zd.data.loadDigits();
  const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(digits, labels, { testSize: 0.25, seed: 0 });
  const scaler = new zd.data.StandardScaler().fit(xTrain);
  const digitsClf = new Perceptron({ maxIter: 50, randomState: 0 }).fit(scaler.transform(xTrain), yTrain);
  const accuracy = digitsClf.score(scaler.transform(xTest), yTest);
  assert.ok(accuracy > 0.9, `digits test accuracy ${accuracy}`);
  const averaged = new Perceptron({ maxIter: 50, randomState: 0, average: true })
    .fit(scaler.transform(xTrain), yTrain);
  assert.ok(averaged.score(scaler.transform(xTest), yTest) > 0.9);
});

test("Perceptron binary toModule gives two outputs whose arg-max is the prediction", () => {
  const { x, y } = separable(60, 4);
  const clf = new Perceptron({ randomState: 1 }).fit(x, y);
  const out = zd.predict(clf.toModule(), zd.tensor(x));
  assert.deepEqual(out.shape, [60, 2]);
  const labels = Array.from(out.argmax(1).dataSync(), (i) => clf.classes[i]);
  assert.deepEqual(labels, Array.from(clf.predict(x).dataSync()));
});

test("Perceptron validates its options and inputs", () => {
  assert.throws(() => new Perceptron({ learningRate: 0 }),
    /Perceptron: learningRate must be a positive number, got 0/);
  assert.throws(() => new Perceptron({ maxIter: 1.5 }),
    /Perceptron: maxIter must be a positive integer, got 1.5/);
  assert.throws(() => new Perceptron({ shuffle: "yes" as unknown as boolean }),
    /shuffle must be true or false/);
  const clf = new Perceptron();
  assert.throws(() => clf.predict([[1, 2]]), /Perceptron: call fit\(\) before using the model/);
  assert.throws(() => clf.fit([[1, 2], [3, 4]], [5, 5]),
    /Perceptron: y must hold at least 2 classes, got 1 \(every label is 5\)/);
  assert.throws(() => clf.fit([[1, 2], [3, 4]], [0, 1, 1]), /Perceptron: X has 2 samples but y has 3 labels/);
  assert.throws(() => clf.fit([[1, NaN], [3, 4]], [0, 1]), /Perceptron: X holds NaN at row 0, column 1/);
  assert.throws(() => clf.fit([[1, 2], [3, 4]], [0, 0.5]),
    /class labels must be integers, got 0.5 at index 1/);
  assert.throws(() => clf.fit(zd.zeros([2, 2, 2]), [0, 1]),
    /expected X with shape \[samples, features\], got \[2,2,2\]/);
  clf.fit([[1, 2], [3, 4]], [0, 1]);
  assert.throws(() => clf.predict([[1, 2, 3]]),
    /Perceptron: X has 3 features, but the model was fitted with 2/);
});
