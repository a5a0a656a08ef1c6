import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureArray, type FixtureValue } from "../helpers/fixtures.js";
const TOL = { rtol: 1e-5, atol: 1e-5 };

function fromFixture(a: FixtureArray, requiresGrad = false): zd.Tensor {
  const dtype = a.dtype === "int64" ? "int32" : a.dtype === "float64" ? "float64" : "float32";
  return zd.tensor(a.data, { shape: a.shape, dtype, requiresGrad });
}

function stateOf(c: Record<string, FixtureValue>): Map<string, zd.Tensor> {
  const state = c.state as Record<string, FixtureValue>;
  return new Map(Object.keys(state).map((k) => [k, fromFixture(getArray(state, k))]));
}

for (const [name, c] of Object.entries(loadFixture("linear"))) {
  test(`Linear matches PyTorch: ${name}`, () => {
    const bias = c.hasBias as boolean;
    const layer = new nn.Linear(c.inFeatures as number, c.outFeatures as number, { bias });
    const sd: Record<string, zd.Tensor> = { weight: fromFixture(getArray(c, "weight")) };
    if (c.hasBias) sd.bias = fromFixture(getArray(c, "bias"));
    layer.loadStateDict(sd);
    const x = fromFixture(getArray(c, "input"), true);
    const y = layer.forward(x);
    assertClose(y, getArray(c, "output"), { ...TOL, label: "output" });
    y.backward(fromFixture(getArray(c, "gradOutput")));
    assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
    assertClose(layer.weight.grad!, getArray(c, "grad_weight"), { ...TOL, label: "grad_weight" });
    if (c.hasBias) assertClose(layer.bias!.grad!, getArray(c, "grad_bias"), { ...TOL, label: "grad_bias" });
    else assert.equal(layer.bias, null);
  });
}

test("MLP matches PyTorch: forward, cross-entropy and every gradient", () => {
  const c = loadFixture("mlp").mlp;
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 4));
  model.loadStateDict(stateOf(c));
  const x = fromFixture(getArray(c, "input"), true);
  const target = fromFixture(getArray(c, "target"));
  const logits = model.forward(x);
  assertClose(logits, getArray(c, "output"), { ...TOL, label: "logits" });
  const loss = logits.logSoftmax(1).gather(1, target.unsqueeze(1)).mean().neg();
  assertClose(loss, getArray(c, "loss"), { ...TOL, label: "loss" });
  loss.backward();
  for (const [name, p] of model.namedParameters()) {
    assertClose(p.grad!, getArray(c, `grad_${name}`), { ...TOL, label: `grad of ${name}` });
  }
  assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
});

function activationFor(c: Record<string, FixtureValue>): nn.Module {
  switch (c.op) {
    case "sigmoid": return new nn.Sigmoid();
    case "tanh": return new nn.Tanh();
    case "relu": return new nn.ReLU();
    case "leaky_relu": return new nn.LeakyReLU(c.negativeSlope as number);
    case "gelu": return new nn.GELU({ approximate: c.approximate as "none" | "tanh" });
    case "elu": return new nn.ELU(c.alpha as number);
    case "silu": return new nn.SiLU();
    case "softplus": return new nn.Softplus({ beta: c.beta as number, threshold: c.threshold as number });
    case "softmax": return new nn.Softmax(c.dim as number);
    case "log_softmax": return new nn.LogSoftmax(c.dim as number);
    default: throw new Error(`no module for ${String(c.op)}`);
  }
}

for (const [name, c] of Object.entries(loadFixture("activations"))) {
  test(`activation module matches PyTorch: ${name}`, () => {
    const module = activationFor(c);
    const x = fromFixture(getArray(c, "input"), true);
    const y = module.forward(x);
    assertClose(y, getArray(c, "output"), { ...TOL, label: "output" });
    y.backward(fromFixture(getArray(c, "gradOutput")));
    assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
  });
}

test("Linear accepts inputs of rank 1 and above, and float64 weights", () => {
  const layer = new nn.Linear(3, 2);
  assert.deepEqual(layer.forward(zd.ones([3])).shape, [2]);
  assert.deepEqual(layer.forward(zd.ones([4, 5, 3])).shape, [4, 5, 2]);
  const double = new nn.Linear(3, 2, { dtype: "float64" });
  assert.equal(double.weight.dtype, "float64");
  assert.equal(double.forward(zd.ones([1, 3], { dtype: "float64" })).dtype, "float64");
});

