import { test } from "node:test";
import assert from "node:assert/strict";
import { zeros, type Tensor } from "../../src/index.js";
import {
  CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, ReduceLROnPlateau, SGD, StepLR,
  type SchedulableOptimizer, type SchedulerStateDict,
} from "../../src/optim/index.js";
import { loadFixture } from "../helpers/fixtures.js";

interface Scheduler {
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
}

const cases = loadFixture("schedulers");
const param = (): Tensor => zeros([1], { requiresGrad: true });

function makeScheduler(name: string, opt: SchedulableOptimizer, options: unknown): Scheduler {
  const o = options as never;
  switch (name) {
    case "StepLR": return new StepLR(opt, o);
    case "MultiStepLR": return new MultiStepLR(opt, o);
    case "ExponentialLR": return new ExponentialLR(opt, o);
    case "CosineAnnealingLR": return new CosineAnnealingLR(opt, o);
    case "LinearLR": return new LinearLR(opt, o);
    case "ReduceLROnPlateau": return new ReduceLROnPlateau(opt, o);
    default: throw new Error(`unknown scheduler ${name}`);
  }
}

function advance(s: Scheduler, metric: number | undefined): void {
  if (s instanceof ReduceLROnPlateau) s.step(metric as number);
  else (s as StepLR).step();
}

function assertLr(actual: number, expected: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected),
    `${label}: got ${actual}, expected ${expected}`);
}

for (const [name, c] of Object.entries(cases)) {
  const lrs = c.lrs as number[], metrics = c.metrics as number[] | undefined;
  test(`scheduler fixture ${name}: matches PyTorch's lr before and after each of 12 steps`, () => {
    const w = param();
    const opt = new SGD([w], { lr: c.baseLr as number });
    const s = makeScheduler(c.scheduler as string, opt, c.options);
    assertLr(opt.paramGroups[0].lr, lrs[0], `${name} lr 0`);
    for (let i = 1; i < lrs.length; i++) {
      w.grad = zeros([1]);
      opt.step();
      advance(s, metrics?.[i - 1]);
      assertLr(opt.paramGroups[0].lr, lrs[i], `${name} lr ${i}`);
      assert.deepEqual(s.getLastLr(), [opt.paramGroups[0].lr]);
    }
  });

  test(`scheduler fixture ${name}: stateDict after 5 steps resumes the same schedule`, () => {
    const opt = new SGD([param()], { lr: c.baseLr as number });
    const s = makeScheduler(c.scheduler as string, opt, c.options);
    for (let i = 0; i < 5; i++) advance(s, metrics?.[i]);
    const saved = JSON.parse(JSON.stringify({ opt: opt.stateDict(), s: s.stateDict() })) as
      { opt: ReturnType<SGD["stateDict"]>; s: SchedulerStateDict };
    // PyTorch's order: make both, then load the optimizer and the scheduler.
    const opt2 = new SGD([param()], { lr: c.baseLr as number });
    const s2 = makeScheduler(c.scheduler as string, opt2, c.options);
    opt2.loadStateDict(saved.opt);
    s2.loadStateDict(saved.s);
    assert.deepEqual(s2.getLastLr(), s.getLastLr());
    for (let i = 5; i < 12; i++) {
      advance(s2, metrics?.[i]);
      assertLr(opt2.paramGroups[0].lr, lrs[i + 1], `${name} resumed lr ${i + 1}`);
    }
  });
}

test("schedulers set every param group from its own base lr", () => {
  const opt = new SGD([{ params: [param()], lr: 1 }, { params: [param()], lr: 0.5 }]);
  const s = new CosineAnnealingLR(opt, { tMax: 2 });
  assert.deepEqual(s.baseLrs, [1, 0.5]);
  s.step();
  s.step();
  assert.deepEqual(s.getLastLr().map((x) => Math.round(x * 1e12) / 1e12), [0, 0]);
  const two = new SGD([{ params: [param()], lr: 1 }, { params: [param()], lr: 0.5 }]);
  const e = new ExponentialLR(two, { gamma: 0.5 });
  e.step();
  assert.deepEqual(e.getLastLr(), [0.5, 0.25]);
});

