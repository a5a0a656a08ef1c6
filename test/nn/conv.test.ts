// Convolutions against PyTorch (tools/make-cnn-fixtures.py), by gradcheck, by their errors, and a tiny
// CNN that has to learn.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureValue } from "../helpers/fixtures.js";
import { BACKENDS, onBackend, onFloat64Backend } from "../helpers/on-backend.js";
import { fromFixture } from "./loss-helpers.js";
import { convFunctional, convLayerFor } from "../helpers/layer-runners.js";

const F = nn.functional;
const TOL = { rtol: 1e-4, atol: 1e-5 };

for (const [name, c] of Object.entries(loadFixture("conv"))) {
  for (const backend of BACKENDS) {
    test(`conv fixture ${name} (${backend}): layer and functional forward, input/weight/bias gradients`,
      () => onBackend(backend, () => fixtureCase(c)));
  }
}

function fixtureCase(c: Record<string, FixtureValue>): void {
  const layer = convLayerFor(c);
  const state: Record<string, zd.Tensor> = { weight: fromFixture(getArray(c, "weight")) };
  if (c.hasBias) state.bias = fromFixture(getArray(c, "bias"));
  layer.loadStateDict(state);
  const x = fromFixture(getArray(c, "input"), true);
  const y = layer.forward(x);
  assertClose(y, getArray(c, "output"), { ...TOL, label: "output" });
  y.backward(fromFixture(getArray(c, "gradOutput")));
  assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
  assertClose(layer.weight.grad!, getArray(c, "grad_weight"), { ...TOL, label: "grad_weight" });
  if (c.hasBias) assertClose(layer.bias!.grad!, getArray(c, "grad_bias"), { ...TOL, label: "grad_bias" });
  const direct = convFunctional(c, x.detach(), state.weight, state.bias ?? null);
  assertClose(direct, getArray(c, "output"), { ...TOL, label: "functional output" });
}

const f64 = (shape: number[], seed: number): zd.Tensor =>
  zd.randn(shape, { dtype: "float64", seed, requiresGrad: true });

test("gradcheck: conv2d with stride, padding, dilation, groups, padding modes", () => onFloat64Backend(() => {
  zd.gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    [f64([2, 2, 5, 6], 1), f64([3, 2, 3, 2], 2), f64([3], 3)]);
  zd.gradcheck((x, w) => F.conv2d(x, w, null, { groups: 2, padding: "same" }),
    [f64([1, 4, 4, 5], 4), f64([2, 2, 2, 3], 5)]);
  zd.gradcheck((x, w) => F.conv2d(x, w, null, { padding: [2, 1], paddingMode: "reflect" }),
    [f64([1, 1, 4, 5], 6), f64([2, 1, 3, 3], 7)]);
  zd.gradcheck((x, w) => F.conv1d(x, w, null, { stride: 2, padding: 1 }),
    [f64([2, 2, 7], 8), f64([3, 2, 3], 9)]);
}));

test("gradcheck: convTranspose2d with stride, padding, outputPadding, dilation and groups",
  () => onFloat64Backend(() => {
  zd.gradcheck((x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: [1, 0] }),
    [f64([1, 2, 3, 3], 10), f64([2, 3, 3, 2], 11), f64([3], 12)]);
  zd.gradcheck((x, w) => F.convTranspose2d(x, w, null, { stride: [1, 2], dilation: 2, groups: 2 }),
    [f64([2, 2, 2, 3], 13), f64([2, 1, 2, 2], 14)]);
}));

test("convTranspose2d is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>", () => {
  const x = zd.randn([2, 3, 7, 9], { seed: 1 }), w = zd.randn([4, 3, 3, 3], { seed: 2 });
  const opts = { stride: 2, padding: 1 } as const;
  const y = F.conv2d(x, w, null, opts);
  const probe = zd.randn(y.shape, { seed: 3 });
  const back = F.convTranspose2d(probe, w, null, { ...opts, outputPadding: [0, 0] });
  assert.deepEqual(back.shape, x.shape);
  const lhs = y.mul(probe).sum().item(), rhs = x.mul(back).sum().item();
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.abs(lhs) + 1e-3, `${lhs} vs ${rhs}`);
});