test("Dropout: inverted scaling in training, identity in eval", () => {
  zd.manualSeed(7);
  const drop = new nn.Dropout(0.25);
  const x = zd.ones([20000], { requiresGrad: true });
  const y = drop.forward(x);
  const values = Array.from(y.dataSync());
  const zeros = values.filter((v) => v === 0).length;
  assert.ok(values.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6), "survivors are scaled by 1/(1-p)");
  assert.ok(Math.abs(zeros / values.length - 0.25) < 0.015, `dropped fraction ${zeros / values.length}`);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.dataSync()), values, "the gradient goes through the same mask");
  drop.eval();
  assert.equal(drop.forward(x), x);
  assert.equal(new nn.Dropout(0).forward(x), x);
  const all = new nn.Dropout(1).forward(x);
  assert.ok(Array.from(all.dataSync()).every((v) => v === 0));
  assert.ok(all.requiresGrad, "p = 1 keeps the graph");
  for (const bad of [-0.1, 1.5, Number.NaN]) {
    assert.throws(() => new nn.Dropout(bad), /Dropout: p must be a probability between 0 and 1/);
  }
});

test("Flatten and Identity", () => {
  const x = zd.zeros([2, 3, 4, 5]);
  assert.deepEqual(new nn.Flatten().forward(x).shape, [2, 60]);
  assert.deepEqual(new nn.Flatten(0).forward(x).shape, [120]);
  assert.deepEqual(new nn.Flatten(1, 2).forward(x).shape, [2, 12, 5]);
  assert.equal(new nn.Identity().forward(x), x);
  assert.equal(String(new nn.Flatten()), "Flatten(start_dim=1, end_dim=-1)");
});

test("constructors validate their arguments", () => {
  assert.throws(() => new nn.Linear(-3, 2), /^Error: Linear: inFeatures must be a positive integer, got -3$/);
  assert.throws(() => new nn.Linear(3, 2.5), /Linear: outFeatures must be a positive integer, got 2\.5/);
  const yes = "yes" as unknown as boolean;
  assert.throws(() => new nn.Linear(3, 2, { bias: yes }), /Linear: bias must be true or false/);
  assert.throws(() => new nn.Linear(3, 2, { dtype: "int32" }),
    /Linear: dtype must be one of "float32", "float64"/);
  assert.throws(() => new nn.LeakyReLU(Number.NaN), /LeakyReLU: negativeSlope must be a finite number/);
  assert.throws(() => new nn.Softmax(0.5), /Softmax: dim must be an integer, got 0\.5/);
  assert.throws(() => new nn.GELU({ approximate: "fast" as "tanh" }),
    /GELU: approximate must be one of "none", "tanh", got "fast"/);
  assert.throws(() => new nn.ELU(Infinity), /ELU: alpha must be a finite number/);
  assert.throws(() => new nn.Softplus({ beta: 0 }), /Softplus: beta must be nonzero/);
  assert.throws(() => new nn.Flatten(1.5), /Flatten: startDim must be an integer/);
});

test("forward validates its input", () => {
  assert.throws(() => new nn.Linear(64, 128).forward(zd.zeros([32, 10])),
    /^Error: Linear\(64 → 128\): expected input with last dimension 64, got shape \[32,10\]$/);
  assert.throws(() => new nn.Linear(2, 2).forward(zd.tensor(1)), /at least 1 dimension/);
  assert.throws(() => new nn.ReLU().forward([1, 2] as unknown as zd.Tensor), /ReLU: expected a Tensor input/);
  assert.throws(() => new nn.Softmax(3).forward(zd.zeros([2, 2])), /softmax/);
});

function stats(t: zd.Tensor): { mean: number; std: number; maxAbs: number } {
  const d = t.dataSync();
  let sum = 0, sq = 0, maxAbs = 0;
  for (const v of d) { sum += v; sq += v * v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
  const mean = sum / d.length;
  return { mean, std: Math.sqrt(sq / d.length - mean * mean), maxAbs };
}

test("init: kaiming and xavier follow PyTorch's formulas", () => {
  const w = zd.zeros([400, 500]);
  const bound = Math.sqrt(6 / 500); // gain √2 (a = 0) times √3 / √fanIn
  nn.init.kaimingUniform(w, { seed: 1 });
  let s = stats(w);
  assert.ok(s.maxAbs <= bound && s.maxAbs > 0.999 * bound, `max |w| ${s.maxAbs}, bound ${bound}`);
  assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 0.01 * bound);

  nn.init.kaimingNormal(w, { mode: "fanOut", nonlinearity: "relu", seed: 2 });
  s = stats(w);
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 400)) < 0.02 * Math.sqrt(2 / 400), `std ${s.std}`);

  nn.init.xavierNormal(w, 1, { seed: 3 });
  s = stats(w);
  const xavierStd = Math.sqrt(2 / 900);
  assert.ok(Math.abs(s.std - xavierStd) < 0.02 * xavierStd, `std ${s.std}`);
  assert.ok(Math.abs(s.mean) < 0.05 * xavierStd, `mean ${s.mean}`);

  nn.init.xavierUniform(w, 2, { seed: 4 });
  s = stats(w);
  const xavierBound = 2 * Math.sqrt(6 / 900);
  assert.ok(s.maxAbs <= xavierBound && s.maxAbs > 0.999 * xavierBound);
});

