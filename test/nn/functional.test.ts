// nn.functional: linear against the PyTorch fixtures, dropout's statistics and contract, and exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ones, randn, tensor, zeros } from "../../src/core/creation.js";
import { gradcheck } from "../../src/core/gradcheck.js";
import { manualSeed } from "../../src/core/random.js";
import * as F from "../../src/nn/functional/index.js";
import { getArray, loadFixture } from "../helpers/fixtures.js";
import { assertClose, fromFixture } from "./loss-helpers.js";

for (const [name, c] of Object.entries(loadFixture("linear"))) {
  test(`linear fixture ${name}`, () => {
    const x = fromFixture(getArray(c, "input"), true);
    const w = fromFixture(getArray(c, "weight"), true);
    const b = c.bias === null ? null : fromFixture(getArray(c, "bias"), true);
    const y = F.linear(x, w, b);
    assertClose(y, getArray(c, "output"), "output");
    y.backward(fromFixture(getArray(c, "gradOutput")));
    assertClose(x.grad, getArray(c, "grad_input"), "grad_input");
    assertClose(w.grad, getArray(c, "grad_weight"), "grad_weight");
    if (b !== null) assertClose(b.grad, getArray(c, "grad_bias"), "grad_bias");
  });
}

test("linear gradcheck with and without bias", () => {
  const f64 = (shape: number[], seed: number) => randn(shape, { dtype: "float64", seed, requiresGrad: true });
  gradcheck((x, w, b) => F.linear(x, w, b), [f64([2, 3, 4], 1), f64([5, 4], 2), f64([5], 3)]);
  gradcheck((x, w) => F.linear(x, w), [f64([4], 4), f64([2, 4], 5)]);
  // strided inputs: a transposed batch, and a permuted 3-D one whose leading dims cannot merge
  gradcheck((x, w, b) => F.linear(x.T, w, b), [f64([4, 3], 6), f64([5, 4], 7), f64([5], 8)]);
  gradcheck((x, w, b) => F.linear(x.permute([1, 0, 2]), w, b),
    [f64([3, 2, 4], 9), f64([5, 4], 10), f64([5], 11)]);
  gradcheck((x, w) => F.linear(x.expand([2, 3, 4]), w), [f64([1, 3, 4], 12), f64([5, 4], 13)]);
});

test("linear on strided inputs equals the matmul and add it fuses", () => {
  const x = randn([3, 2, 6], { seed: 14 }).permute([1, 0, 2]), w = randn([5, 6], { seed: 15 });
  const b = randn([5], { seed: 16 });
  assert.deepEqual(Array.from(F.linear(x, w, b).dataSync()), Array.from(x.matmul(w.T).add(b).dataSync()));
  const row = randn([6], { seed: 17 });
  assert.deepEqual(F.linear(row, w, b).shape, [5]);
  assert.deepEqual(Array.from(F.linear(row, w, b).dataSync()), Array.from(row.matmul(w.T).add(b).dataSync()));
});

test("linear errors name both shapes", () => {
  assert.throws(() => F.linear(zeros([2, 3]), zeros([5, 4])),
    /linear: input \[2,3\] x weight \[5,4\]: the input's last dimension must equal inFeatures 4/);
  assert.throws(() => F.linear(zeros([2, 4]), zeros([4])), /linear: weight must be 2-D/);
  assert.throws(() => F.linear(zeros([2, 4]), zeros([5, 4]), zeros([4])),
    /linear: bias must have shape \[5\].*\[4\]/);
});

test("dropout is the identity in evaluation and for p = 0", () => {
  const x = randn([3, 4], { seed: 1 });
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.equal(F.dropout(x, 0, true), x);
});

test("dropout zeroes about p of the entries and scales the rest by 1/(1-p)", () => {
  manualSeed(123);
  const x = ones([100, 100], { requiresGrad: true });
  const y = F.dropout(x, 0.3, true);
  const values = y.dataSync();
  let dropped = 0;
  for (const v of values) {
    if (v === 0) dropped++;
    else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6, `kept value ${v}`);
  }
  assert.ok(Math.abs(dropped / values.length - 0.3) < 0.02, `dropped fraction ${dropped / values.length}`);
  y.sum().backward();
  // the gradient is the same mask and scale
  assert.deepEqual([...x.grad!.dataSync()], [...values]);
});

test("dropout masks follow manualSeed, and p = 1 drops everything", () => {
  manualSeed(7);
  const a = F.dropout(ones([50]), 0.5).dataSync();
  manualSeed(7);
  const b = F.dropout(ones([50]), 0.5).dataSync();
  assert.deepEqual([...a], [...b]);
  const x = ones([2, 3], { requiresGrad: true });
  const y = F.dropout(x, 1, true);
  assert.deepEqual([...y.dataSync()], [0, 0, 0, 0, 0, 0]);
  y.sum().backward();
  assert.deepEqual([...x.grad!.dataSync()], [0, 0, 0, 0, 0, 0]);
  const f64 = F.dropout(ones([4], { dtype: "float64" }), 0.5);
  assert.equal(f64.dtype, "float64");
});

test("dropout rejects a bad p and integer inputs", () => {
  assert.throws(() => F.dropout(ones([2]), 1.5, true),
    /dropout: p must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => F.dropout(ones([2]), -0.1, true), /dropout: p must be/);
  assert.throws(() => F.dropout(ones([2], { dtype: "int32" }), 0.5, true),
    /dropout: input must be a floating-point/);
});

test("nn.functional exports activations and losses", () => {
  const x = tensor([-1, 0.5]);
  assertClose(F.relu(x), [0, 0.5], "relu");
  assertClose(F.softmax(tensor([0, 0])), [0.5, 0.5], "softmax");
  for (const fn of [F.mseLoss, F.l1Loss, F.huberLoss, F.crossEntropy, F.nllLoss, F.binaryCrossEntropy,
    F.binaryCrossEntropyWithLogits, F.klDiv, F.hingeEmbeddingLoss, F.multiMarginLoss, F.linear, F.dropout,
    F.sigmoid, F.tanh, F.leakyRelu, F.elu, F.softplus, F.logSoftmax, F.gelu, F.silu, F.logSigmoid]) {
    assert.equal(typeof fn, "function");
  }
});
