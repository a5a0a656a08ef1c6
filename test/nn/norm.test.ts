// Batch norm, layer norm and channel dropout against PyTorch (tools/make-cnn-fixtures.py), by gradcheck
// and by their errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose, assertEqualValues } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureValue } from "../helpers/fixtures.js";
import { BACKENDS, onBackend, onFloat64Backend } from "../helpers/on-backend.js";
import { fromFixture } from "./loss-helpers.js";

const F = nn.functional;
const TOL = { rtol: 1e-4, atol: 2e-5 };
type Case = Record<string, FixtureValue>;

for (const [name, c] of Object.entries(loadFixture("norm"))) {
  if (c.op === "LayerNorm") continue;
  for (const backend of BACKENDS) {
    test(`norm fixture ${name} (${backend}): two training steps, running statistics, then eval`,
      () => onBackend(backend, () => batchNormCase(c)));
  }
}

function batchNormCase(c: Case): void {
  const Layer = c.op === "BatchNorm2d" ? nn.BatchNorm2d : nn.BatchNorm1d;
  const bn = new Layer(c.numFeatures as number, c.options as nn.BatchNormOptions);
  const affine = (c.options as Case).affine as boolean;
  if (affine) {
    bn.weight!.assign(fromFixture(getArray(c, "weight")));
    bn.bias!.assign(fromFixture(getArray(c, "bias")));
  }
  for (const [i, step] of (c.steps as Case[]).entries()) {
    const label = `step ${i} (${String(step.mode)})`;
    bn.train(step.mode === "train");
    bn.zeroGrad();
    const x = fromFixture(getArray(step, "input"), true);
    const y = bn.forward(x);
    assertClose(y, getArray(step, "output"), { ...TOL, label: `${label} output` });
    y.backward(fromFixture(getArray(step, "gradOutput")));
    assertClose(x.grad!, getArray(step, "grad_input"), { ...TOL, label: `${label} grad_input` });
    if (affine) {
      assertClose(bn.weight!.grad!, getArray(step, "grad_weight"),
        { ...TOL, label: `${label} grad_weight` });
      assertClose(bn.bias!.grad!, getArray(step, "grad_bias"), { ...TOL, label: `${label} grad_bias` });
    }
    if (i === 1 && bn.trackRunningStats) {
      assertClose(bn.running_mean!, getArray(c, "running_mean"), { ...TOL, label: "running_mean" });
      assertClose(bn.running_var!, getArray(c, "running_var"), { ...TOL, label: "running_var" });
      assertEqualValues(bn.num_batches_tracked!, getArray(c, "num_batches_tracked"), "num_batches_tracked");
    }
  }
}

for (const [name, c] of Object.entries(loadFixture("norm"))) {
  if (c.op !== "LayerNorm") continue;
  test(`norm fixture ${name}: layer and functional forward, gradients`, () => {
    const options = c.options as nn.LayerNormOptions;
    const ln = new nn.LayerNorm(c.normalizedShape as number[], options);
    if (options.elementwiseAffine) {
      ln.loadStateDict({ weight: fromFixture(getArray(c, "weight")),
        bias: fromFixture(getArray(c, "bias")) });
    }
    const x = fromFixture(getArray(c, "input"), true);
    const y = ln.forward(x);
    assertClose(y, getArray(c, "output"), { ...TOL, label: "output" });
    y.backward(fromFixture(getArray(c, "gradOutput")));
    assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
    if (options.elementwiseAffine) {
      assertClose(ln.weight!.grad!, getArray(c, "grad_weight"), { ...TOL, label: "grad_weight" });
      assertClose(ln.bias!.grad!, getArray(c, "grad_bias"), { ...TOL, label: "grad_bias" });
    }
    const direct = F.layerNorm(x.detach(), c.normalizedShape as number[],
      { eps: options.eps, weight: ln.weight, bias: ln.bias });
    assertClose(direct, getArray(c, "output"), { ...TOL, label: "functional output" });
  });
}

const f64 = (shape: number[], seed: number): zd.Tensor =>
  zd.randn(shape, { dtype: "float64", seed, requiresGrad: true });

test("gradcheck: batch norm in training (through the batch statistics) and eval, layer norm",
  () => onFloat64Backend(() => {
  zd.gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
    [f64([3, 2, 2, 3], 1), f64([2], 2), f64([2], 3)]);
  const mean = zd.randn([3], { dtype: "float64", seed: 4 });
  const variance = zd.rand([3], { dtype: "float64", seed: 5 }).add(0.5);
  zd.gradcheck((x, w) => F.batchNorm(x, mean, variance, { weight: w }), [f64([4, 3], 6), f64([3], 7)]);
  zd.gradcheck((x, w, b) => F.layerNorm(x, [2, 3], { weight: w, bias: b }),
    [f64([2, 2, 3], 8), f64([2, 3], 9), f64([2, 3], 10)]);
}));