test("init: uniform, normal, constant and seeding", () => {
  const t = zd.zeros([10000]);
  const s = stats(nn.init.uniform(t, -2, 2, { seed: 5 }));
  assert.ok(s.maxAbs <= 2 && Math.abs(s.std - 4 / Math.sqrt(12)) < 0.03 && Math.abs(s.mean) < 0.05);
  const first = Array.from(t.dataSync());
  nn.init.uniform(t, -2, 2, { seed: 5 });
  assert.deepEqual(Array.from(t.dataSync()), first, "same seed, same values");
  const n = stats(nn.init.normal(t, 3, 0.5, { seed: 6 }));
  assert.ok(Math.abs(n.mean - 3) < 0.02 && Math.abs(n.std - 0.5) < 0.02);
  assert.deepEqual(nn.init.constant(zd.zeros([2]), 0.25).toArray(), [0.25, 0.25]);
  assert.deepEqual(nn.init.ones(zd.zeros([2])).toArray(), [1, 1]);
  assert.deepEqual(nn.init.zeros(zd.ones([2])).toArray(), [0, 0]);
  const view = zd.zeros([4, 4]).T;
  nn.init.constant(view, 1);
  assert.ok(Array.from(view.dataSync()).every((v) => v === 1), "works on views");
  assert.throws(() => nn.init.uniform(t, 1, 0), /uniform: expected a <= b/);
  assert.throws(() => nn.init.normal(t, 0, -1), /normal: std must be >= 0/);
  assert.throws(() => nn.init.kaimingUniform(zd.zeros([3])), /fewer than 2 dimensions/);
  assert.throws(() => nn.init.xavierUniform(zd.zeros([3, 3], { dtype: "int32" })), /floating-point tensor/);
});

test("init: calculateGain and calculateFanInAndFanOut", () => {
  assert.equal(nn.init.calculateGain("linear"), 1);
  assert.equal(nn.init.calculateGain("conv2d"), 1);
  assert.equal(nn.init.calculateGain("sigmoid"), 1);
  assert.equal(nn.init.calculateGain("tanh"), 5 / 3);
  assert.equal(nn.init.calculateGain("relu"), Math.SQRT2);
  assert.equal(nn.init.calculateGain("selu"), 0.75);
  assert.equal(nn.init.calculateGain("leakyRelu"), Math.sqrt(2 / (1 + 0.0001)));
  assert.equal(nn.init.calculateGain("leakyRelu", 0.2), Math.sqrt(2 / 1.04));
  assert.throws(() => nn.init.calculateGain("swish" as "relu"), /unknown nonlinearity "swish"/);
  assert.deepEqual(nn.init.calculateFanInAndFanOut(zd.zeros([16, 3, 5, 5])), { fanIn: 75, fanOut: 400 });
  assert.deepEqual(nn.init.calculateFanInAndFanOut(zd.zeros([10, 20])), { fanIn: 20, fanOut: 10 });
});

test("Linear's default init is U(±1/√fanIn) for weight and bias, as PyTorch's", () => {
  const layer = new nn.Linear(400, 300);
  const bound = 1 / Math.sqrt(400);
  const w = stats(layer.weight), b = stats(layer.bias!);
  assert.ok(w.maxAbs <= bound && w.maxAbs > 0.999 * bound, `weight max ${w.maxAbs}, bound ${bound}`);
  assert.ok(Math.abs(w.std - bound / Math.sqrt(3)) < 0.01 * bound);
  assert.ok(b.maxAbs <= bound && b.maxAbs > 0.9 * bound, `bias max ${b.maxAbs}`);
  zd.manualSeed(11);
  const a = new nn.Linear(3, 2);
  zd.manualSeed(11);
  assert.deepEqual(new nn.Linear(3, 2).weight.toArray(), a.weight.toArray(), "seeded by manualSeed");
});
