import { test } from "node:test";
import assert from "node:assert/strict";
import { noGrad, ones, tensor, zeros, type Tensor } from "../../src/index.js";
import * as zd from "../../src/index.js";
import {
  Adam, AdamW, Adagrad, RMSprop, SGD, type Optimizer, type OptimizerStateDict, type Params,
} from "../../src/optim/index.js";
import { loadFixture, type FixtureArray, type FixtureValue } from "../helpers/fixtures.js";
import { onFloat64Backend } from "../helpers/on-backend.js";

function fromFixture(a: FixtureValue, requiresGrad = false): Tensor {
  const { shape, data } = a as FixtureArray;
  return tensor(Float32Array.from(data), { shape, requiresGrad });
}

/** |actual - expected| <= atol + rtol * |expected|, element-wise. */
function assertClose(actual: Tensor, expected: ArrayLike<number>, label: string,
  rtol = 1e-5, atol = 1e-6): void {
  const got = actual.dataSync();
  assert.equal(got.length, expected.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    const diff = Math.abs(got[i] - expected[i]);
    assert.ok(diff <= atol + rtol * Math.abs(expected[i]),
      `${label}[${i}]: got ${got[i]}, expected ${expected[i]} (diff ${diff})`);
  }
}

type AnyOptimizer = Optimizer;

/** Builds an optimizer by its PyTorch class name with options from a fixture. */
function makeOptimizer(name: string, params: Params<never> | unknown[],
  options: unknown): AnyOptimizer {
  const p = params as Params<never>;
  switch (name) {
    case "SGD": return new SGD(p, options as never);
    case "Adagrad": return new Adagrad(p, options as never);
    case "RMSprop": return new RMSprop(p, options as never);
    case "Adam": return new Adam(p, options as never);
    case "AdamW": return new AdamW(p, options as never);
    default: throw new Error(`unknown optimizer ${name}`);
  }
}

type Step = { p0: FixtureArray; p1: FixtureArray };
const cases = loadFixture("optim");

function setup(c: Record<string, FixtureValue>): { p0: Tensor; p1: Tensor; opt: AnyOptimizer } {
  const p0 = fromFixture(c.p0, true), p1 = fromFixture(c.p1, true);
  const named: Record<string, Tensor> = { p0, p1 };
  const groups = c.groups as { params: string[]; options: Record<string, FixtureValue> }[] | undefined;
  const params = groups === undefined ? [p0, p1]
    : groups.map((g) => ({ params: g.params.map((n) => named[n]), ...g.options }));
  return { p0, p1, opt: makeOptimizer(c.optimizer as string, params, c.options) };
}

function runSteps(p0: Tensor, p1: Tensor, opt: AnyOptimizer, grads: Step[]): void {
  for (const g of grads) {
    p0.grad = fromFixture(g.p0);
    p1.grad = fromFixture(g.p1);
    opt.step();
  }
}

for (const [name, c] of Object.entries(cases)) {
  test(`optim fixture ${name}: matches PyTorch after each of 10 steps`, () => {
    const { p0, p1, opt } = setup(c);
    const grads = c.grads as Step[], after = c.after_step as Step[];
    grads.forEach((g, i) => {
      runSteps(p0, p1, opt, [g]);
      assertClose(p0, after[i].p0.data, `${name} step ${i + 1} p0`, 1e-6, 1e-6);
      assertClose(p1, after[i].p1.data, `${name} step ${i + 1} p1`, 1e-6, 1e-6);
    });
    assertClose(p0, (c.final_p0 as FixtureArray).data, `${name} final p0`);
    assertClose(p1, (c.final_p1 as FixtureArray).data, `${name} final p1`);
  });
}

for (const name of ["sgd_nesterov_weight_decay", "adagrad_lr_decay_weight_decay_init_acc",
  "rmsprop_momentum_centered_weight_decay", "adam_amsgrad_weight_decay", "adamw_amsgrad",
  "sgd_param_groups"]) {
  test(`${name}: stateDict after 5 steps, loaded into a fresh optimizer, continues exactly`, () => {
    const c = cases[name], grads = c.grads as Step[];
    const straight = setup(c);
    runSteps(straight.p0, straight.p1, straight.opt, grads);

    const first = setup(c);
    runSteps(first.p0, first.p1, first.opt, grads.slice(0, 5));
    const saved = first.opt.stateDict();
    const at5 = [first.p0.clone(), first.p1.clone()];
    runSteps(first.p0, first.p1, first.opt, grads.slice(5, 6)); // the saved dict must not change
    const resumed = setup(c);
    noGrad(() => {
      resumed.p0.assign(at5[0]);
      resumed.p1.assign(at5[1]);
    });
    resumed.opt.loadStateDict(saved);
    runSteps(resumed.p0, resumed.p1, resumed.opt, grads.slice(5));
    assert.deepEqual(resumed.p0.dataSync(), straight.p0.dataSync());
    assert.deepEqual(resumed.p1.dataSync(), straight.p1.dataSync());
  });
}

