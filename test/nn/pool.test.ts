// Pools against PyTorch (tools/make-cnn-fixtures.py), by gradcheck and by their errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose, assertEqualValues } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureValue } from "../helpers/fixtures.js";
import { BACKENDS, onBackend, onFloat64Backend } from "../helpers/on-backend.js";
import { fromFixture } from "./loss-helpers.js";
import { poolRunners } from "../helpers/layer-runners.js";

const F = nn.functional;
const TOL = { rtol: 1e-5, atol: 1e-6 };
type Case = Record<string, FixtureValue>;

for (const [name, c] of Object.entries(loadFixture("pool"))) {
  for (const backend of BACKENDS) {
    test(`pool fixture ${name} (${backend}): values${c.indices ? ", indices" : ""} and input gradient`,
      () => onBackend(backend, () => fixtureCase(c)));
  }
}

function fixtureCase(c: Case): void {
  for (const [how, run] of poolRunners(c)) {
    const x = fromFixture(getArray(c, "input"), true);
    const [y, indices] = run(x);
    assertClose(y, getArray(c, "output"), { ...TOL, label: `${how} output` });
    if (c.indices) assertEqualValues(indices, getArray(c, "indices"), `${how} indices`);
    y.backward(fromFixture(getArray(c, "gradOutput")));
    assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: `${how} grad_input` });
  }
}

const f64 = (shape: number[], seed: number): zd.Tensor =>
  zd.randn(shape, { dtype: "float64", seed, requiresGrad: true });

test("gradcheck: max, average and adaptive pools", () => onFloat64Backend(() => {
  // continuous random inputs have no ties, where max is not differentiable
  zd.gradcheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }),
    [f64([1, 2, 5, 7], 1)]);
  zd.gradcheck((x) => F.maxPool1d(x, 2), [f64([2, 2, 5], 2)]);
  zd.gradcheck((x) => F.avgPool2d(x, [2, 3],
    { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    [f64([1, 2, 5, 6], 3)]);
  zd.gradcheck((x) => F.avgPool1d(x, 3, { stride: 2, padding: 1 }), [f64([1, 2, 6], 4)]);
  zd.gradcheck((x) => F.adaptiveAvgPool2d(x, [2, 4]), [f64([1, 2, 5, 3], 5)]);
}));

test("max pooling gives a tie's gradient to the first maximum, as PyTorch", () => {
  const x = zd.tensor([[[[1, 1], [0, 0]]]], { requiresGrad: true });
  F.maxPool2d(x, 2).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[[[1, 0], [0, 0]]]]);
});

test("global pooling, unbatched inputs and output sizes", () => {
  const x = zd.randn([2, 3, 7, 9], { seed: 6 });
  assertClose(F.adaptiveAvgPool2d(x, 1), x.mean([2, 3], true), { label: "global" });
  assertClose(F.adaptiveAvgPool2d(x, [7, 9]), x, { label: "identity" });
  const [values, indices] = F.maxPool2d(x.index(0), 2, { returnIndices: true });
  assert.deepEqual([values.shape, indices.shape, indices.dtype], [[3, 3, 4], [3, 3, 4], "int32"]);
  assert.deepEqual(F.avgPool1d(zd.zeros([3, 10]), 4, { stride: 3, ceilMode: true }).shape, [3, 3]);
  assert.deepEqual(new nn.MaxPool1d(2).forward(zd.zeros([4, 9])).shape, [4, 4]);
});

test("layers print and save like PyTorch", () => {
  assert.equal(new nn.MaxPool2d(2).extraRepr(),
    "kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False");
  assert.equal(new nn.MaxPool2d([3, 2], { stride: 1, padding: [1, 0], ceilMode: true }).extraRepr(),
    "kernel_size=(3, 2), stride=1, padding=(1, 0), dilation=1, ceil_mode=True");
  assert.equal(new nn.AvgPool2d(3, { stride: 2, padding: 1 }).extraRepr(),
    "kernel_size=3, stride=2, padding=1");
  assert.equal(String(new nn.AdaptiveAvgPool2d([null, 7])), "AdaptiveAvgPool2d(output_size=(None, 7))");
  const model = new nn.Sequential(
    new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, dilation: 2, ceilMode: true }),
    new nn.AvgPool2d(2, { countIncludePad: false, divisorOverride: 3 }), new nn.AdaptiveAvgPool2d([2, null]),
    new nn.MaxPool1d(3, { stride: 2 }), new nn.AvgPool1d(2, { padding: 1 }), new nn.AdaptiveAvgPool1d(5));
  const rebuilt = nn.buildModule(JSON.parse(JSON.stringify(model.getConfig())) as nn.ModuleConfig);
  assert.equal(rebuilt.toString(), model.toString());
  assert.deepEqual(rebuilt.getConfig(), model.getConfig());
});

test("pool errors name the layer and the numbers", () => {
  assert.throws(() => new nn.MaxPool2d(3, { padding: 2 }),
    /MaxPool2d: padding 2 must be at most half the kernel size 3/);
  assert.throws(() => new nn.MaxPool2d(0),
    /MaxPool2d: kernelSize must be a positive integer or a pair of them, got 0/);
  assert.throws(() => new nn.AvgPool2d(2, { padding: -1 }),
    /AvgPool2d: padding must be a non-negative integer/);
  assert.throws(() => new nn.MaxPool1d([2, 2] as unknown as number),
    /MaxPool1d: kernelSize must be a number, got \[2,2\]/);
  assert.throws(() => new nn.MaxPool2d(3).forward(zd.zeros([1, 1, 2, 5])),
    /MaxPool2d: input \[1,1,2,5\] padded to 2×5 is smaller than the kernel \[3,3\]/);
  assert.throws(() => new nn.MaxPool2d(2).forward(zd.zeros([5, 5])),
    /MaxPool2d: expected a 4-d input .* got shape \[5,5\]/);
  assert.throws(() => F.avgPool2d(zd.zeros([1, 1, 4, 4]), 2, { divisorOverride: 0 }),
    /divisorOverride must be a positive integer/);
  assert.throws(() => new nn.AdaptiveAvgPool2d(0),
    /AdaptiveAvgPool2d: outputSize must be a positive integer/);
  assert.throws(() => F.adaptiveAvgPool2d(zd.zeros([1, 1, 4, 4]), [2, 0] as [number, number]),
    /adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them/);
});