test("unbatched inputs, 1×1 convolutions and DepthwiseSeparableConv2d", () => {
  const conv = new nn.Conv2d(3, 5, 3, { padding: 1 });
  const x = zd.randn([3, 6, 7], { seed: 4 });
  assertClose(conv.forward(x), conv.forward(x.unsqueeze(0)).squeeze(0), { label: "unbatched" });
  const pointwise = new nn.Conv2d(4, 6, 1, { groups: 2 });
  const xb = zd.randn([2, 4, 3, 5], { seed: 5 });
  // dilation and a padding mode make no difference to a 1×1 kernel, but take the im2col path
  const viaUnfold = F.conv2d(xb, pointwise.weight, pointwise.bias,
    { groups: 2, paddingMode: "replicate", padding: 0, dilation: 2 });
  assertClose(pointwise.forward(xb), viaUnfold, { ...TOL, label: "1x1 fast path" });
  const block = new nn.DepthwiseSeparableConv2d(4, 8, 3, { padding: 1, depthMultiplier: 2 });
  assert.deepEqual(block.forward(xb).shape, [2, 8, 3, 5]);
  assert.deepEqual(block.namedParameters().map(([n, p]) => [n, p.shape]), [
    ["depthwise.weight", [8, 1, 3, 3]], ["depthwise.bias", [8]], ["pointwise.weight", [8, 8, 1, 1]],
    ["pointwise.bias", [8]]]);
});

test("layers print, initialize and save like PyTorch", () => onFloat64Backend(() => {
  assert.equal(String(new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1, bias: false })),
    "Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)");
  assert.equal(new nn.Conv1d(2, 4, 5, { padding: "same", dilation: 2, paddingMode: "reflect" }).extraRepr(),
    "2, 4, kernel_size=(5,), stride=(1,), padding=same, dilation=(2,), padding_mode=reflect");
  const up = new nn.ConvTranspose2d(8, 4, [4, 3], { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
  assert.equal(up.extraRepr(),
    "8, 4, kernel_size=(4, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2");
  const conv = new nn.Conv2d(16, 32, 5);
  const bound = 1 / Math.sqrt(16 * 25);   // kaiming-uniform(a=√5) is U(±1/√fanIn)
  const w = conv.weight.dataSync();
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w) > 0.9 * bound);
  assert.ok(conv.bias!.dataSync().every((v) => Math.abs(v) <= bound));
  const model = new nn.Sequential(new nn.Conv1d(2, 4, 3, { padding: "same", paddingMode: "circular" }),
    new nn.Conv2d(4, 4, [3, 1], { groups: 2, dtype: "float64" }),
    new nn.ConvTranspose2d(4, 2, 2, { stride: 2, outputPadding: [1, 0], bias: false }),
    new nn.DepthwiseSeparableConv2d(2, 6, 3, { stride: 2, padding: "valid" }));
  const rebuilt = nn.buildModule(JSON.parse(JSON.stringify(model.getConfig())) as nn.ModuleConfig);
  assert.equal(rebuilt.toString(), model.toString());
  assert.deepEqual(rebuilt.getConfig(), model.getConfig());
  assert.deepEqual([...rebuilt.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]),
    [...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]));
}));