test("stateDict has PyTorch's layout: parameters numbered across groups, options per group", () => {
  const a = zeros([2], { requiresGrad: true }), b = zeros([3], { requiresGrad: true });
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, amsgrad: true }], { lr: 0.1 });
  b.grad = ones([3]);
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0], [1]]);
  assert.equal(sd.paramGroups[1].lr, 0.5);
  assert.deepEqual(sd.paramGroups[0].betas, [0.9, 0.999]);
  assert.deepEqual(Object.keys(sd.state), ["1"]);
  assert.deepEqual(Object.keys(sd.state[1]).sort(), ["expAvg", "expAvgSq", "maxExpAvgSq", "step"]);
  assert.equal(sd.state[1].step, 1);
  assert.notEqual(sd.state[1].expAvg, opt.state.get(b)?.expAvg, "state tensors are copies");
});

test("loadStateDict checks everything before changing anything", () => {
  const make = (): { opt: SGD; w: Tensor } => {
    const w = zeros([2, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = ones([2, 2]);
    opt.step();
    return { opt, w };
  };
  const { opt } = make();
  const good = opt.stateDict();
  const target = make().opt;
  const before = JSON.stringify(target.stateDict().paramGroups);
  const bad = (sd: unknown, pattern: RegExp): void => {
    assert.throws(() => target.loadStateDict(sd as OptimizerStateDict), pattern);
    assert.equal(JSON.stringify(target.stateDict().paramGroups), before);
  };
  bad({ ...good, paramGroups: [...good.paramGroups, good.paramGroups[0]] },
    /has 2 param groups, this optimizer has 1/);
  bad({ ...good, paramGroups: [{ ...good.paramGroups[0], params: [0, 1] }] },
    /has 2 parameters in the state dict and 1/);
  bad({ ...good, state: { 0: { momentumBuffer: zeros([3]) } } },
    /"momentumBuffer" has shape \[3\], expected \[2, ?2\]/);
  bad({ ...good, state: { 7: {} } }, /state for parameter 7, which no param group lists/);
  bad({ ...good, paramGroups: [{ ...good.paramGroups[0], lr: -1 }] },
    /lr must be a non-negative number, got -1/);
  bad({ ...good, paramGroups: [{ ...good.paramGroups[0], betas: [0.9, 0.99] }] }, /unknown option "betas"/);
  const adam = new Adam([zeros([2, 2], { requiresGrad: true })], { amsgrad: true });
  assert.throws(() => adam.loadStateDict({ paramGroups: [{ ...adam.stateDict().paramGroups[0] }],
    state: { 0: { step: 1, expAvg: zeros([2, 2]), expAvgSq: zeros([2, 2]) } } }), /missing "maxExpAvgSq"/);
  target.loadStateDict(good);
  const loaded = target.stateDict().state[0].momentumBuffer as Tensor;
  assert.deepEqual(loaded.dataSync(), (good.state[0].momentumBuffer as Tensor).dataSync());
});

test("constructors validate hyper-parameters with clear messages", () => {
  const p = (): Tensor[] => [zeros([2], { requiresGrad: true })];
  assert.throws(() => new SGD(p(), { lr: -1 }), /^Error: SGD: lr must be a non-negative number, got -1$/);
  assert.throws(() => new Adam(p(), { betas: [1.2, 0.999] }),
    /^Error: Adam: betas\[0\] must be a number in \[0, 1\), got 1.2$/);
  assert.throws(() => new AdamW(p(), { betas: [0.9, 1] }),
    /AdamW: betas\[1\] must be a number in \[0, 1\), got 1/);
  assert.throws(() => new SGD(p(), { nesterov: true }),
    /SGD: nesterov requires momentum > 0 and dampening 0/);
  assert.throws(() => new SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }), /nesterov requires/);
  assert.throws(() => new SGD([]), /SGD: got an empty parameter list/);
  const w = zeros([2], { requiresGrad: true });
  assert.throws(() => new SGD([w, w]), /params\[1\] appears more than once/);
  assert.throws(() => new SGD([{ params: [w] }, { params: [w] }]),
    /param group 1: params\[0\] appears more than once/);
  assert.throws(() => new SGD(p(), { momentom: 0.9 } as never),
    /SGD: unknown option "momentom"; expected one of lr, momentum/);
  assert.throws(() => new SGD([{ params: p(), lr: -2 }]),
    /SGD: param group 0: lr must be a non-negative number, got -2/);
  assert.throws(() => new SGD([w.mul(2)]), /not a leaf tensor/);
  assert.throws(() => new SGD(w as never), /got one Tensor; wrap it in an array/);
  assert.throws(() => new Adagrad(p(), { lrDecay: -0.1 }), /Adagrad: lrDecay must be a non-negative number/);
  assert.throws(() => new Adagrad(p(), { initialAccumulatorValue: -1 }), /initialAccumulatorValue must be/);
  assert.throws(() => new RMSprop(p(), { alpha: -1 }),
    /RMSprop: alpha must be a non-negative number, got -1/);
  assert.throws(() => new RMSprop(p(), { centered: 1 as never }),
    /RMSprop: centered must be true or false, got 1/);
  assert.throws(() => new Adam(p(), { eps: Number.NaN }), /Adam: eps must be a non-negative number, got NaN/);
  assert.throws(() => new Adam(p(), { betas: [0.9] as never }), /betas must be an array of two numbers/);
});