test("batch norm buffers: PyTorch names, state dict order, int32 counter, reset", () => {
  const bn = new nn.BatchNorm2d(4);
  assert.deepEqual([...bn.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]), [
    ["weight", [4], "float32"], ["bias", [4], "float32"], ["running_mean", [4], "float32"],
    ["running_var", [4], "float32"], ["num_batches_tracked", [], "int32"]]);
  assert.deepEqual(bn.parameters().length, 2);
  bn.forward(zd.randn([2, 4, 3, 3], { seed: 1 }));
  bn.eval().forward(zd.randn([2, 4, 3, 3], { seed: 2 }));   // eval does not count
  assert.equal(bn.num_batches_tracked!.item(), 1);
  bn.resetRunningStats();
  assert.deepEqual([bn.num_batches_tracked!.item(), ...bn.running_var!.dataSync()], [0, 1, 1, 1, 1]);
  const plain = new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false });
  assert.deepEqual([...plain.stateDict().keys()], []);
  assert.equal(String(bn), "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  assert.equal(new nn.BatchNorm1d(3, { momentum: null, eps: 1e-3 }).extraRepr(),
    "3, eps=0.001, momentum=None, affine=True, track_running_stats=True");
  assert.equal(String(new nn.LayerNorm([4, 5])), "LayerNorm((4, 5), eps=1e-05, elementwise_affine=True)");
});

test("norm layers and Dropout2d round-trip through their configs", () => onFloat64Backend(() => {
  const model = new nn.Sequential(new nn.BatchNorm2d(3, { momentum: null, eps: 1e-3 }),
    new nn.BatchNorm1d(4, { affine: false, dtype: "float64" }),
    new nn.LayerNorm([4, 5], { elementwiseAffine: false }),
    new nn.LayerNorm(6, { eps: 1e-6 }), new nn.Dropout2d(0.3));
  const rebuilt = nn.buildModule(JSON.parse(JSON.stringify(model.getConfig())) as nn.ModuleConfig);
  assert.equal(rebuilt.toString(), model.toString());
  assert.deepEqual(rebuilt.getConfig(), model.getConfig());
  assert.deepEqual([...rebuilt.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]),
    [...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]));
}));

test("Dropout2d zeroes whole channels, scales the rest by 1/(1-p), and is the identity in eval", () => {
  zd.manualSeed(3);
  const drop = new nn.Dropout2d(0.5);
  const x = zd.ones([8, 16, 3, 3], { requiresGrad: true });
  const y = drop.forward(x);
  const values = y.dataSync();
  let dropped = 0;
  for (let ch = 0; ch < 8 * 16; ch++) {
    const plane = Array.from(values.slice(ch * 9, ch * 9 + 9));
    const whole = plane.every((v) => v === plane[0]) && (plane[0] === 0 || plane[0] === 2);
    assert.ok(whole, `channel ${ch}: ${plane}`);
    if (plane[0] === 0) dropped++;
  }
  assert.ok(dropped > 40 && dropped < 88, `dropped ${dropped} of 128 channels`);
  y.sum().backward();
  assert.deepEqual([...x.grad!.dataSync()], [...values]);
  assert.equal(drop.eval().forward(x), x);
  assert.deepEqual(F.dropout2d(zd.ones([2, 3, 3]), 1, true).dataSync().every((v) => v === 0), true);
});

test("norm errors name the layer and the numbers", () => {
  assert.throws(() => new nn.BatchNorm2d(16).forward(zd.zeros([8, 3, 4, 4])),
    /BatchNorm2d\(16\): expected input with 16 channels, got shape \[8,3,4,4\]/);
  assert.throws(() => new nn.BatchNorm2d(3).forward(zd.zeros([8, 3])),
    /BatchNorm2d\(3\): expected a \[N, C, H, W\] input/);
  assert.throws(() => new nn.BatchNorm1d(3).forward(zd.zeros([1, 3])),
    /BatchNorm1d\(3\): expected more than 1 value per channel when training, got input shape \[1,3\]/);
  assert.throws(() => new nn.BatchNorm1d(0), /BatchNorm1d: numFeatures must be a positive integer, got 0/);
  assert.throws(() => new nn.LayerNorm(5).forward(zd.zeros([2, 4])),
    /LayerNorm\(\[5\]\): expected an input whose last dimensions are \[5\], got shape \[2,4\]/);
  assert.throws(() => F.batchNorm(zd.zeros([2, 3]), zd.zeros([4]), zd.ones([3])),
    /batchNorm: runningMean must have shape \[3\], got \[4\]/);
  assert.throws(() => F.batchNorm(zd.zeros([2, 3]), null, null),
    /batchNorm: runningMean and runningVar are needed when not training/);
  assert.throws(() => new nn.Dropout2d(1.5), /Dropout2d: p must be a probability between 0 and 1, got 1.5/);
  assert.throws(() => new nn.Dropout2d().forward(zd.zeros([4, 4])),
    /Dropout2d: expected a \[N, C, H, W\] or \[C, H, W\] input/);
});
