import { test } from "node:test";
import assert from "node:assert/strict";
// Core modules directly, not src/index.ts, so these tests do not depend on the rest of the package.
import * as zd from "./core.js";
import {
  loadDigits, trainTestSplit, trainValTestSplit, type TrainTestSplitOptions,
} from "../../src/data/index.js";

function classCounts(y: zd.Tensor, k = 10): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const v of y.dataSync()) counts[v]++;
  return counts;
}

test("trainTestSplit: sizes follow scikit-learn (test rounds up, train rounds down)", () => {
  const { x, y } = loadDigits();
  const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { seed: 0 });
  assert.deepEqual(xTest.shape, [450, 64]);
  assert.deepEqual(xTrain.shape, [1347, 64]);
  assert.deepEqual([yTrain.shape, yTest.shape], [[1347], [450]]);
  assert.equal(yTest.dtype, "int32");
  const sizes = (o: TrainTestSplitOptions): number[] =>
    trainTestSplit(x, y, o).slice(0, 2).map((t) => t.shape[0]);
  assert.deepEqual(sizes({ testSize: 100, seed: 0 }), [1697, 100]);
  assert.deepEqual(sizes({ trainSize: 0.5, seed: 0 }), [898, 899]);
  assert.deepEqual(sizes({ trainSize: 0.5, testSize: 0.1, seed: 0 }), [898, 180]);
  assert.deepEqual(sizes({ trainSize: 1000, testSize: 200, seed: 0 }), [1000, 200]);
});

test("trainTestSplit: a seed reproduces the split; rows stay paired; every row is used once", () => {
  const n = 40;
  const x = zd.tensor(Array.from({ length: n }, (_, i) => [i, -i]));
  const y = zd.arange(n);
  const a = trainTestSplit(x, y, { seed: 5 });
  const b = trainTestSplit(x, y, { seed: 5 });
  const c = trainTestSplit(x, y, { seed: 6 });
  a.forEach((t, i) => assert.deepEqual(t.toArray(), b[i].toArray()));
  assert.notDeepEqual(a[3].toArray(), c[3].toArray());
  const [xTrain, xTest, yTrain, yTest] = a;
  assert.deepEqual(xTrain.select(1, 0).int().toArray(), yTrain.toArray());
  assert.deepEqual(xTest.select(1, 0).int().toArray(), yTest.toArray());
  const all = [...yTrain.dataSync(), ...yTest.dataSync()].sort((p, q) => p - q);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
});

test("trainTestSplit: shuffle false keeps order; list and single-tensor forms", () => {
  const x = zd.arange(10);
  const [train, test] = trainTestSplit(x, { shuffle: false, testSize: 0.3 });
  assert.deepEqual(train.toArray(), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(test.toArray(), [7, 8, 9]);
  const parts = trainTestSplit([x, x.mul(2), x.mul(3)], { seed: 1 });
  assert.equal(parts.length, 6);
  assert.deepEqual(parts[2].toArray(), parts[0].mul(2).toArray());
  assert.deepEqual(parts[5].toArray(), parts[1].mul(3).toArray());
});

test("trainTestSplit: stratify keeps each class's share within one row", () => {
  const { x, y } = loadDigits();
  const total = classCounts(y);
  for (const testSize of [0.25, 0.1, 333]) {
    const [, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize, seed: 2, stratify: y });
    const share = xTest.shape[0] / 1797;
    const testCounts = classCounts(yTest);
    const trainCounts = classCounts(yTrain);
    testCounts.forEach((c, k) => {
      assert.ok(Math.abs(c - total[k] * share) <= 1, `class ${k}: ${c} vs ${total[k] * share}`);
      assert.equal(c + trainCounts[k], total[k]);
    });
  }
  // The stratified test set is not sorted by class.
  const [, , , yTest] = trainTestSplit(x, y, { seed: 2, stratify: y });
  const labels = Array.from(yTest.dataSync());
  assert.notDeepEqual(labels, [...labels].sort((p, q) => p - q));
});

test("trainValTestSplit: 70/10/20 by default, disjoint, stratified on request", () => {
  const { x, y } = loadDigits();
  const s = trainValTestSplit(x, y, { seed: 0, stratify: y });
  assert.deepEqual([s.xTrain.shape[0], s.xVal.shape[0], s.xTest.shape[0]], [1257, 180, 360]);
  assert.deepEqual([s.yTrain.shape[0], s.yVal.shape[0], s.yTest.shape[0]], [1257, 180, 360]);
  const total = classCounts(y);
  classCounts(s.yVal).forEach((c, k) => assert.ok(Math.abs(c - total[k] * 0.1) <= 1.5, `val ${k}: ${c}`));
  classCounts(s.yTest).forEach((c, k) => assert.ok(Math.abs(c - total[k] * 0.2) <= 1, `test ${k}: ${c}`));
  // Disjoint: tag every row with its index and check each appears once across the three parts.
  const ids = zd.arange(1797);
  const t = trainValTestSplit(ids, ids, { seed: 4 });
  const seen = [t.xTrain, t.xVal, t.xTest].flatMap((p) => Array.from(p.dataSync())).sort((p, q) => p - q);
  assert.deepEqual(seen, Array.from({ length: 1797 }, (_, i) => i));
  assert.throws(() => trainValTestSplit(ids, ids, { valSize: 0.5, testSize: 0.5 }),
    /leave no training samples/);
});

test("trainTestSplit: errors", () => {
  const x = zd.zeros([10, 2]);
  assert.throws(() => trainTestSplit(x, zd.zeros([9])), /inconsistent numbers of samples.*\[10,2\].*\[9\]/);
  assert.throws(() => trainTestSplit(x, { testSize: 1.5 }),
    /testSize=1.5 should be either a fraction in \(0, 1\)/);
  assert.throws(() => trainTestSplit(x, { testSize: 10 }), /whole number of samples in \[1, 9\]/);
  assert.throws(() => trainTestSplit(x, { testSize: 0 }), /testSize=0/);
  assert.throws(() => trainTestSplit(x, { testSize: 6, trainSize: 6 }), /exceed the 10 samples/);
  const y = zd.tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 2], { dtype: "int32" });
  assert.throws(() => trainTestSplit(x, y, { stratify: y, seed: 0 }),
    /least populated class .* only 1 member/);
  const y2 = zd.tensor([0, 0, 0, 0, 0, 1, 1, 1, 2, 2], { dtype: "int32" });
  assert.throws(() => trainTestSplit(x, y2, { stratify: y2, testSize: 2 }),
    /test set \(2 samples\) is smaller than the number of classes \(3\)/);
  assert.throws(() => trainTestSplit(x, y2, { stratify: y2, shuffle: false }),
    /stratified split needs shuffle/);
  assert.throws(() => trainTestSplit(x, y2, { stratify: zd.zeros([3]) }),
    /stratify has shape \[3\], expected 10 rows/);
});