test("errors name the layer and the numbers", () => {
  const conv = new nn.Conv2d(3, 16, 3);
  assert.throws(() => conv.forward(zd.zeros([8, 1, 28, 28])),
    /Conv2d\(3→16\): expected input with 3 channels, got shape \[8,1,28,28\]/);
  assert.throws(() => conv.forward(zd.zeros([3, 28])),
    /Conv2d\(3→16\): expected a 4-d input .* got shape \[3,28\]/);
  assert.throws(() => conv.forward(zd.zeros([1, 3, 2, 5])),
    /Conv2d\(3→16\): input \[1,3,2,5\] padded to 2×5 is smaller than the 3×3 kernel/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { dilation: 2 }).forward(zd.zeros([1, 3, 4, 9])),
    /padded to 4×9 is smaller than the 3×3 kernel \(5×5 dilated\)/);
  assert.throws(() => new nn.Conv1d(2, 2, 5).forward(zd.zeros([1, 2, 4])),
    /Conv1d\(2→2\): input \[1,2,4\] padded to 4 is smaller than the 5 kernel/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { padding: -1 }),
    /Conv2d\(3→4\): padding must be a non-negative integer/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    /Conv2d\(3→4\): inChannels 3 is not divisible by groups 2/);
  assert.throws(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), /outChannels 6 is not divisible by groups 4/);
  assert.throws(() => new nn.Conv2d(3, 4, 0),
    /Conv2d\(3→4\): kernelSize must be a positive integer or a pair of them, got 0/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { stride: [1, 0] }),
    /stride must be a positive integer .* got \[1,0\]/);
  assert.throws(() => new nn.Conv2d(3, 4, 3, { stride: 2, padding: "same" }),
    /padding "same" needs stride 1/);
  assert.throws(() => new nn.Conv2d(3, 4, 2.5), /kernelSize must be a positive integer/);
  assert.throws(() => F.conv2d(zd.zeros([1, 2, 5, 5]), zd.zeros([4, 3, 3, 3])),
    /conv2d: input \[1,2,5,5\] has 2 channels, but weight \[4,3,3,3\] with groups 1 expects 3/);
  assert.throws(() => F.conv2d(zd.zeros([1, 3, 5, 5]), zd.zeros([4, 3, 3, 3]), zd.zeros([3])),
    /conv2d: bias must have shape \[4\]/);
  assert.throws(() => F.conv2d(zd.zeros([1, 1, 3, 3], { dtype: "int32" }), zd.zeros([1, 1, 3, 3])),
    /conv2d: expected a floating-point input, got int32/);
  const reflect = { padding: 3, paddingMode: "reflect" } as const;
  assert.throws(() => F.conv2d(zd.zeros([1, 1, 3, 3]), zd.zeros([1, 1, 3, 3]), null, reflect),
    /reflect padding 3 is too large for an input of size 3/);
  const tooMuch = { stride: 2, outputPadding: 2 };
  assert.throws(() => F.convTranspose2d(zd.zeros([1, 2, 3, 3]), zd.zeros([2, 2, 3, 3]), null, tooMuch),
    /convTranspose2d: outputPadding \[2,2\] must be smaller than stride \[2,2\] or dilation \[1,1\]/);
});

/** 8×8 images holding one horizontal (class 0) or vertical (class 1) bar, plus noise. */
function bars(count: number, seed: number): { x: zd.Tensor; y: zd.Tensor } {
  const gen = new zd.Generator(seed);
  const images = new Float32Array(count * 64), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = gen.random() < 0.5 ? 0 : 1;
    const line = Math.floor(gen.random() * 8), start = Math.floor(gen.random() * 3);
    const length = 4 + Math.floor(gen.random() * 3);
    for (let p = 0; p < 64; p++) images[i * 64 + p] = 0.3 * gen.normal();
    for (let t = start; t < start + length; t++) {
      images[i * 64 + (labels[i] === 0 ? line * 8 + t : t * 8 + line)] += 1;
    }
  }
  return { x: zd.tensor(images, { shape: [count, 1, 8, 8] }), y: zd.tensor(labels, { shape: [count] }) };
}

test("a tiny CNN (Conv2d-ReLU-MaxPool-Flatten-Linear) learns horizontal vs vertical bars to ≥ 95%", () => {
  zd.manualSeed(0);
  const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(64, 2));
  const train = bars(256, 1), holdout = bars(200, 2);
  const opt = new zd.optim.Adam(model.parameters(), { lr: 0.02 });
  for (let epoch = 0; epoch < 15; epoch++) {
    for (let start = 0; start < 256; start += 32) {
      const xb = train.x.slice(0, start, start + 32), yb = train.y.slice(0, start, start + 32);
      const loss = F.crossEntropy(model.forward(xb), yb);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  }
  const predicted = zd.noGrad(() => model.eval().forward(holdout.x).argmax(1)).dataSync();
  const truth = holdout.y.dataSync();
  const accuracy = Array.from(predicted).filter((p, i) => p === truth[i]).length / truth.length;
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}`);
});