test("MultiStepLR decays twice at a repeated milestone; LinearLR has PyTorch's defaults", () => {
  const opt = new SGD([param()], { lr: 1 });
  const s = new MultiStepLR(opt, { milestones: [2, 2], gamma: 0.5 });
  s.step();
  s.step();
  assert.deepEqual(s.getLastLr(), [0.25]);
  const l = new LinearLR(new SGD([param()], { lr: 0.3 }));
  assertLr(l.getLastLr()[0], 0.1, "LinearLR start");
  for (let i = 0; i < 5; i++) l.step();
  assertLr(l.getLastLr()[0], 0.3, "LinearLR end");
});

test("ReduceLROnPlateau: mode max, abs threshold, per-group minLr, tensor metrics", () => {
  const opt = new SGD([{ params: [param()], lr: 1 }, { params: [param()], lr: 1 }]);
  const s = new ReduceLROnPlateau(opt, { mode: "max", thresholdMode: "abs", threshold: 0.1, patience: 0,
    factor: 0.5, minLr: [0.6, 0] });
  s.step(1);
  s.step(1.05); // not better than 1 + 0.1: reduce
  assert.deepEqual(s.getLastLr(), [0.6, 0.5]);
  s.step(zeros([1]).add(2));
  assert.deepEqual(s.getLastLr(), [0.6, 0.5]);
  s.step(2);
  assert.deepEqual(s.getLastLr(), [0.6, 0.25]);
  assert.equal(s.stateDict().best, 2);
  assert.equal(new ReduceLROnPlateau(opt).stateDict().best, null);
});

test("scheduler options are validated with clear messages", () => {
  const opt = new SGD([param()], { lr: 0.1 });
  assert.throws(() => new StepLR(opt, { stepSize: 0 }),
    /^Error: StepLR: stepSize must be a positive integer, got 0$/);
  assert.throws(() => new StepLR(opt, { stepSize: 2, gamma: -1 }),
    /StepLR: gamma must be a non-negative number/);
  assert.throws(() => new StepLR(opt, { stepSize: 2, step: 1 } as never), /StepLR: unknown option "step"/);
  assert.throws(() => new MultiStepLR(opt, { milestones: [3, 1.5] }),
    /milestones\[1\] must be a positive integer/);
  assert.throws(() => new MultiStepLR(opt, { milestones: 3 } as never), /milestones must be an array/);
  assert.throws(() => new ExponentialLR(opt, {} as never),
    /ExponentialLR: gamma must be a non-negative number, got undefined/);
  assert.throws(() => new CosineAnnealingLR(opt, { tMax: -5 }),
    /CosineAnnealingLR: tMax must be a positive integer/);
  assert.throws(() => new LinearLR(opt, { startFactor: 0 }),
    /LinearLR: startFactor must be a number in \(0, 1\], got 0/);
  assert.throws(() => new LinearLR(opt, { endFactor: 1.5 }),
    /LinearLR: endFactor must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => new ReduceLROnPlateau(opt, { factor: 1 }),
    /ReduceLROnPlateau: factor must be a number in \[0, 1\), got 1/);
  assert.throws(() => new ReduceLROnPlateau(opt, { mode: "up" as never }),
    /mode must be one of "min", "max", got "up"/);
  assert.throws(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] }),
    /minLr has 2 values but the optimizer has 1/);
  assert.throws(() => new StepLR({} as never, { stepSize: 1 }), /StepLR: expected an optimizer/);
  const s = new StepLR(opt, { stepSize: 2 });
  assert.throws(() => s.loadStateDict({ lastEpoch: -3 }), /lastEpoch must be a non-negative integer, got -3/);
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), baseLrs: [1, 2] }),
    /"baseLrs" must be an array of 1/);
});
