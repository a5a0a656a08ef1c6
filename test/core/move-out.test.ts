// Memory in synchronous loops where the engine cannot run finalizers inside them (browsers), simulated
// in Node by switching on the adoption of core/move-out.ts: the wasm heap and the JS heap stay bounded
// with no dispose, no tidy and no await, and moving storages out changes no result.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { _adoptWithoutHooks } from "../../src/core/memory.js";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const MiB = 2 ** 20;
setFlagsFromString("--expose-gc");
const gcNow = runInNewContext("gc") as () => void;
after(() => { _adoptWithoutHooks(false); });

/** The page's loop (test/browser/page/memory-loop.ts): a small MLP, SGD with momentum, fresh noise. */
function setUp(): { step: () => number; model: zd.nn.Module } {
  zd.manualSeed(1);
  const { nn, optim } = zd;
  const model = new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 10));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = zd.randn([32, 64]);
  const y = zd.randint(0, 10, [32]);
  return {
    model,
    step: () => {
      optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(model.call(x.add(zd.randn([32, 64]).mul(0.01))), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    },
  };
}

function parameters(model: zd.nn.Module): number[][] {
  return model.parameters().map((p) => Array.from(p.dataSync()));
}

describe("synchronous loops without engine hooks (adoption and move-out)", () => {
  test("wasm: a 3,000-step loop keeps the wasm heap, live bytes and JS heap flat", () => {
    zd.setBackend("wasm");
    const adopter = _adoptWithoutHooks(true, 4 * MiB);
    assert.ok(adopter);
    const { step } = setUp();
    const probe = (): { heap: number; live: number; js: number } => {
      const m = zd.memory({ collect: false });
      gcNow();
      return { heap: m.heapBytes ?? 0, live: m.numBytes, js: process.memoryUsage().heapUsed };
    };
    let mid = probe();
    for (let i = 1; i <= 3000; i++) {
      step();
      if (i === 1000) mid = probe();
    }
    const end = probe();
    _adoptWithoutHooks(false);
    assert.ok(adopter.moveOuts >= 10, `${adopter.moveOuts} move-outs in 3,000 steps of ~46 KiB`);
    // kept, the 2,000 steps between the probes would hold ~90 MiB of storage and ~52,000 tensors
    assert.ok(end.heap <= mid.heap + 2 * MiB, `wasm heap ${end.heap} after ${mid.heap} at step 1,000`);
    assert.ok(end.live <= 8 * MiB, `live bytes ${end.live} <= 8 MiB (4 MiB budget)`);
    assert.ok(end.js <= mid.js + 8 * MiB, `JS heap ${end.js} after ${mid.js} at step 1,000`);
  });

  for (const backend of ["wasm", "js"] as const) {
    test(`${backend}: moving out changes no loss and no parameter`, () => {
      zd.setBackend(backend);
      const run = (adopt: boolean): { losses: number[]; params: number[][]; moveOuts: number } => {
        const adopter = _adoptWithoutHooks(adopt, 256 * 1024);
        const { step, model } = setUp();
        const losses: number[] = [];
        for (let i = 0; i < 60; i++) losses.push(step());
        const moveOuts = adopter?.moveOuts ?? 0;
        const params = parameters(model);
        _adoptWithoutHooks(false);
        return { losses, params, moveOuts };
      };
      const plain = run(false), adopted = run(true);
      assert.ok(adopted.moveOuts > 0, "the 256 KiB budget made it move storages out");
      assert.deepEqual(adopted.losses, plain.losses);
      assert.deepEqual(adopted.params, plain.params);
    });
  }

  test("a tensor held across move-outs, its views and one updated in place read back intact", () => {
    zd.setBackend("wasm");
    const adopter = _adoptWithoutHooks(true, 64 * 1024);
    const held = zd.arange(0, 1000).reshape([10, 100]);
    const view = held.slice(0, 1, 3).slice(1, 3, 6);  // rows 1-2, columns 3-5
    const counter = zd.zeros([5]);
    for (let i = 0; i < 200; i++) {
      zd.randn([64, 64]).relu();  // 16 KiB of garbage a step
      counter.assign(counter.add(1));
    }
    assert.ok((adopter?.moveOuts ?? 0) > 5);
    assert.equal(held.sum().item(), 499500);
    assert.deepEqual(Array.from(view.dataSync()), [103, 104, 105, 203, 204, 205]);
    assert.deepEqual(Array.from(counter.dataSync()), [200, 200, 200, 200, 200]);
    held.dispose();
    assert.throws(() => held.sum(), /disposed/);
    assert.deepEqual(Array.from(view.dataSync()), [103, 104, 105, 203, 204, 205], "the view outlives it");
    _adoptWithoutHooks(false);
  });

  test("a view adopted while its base is registered keeps the base's storage in place", () => {
    zd.setBackend("wasm");
    const base = zd.ones([256, 256]);  // made with the hooks: registered
    const adopter = _adoptWithoutHooks(true, 64 * 1024);
    let view = base.reshape([65536]);
    for (let i = 0; i < 50; i++) {
      view = base.reshape([65536]);
      zd.randn([64, 64]).relu();
    }
    assert.ok((adopter?.moveOuts ?? 0) > 0);
    _adoptWithoutHooks(false);
    assert.equal(view.sum().item(), 65536);
    base.assign(base.mul(2));
    assert.equal(view.sum().item(), 131072, "the view still aliases its base");
  });
});
