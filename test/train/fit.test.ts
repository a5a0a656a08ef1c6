import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { collectGarbage } from "../../src/core/memory.js";

const { nn, optim } = zd;

function toyData(): { x: zd.Tensor; y: zd.Tensor } {
  const x = zd.randn([128, 4], { seed: 3 });
  const y = x.select(1, 0).add(x.select(1, 1)).gt(0).int();
  return { x, y };
}

test("fit trains, logs loss/metrics/validation and returns the history", () => {
  zd.manualSeed(0);
  const { x, y } = toyData();
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 2));
  const events: string[] = [];
  const history = zd.fit(model, x, y, {
    loss: nn.functional.crossEntropy, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
    epochs: 15, batchSize: 32, metrics: ["accuracy"], validationSplit: 0.25, verbose: 0, seed: 1,
    onEvent: (e) => events.push(e.type),
  });
  assert.deepEqual(Object.keys(history.history).sort(), ["accuracy", "loss", "valAccuracy", "valLoss"]);
  assert.equal(history.history.loss.length, 15);
  assert.ok(history.history.loss[14] < history.history.loss[0] * 0.5);
  assert.ok(history.history.valAccuracy[14] > 0.85, `val accuracy ${history.history.valAccuracy[14]}`);
  assert.equal(events[0], "trainBegin");
  assert.equal(events.at(-1), "trainEnd");
  assert.equal(events.filter((e) => e === "batchEnd").length, 15 * 3);
});

test("EarlyStopping stops after `patience` epochs without improvement and restores the best weights", () => {
  zd.manualSeed(1);
  const { x, y } = toyData();
  const model = new nn.Sequential(new nn.Linear(4, 2));
  // a scripted monitored value: best at epoch 3, then worse
  const script = [5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9];
  const stopper = new zd.callbacks.EarlyStopping({ monitor: "scripted", patience: 1,
    restoreBestWeights: true });
  let bestWeights: number[] = [];
  const history = zd.fit(model, x, y, {
    loss: nn.functional.crossEntropy, optimizer: new optim.SGD(model.parameters(), { lr: 0.5 }), epochs: 8,
    batchSize: 32, verbose: 0, callbacks: [{
      onEpochEnd: (e, ctx) => {
        e.logs.scripted = script[e.epoch - 1];
        if (e.epoch === 3) bestWeights = [...ctx.model.stateDict().get("0.weight")!.dataSync()];
      },
    }, stopper],
  });
  assert.equal(stopper.stoppedEpoch, 5);
  assert.equal(history.epoch.length, 5);
  assert.deepEqual([...model.stateDict().get("0.weight")!.dataSync()], bestWeights);
  assert.throws(() => new zd.callbacks.EarlyStopping({ patience: -1 }),
    /patience must be a non-negative integer/);
});

test("fit stops with a clear error when the loss is not finite", () => {
  const model = new nn.Sequential(new nn.Linear(1, 1));
  const x = zd.tensor([[1], [NaN]]), y = zd.tensor([[1], [2]]);
  assert.throws(() => zd.fit(model, x, y, {
    loss: nn.functional.mseLoss, optimizer: new optim.SGD(model.parameters()), verbose: 0, batchSize: 2,
  }), /loss became NaN at epoch 1, step 1/);
});

test("fit validates its arguments", () => {
  const model = new nn.Sequential(new nn.Linear(2, 1));
  const opt = new optim.SGD(model.parameters());
  const x = zd.zeros([4, 2]), y = zd.zeros([3, 1]);
  assert.throws(() => zd.fit(model, x, y, { loss: nn.functional.mseLoss, optimizer: opt }),
    /x has 4 samples .* y has 3/);
  assert.throws(() => zd.fit(model, x, zd.zeros([4, 1]),
    { loss: nn.functional.mseLoss, optimizer: opt, epochs: 0 }),
    /epochs must be a positive integer, got 0/);
  assert.throws(() => zd.fit(model, x, zd.zeros([4, 1]),
    { loss: nn.functional.mseLoss, optimizer: opt, validationSplit: 1 }),
    /validationSplit must be in \(0, 1\)/);
});

test("a long loop without dispose keeps backend memory flat", async () => {
  zd.manualSeed(2);
  const { x, y } = toyData();
  const model = new nn.Sequential(new nn.Linear(4, 32), new nn.ReLU(), new nn.Linear(32, 2));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const step = (): void => {
    opt.zeroGrad();
    nn.functional.crossEntropy(model.call(x), y).backward();
    opt.step();
  };
  // Garbage waits for the next collection (every 64 MiB allocated), so compare what is retained
  // after one: a leak grows it, garbage does not; the peak between collections is bounded too.
  let peak = 0;
  const settle = async (): Promise<number> => {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 10));
    return zd.memory().numBytes;
  };
  for (let i = 0; i < 300; i++) step();
  const early = await settle();
  for (let chunk = 0; chunk < 10; chunk++) {
    for (let i = 0; i < 300; i++) {
      step();
      peak = Math.max(peak, zd.memory().numBytes);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  const late = await settle();
  assert.ok(late < early * 3 + 1e6, `bytes after 300 steps: ${early}, after 3,300: ${late}`);
  assert.ok(peak < 200 * 2 ** 20, `peak bytes between collections: ${peak}`);
});