test("defaults are PyTorch's (SGD lr 1e-3), and AdamW decays by 1e-2", () => {
  const p = (): Tensor[] => [zeros([2], { requiresGrad: true })];
  assert.deepEqual({ ...new SGD(p()).defaults }, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0,
    nesterov: false, maximize: false });
  assert.equal(new Adagrad(p()).defaults.eps, 1e-10);
  assert.equal(new RMSprop(p()).defaults.alpha, 0.99);
  assert.equal(new Adam(p()).defaults.weightDecay, 0);
  assert.equal(new AdamW(p()).defaults.weightDecay, 1e-2);
});

test("zeroGrad sets every gradient to null", () => {
  const a = zeros([2], { requiresGrad: true }), b = zeros([3], { requiresGrad: true });
  const opt = new SGD([{ params: [a] }, { params: [b] }]);
  a.grad = ones([2]);
  b.grad = ones([3]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.equal(b.grad, null);
});

test("a parameter without a gradient is skipped and gets no state", () => {
  const a = ones([2], { requiresGrad: true }), b = ones([2], { requiresGrad: true });
  const opt = new Adam([a, b], { lr: 0.1 });
  a.grad = tensor([1, -1]);
  opt.step();
  assertClose(a, [0.9, 1.1], "a", 1e-6);
  assert.deepEqual(Array.from(b.dataSync()), [1, 1]);
  assert.equal(opt.state.has(b), false);
});

test("works through autograd: minimizes a quadratic, and lr changes via paramGroups take effect", () => {
  const w = tensor([3, -2], { requiresGrad: true });
  const opt = new SGD([w], { lr: 0.1, momentum: 0.5 });
  for (let i = 0; i < 60; i++) {
    opt.zeroGrad();
    w.mul(w).sum().backward();
    opt.step();
  }
  assert.ok(Math.abs(w.dataSync()[0]) < 1e-3 && Math.abs(w.dataSync()[1]) < 1e-3);
  opt.paramGroups[0].lr = 0;
  const before = Array.from(w.dataSync());
  w.grad = ones([2]);
  opt.step();
  opt.state.clear();
  opt.step();
  assert.deepEqual(Array.from(w.dataSync()), before);
});

test("maximize steps up the gradient; float64 parameters keep float64 state", () => onFloat64Backend(() => {
  const up = tensor([1, 2], { requiresGrad: true }), down = tensor([1, 2], { requiresGrad: true });
  const a = new Adam([up], { lr: 0.1, maximize: true }), b = new Adam([down], { lr: 0.1 });
  up.grad = tensor([0.5, -1]);
  down.grad = tensor([-0.5, 1]);
  a.step();
  b.step();
  assert.deepEqual(up.dataSync(), down.dataSync());
  const d = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const r = new RMSprop([d], { centered: true, momentum: 0.9 });
  d.grad = tensor([0.1, 0.2], { dtype: "float64" });
  r.step();
  const s = r.state.get(d);
  assert.equal(s?.squareAvg.dtype, "float64");
  assert.equal(s?.gradAvg?.dtype, "float64");
  assert.equal(d.dtype, "float64");
}));

test("addParamGroup adds parameters with their own options; step returns the closure's value", () => {
  const a = ones([2], { requiresGrad: true }), b = ones([2], { requiresGrad: true });
  const opt = new SGD([a], { lr: 0.1 });
  opt.addParamGroup({ params: [b], lr: 1 });
  assert.throws(() => opt.addParamGroup({ params: [a] }),
    /param group 2: params\[0\] appears more than once/);
  a.grad = ones([2]);
  b.grad = ones([2]);
  assert.equal(opt.step(() => 42), 42);
  assertClose(a, [0.9, 0.9], "a", 1e-6);
  assertClose(b, [0, 0], "b", 1e-6);
  b.grad = ones([3]);
  assert.throws(() => opt.step(),
    /SGD.step: the gradient of parameter 1 has shape \[3\] but the parameter has shape \[2\]/);
});

test("optimizer state survives a tidy() the caller wraps around step()", () => {
  const w = zd.randn([3, 2], { seed: 5 }).requiresGrad_();
  const opt = new zd.optim.Adam([w], { lr: 0.1 });
  for (let i = 0; i < 3; i++) {
    zd.tidy(() => {
      opt.zeroGrad();
      w.square().sum().backward();
      opt.step();
    });
  }
  assert.ok(w.dataSync().every(Number.isFinite));
  const cyclic: { self?: unknown; t: zd.Tensor } = { t: zd.ones([1]) };
  cyclic.self = cyclic;
  const kept = zd.tidy(() => cyclic);
  assert.equal(kept.t.isDisposed, false);
});
