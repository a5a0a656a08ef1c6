import { test } from "node:test";
import assert from "node:assert/strict";
// Core modules directly, not src/index.ts, so these tests do not depend on the rest of the package.
import * as zd from "./core.js";
import { MinMaxScaler, StandardScaler, oneHot } from "../../src/data/index.js";

function close(actual: zd.Tensor | number[], expected: number[], tol = 1e-5): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.dataSync());
  assert.equal(a.length, expected.length, `length ${a.length} vs ${expected.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `[${i}] ${v} vs ${expected[i]}`));
}

// By hand: means 2, 20, 5; population stds sqrt(2/3), 10 sqrt(2/3) and 0 (a constant column).
const X = zd.tensor([[1, 10, 5], [2, 20, 5], [3, 30, 5]]);

test("StandardScaler: population mean and std per column, constant column scale 1", () => {
  const scaler = new StandardScaler().fit(X);
  assert.equal(scaler.isFitted, true);
  assert.equal(scaler.nFeatures, 3);
  close(scaler.mean, [2, 20, 5]);
  const s = Math.sqrt(2 / 3);
  close(scaler.scale, [s, 10 * s, 1]);
  const z = scaler.transform(X);
  assert.equal(z.dtype, "float32");
  close(z, [-1 / s, -1 / s, 0, 0, 0, 0, 1 / s, 1 / s, 0]);
  close(z.mean(0), [0, 0, 0]);
  close(scaler.inverseTransform(z), Array.from(X.dataSync()));
  close(new StandardScaler().fitTransform(X), Array.from(z.dataSync()));
});

test("StandardScaler: withMean / withStd, int input, toJSON round trip", () => {
  const s = Math.sqrt(2 / 3);
  close(new StandardScaler({ withMean: false }).fit(X).transform(X).select(1, 0), [1 / s, 2 / s, 3 / s]);
  close(new StandardScaler({ withStd: false }).fit(X).transform(X).select(1, 1), [-10, 0, 10]);
  const ints = zd.tensor([[1, 2], [3, 4]], { dtype: "int32" });
  close(new StandardScaler().fitTransform(ints), [-1, -1, 1, 1]);
  const scaler = new StandardScaler().fit(X);
  const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
  close(restored.transform(X), Array.from(scaler.transform(X).dataSync()));
  assert.throws(() => StandardScaler.fromJSON({ type: "MinMaxScaler" } as never),
    /expected type "StandardScaler"/);
});

test("StandardScaler: scaled random columns have mean 0 and population std 1", () => {
  const x = zd.randn([200, 4], { seed: 1 }).mul(zd.tensor([1, 5, 0.1, 3])).add(7);
  const z = new StandardScaler().fitTransform(x);
  close(z.mean(0), [0, 0, 0, 0], 1e-4);
  close(z.std(0, { correction: 0 }), [1, 1, 1, 1], 1e-4);
});

test("scalers: errors before fit and for the wrong number of features", () => {
  const scaler = new StandardScaler();
  assert.equal(scaler.isFitted, false);
  assert.throws(() => scaler.transform(X), /StandardScaler\.transform: this scaler is not fitted yet/);
  assert.throws(() => scaler.mean, /not fitted yet/);
  assert.throws(() => new MinMaxScaler().inverseTransform(X), /MinMaxScaler\.inverseTransform: .*not fitted/);
  scaler.fit(X);
  assert.throws(() => scaler.transform(zd.zeros([2, 4])),
    /x has 4 features \(shape \[2,4\]\), but the scaler was fitted on 3/);
  assert.throws(() => scaler.transform(zd.zeros([3])),
    /expected a 2-D tensor \[samples, features\], got shape \[3\]/);
  assert.throws(() => new StandardScaler().fit(zd.zeros([0, 3])), /cannot fit on 0 samples/);
});

test("MinMaxScaler: maps each column onto featureRange; constant columns to its low end", () => {
  const scaler = new MinMaxScaler().fit(X);
  close(scaler.dataMin, [1, 10, 5]);
  close(scaler.dataMax, [3, 30, 5]);
  close(scaler.transform(X), [0, 0, 0, 0.5, 0.5, 0, 1, 1, 0]);
  const wide = new MinMaxScaler({ featureRange: [-1, 1] }).fit(X);
  const y = wide.transform(X);
  close(y, [-1, -1, -1, 0, 0, -1, 1, 1, -1]);
  close(wide.inverseTransform(y), Array.from(X.dataSync()));
  const outside = zd.tensor([[5, 0, 5]]);
  close(scaler.transform(outside), [2, -0.5, 0]);
  close(new MinMaxScaler({ clip: true }).fit(X).transform(outside), [1, 0, 0]);
  const restored = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(wide)));
  assert.deepEqual(restored.featureRange, [-1, 1]);
  close(restored.transform(X), Array.from(y.dataSync()));
  assert.throws(() => new MinMaxScaler({ featureRange: [1, 0] }),
    /featureRange must be \[min, max\] with min < max/);
});

test("oneHot: float32 rows with a 1 at each label; range errors", () => {
  const labels = zd.tensor([0, 2, 1], { dtype: "int32" });
  const h = oneHot(labels);
  assert.equal(h.dtype, "float32");
  assert.deepEqual(h.toArray(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(oneHot(labels, 4).shape, [3, 4]);
  assert.deepEqual(oneHot(zd.tensor([[1], [0]], { dtype: "int32" }), 2).toArray(), [[[0, 1]], [[1, 0]]]);
  assert.throws(() => oneHot(labels, 2), /label 2 at position 1 is not a class index in \[0, 2\)/);
  assert.throws(() => oneHot(zd.tensor([1, -1], { dtype: "int32" })), /label -1 at position 1/);
  assert.throws(() => oneHot(zd.tensor([0.5])), /label 0.5 at position 0/);
  assert.throws(() => oneHot(labels, 0), /numClasses must be a positive integer/);
});
