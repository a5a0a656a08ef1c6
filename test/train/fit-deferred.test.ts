// fit's loop with its reads deferred (what fitAsync does on a GPU, where each read is asynchronous): the
// losses and metric sums stay tensors and are read every `readEvery` steps. Driven here on the CPU
// backend through the public generator, so it is checked against `fit` itself.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { fitSteps, runAsync, runSync, type FitOptions } from "../../src/train/index.js";
import type { History } from "../../src/train/callbacks.js";

const { nn, optim } = zd;

function run(readEvery: number | null, poison = false): Promise<{ history: History; events: string[] }> {
  zd.manualSeed(0);
  const scale = Array.from({ length: 100 }, (_, i) => (poison && i === 50 ? NaN : 1));
  const x = zd.randn([100, 4], { seed: 3 }).mul(zd.tensor(scale, { shape: [100, 1] }));
  const y = x.select(1, 0).add(x.select(1, 1)).gt(0).int();
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 2));
  const events: string[] = [];
  const options: FitOptions = {
    loss: nn.functional.crossEntropy, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), epochs: 3,
    batchSize: 16, metrics: ["accuracy"], validationSplit: 0.2, verbose: 0, seed: 1,
    onEvent: (e) => {
      if (e.type === "batchEnd") events.push(`${e.epoch}.${e.step}:${e.loss.toFixed(6)}`);
      else events.push(e.type);
    },
  };
  const steps = readEvery === null ? fitSteps(model, x, y, options)
    : fitSteps(model, x, y, options, readEvery);
  return runAsync(steps, { yieldEveryMs: 0 }).then((history) => ({ history, events }));
}

test("deferred reads: the same history, the same events in the same order as reading each step", async () => {
  const direct = await run(null);
  for (const every of [1, 3, 16]) {
    const deferred = await run(every);
    assert.deepEqual(deferred.events, direct.events, `readEvery ${every}`);
    for (const [key, values] of Object.entries(direct.history.history)) {
      const got = deferred.history.history[key];
      assert.equal(got.length, values.length, key);
      // metric sums are float32 scalars on the device instead of doubles: equal to float32 precision
      values.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-6 * Math.max(1, Math.abs(v)),
        `readEvery ${every}, ${key}[${i}]: ${got[i]} vs ${v}`));
    }
  }
});

test("deferred reads: a non-finite loss is reported at the read, naming its step", async () => {
  await assert.rejects(run(4, true), /the loss became NaN at epoch 1, step \d+.*read back every 4 steps/);
});

test("a loop that reads asynchronously cannot be drained synchronously", () => {
  const x = zd.randn([8, 2], { seed: 1 }), y = zd.tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: "int32" });
  const model = new nn.Linear(2, 2);
  const steps = fitSteps(model, x, y, { loss: nn.functional.crossEntropy, verbose: 0,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) }, 2);
  assert.throws(() => runSync(steps), /reads a GPU asynchronously was run synchronously; use its async form/);
});
