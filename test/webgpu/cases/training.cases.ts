// Training on WebGPU (SwiftShader in a child process, see test/webgpu/webgpu.test.ts): the digits MLP
// reaches the accuracy of the CPU backends, a loop that never disposes keeps GPU memory flat, and
// tensors of two backends do not mix silently.
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertClose } from "../../helpers/allclose.js";

function cases(): void {
  const { nn, optim } = zd;

  test("the digits MLP trains to at least 0.96 test accuracy on webgpu", async () => {
    const { x, y } = zd.data.loadDigits();
    const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(x.div(16), y, { testSize: 0.25, seed: 0 });
    assert.equal(xTrain.backend.name, "webgpu");
    zd.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const history = await zd.fitAsync(model, xTrain, yTrain, { loss: nn.functional.crossEntropy, optimizer,
      epochs: 10, batchSize: 128, seed: 0, verbose: 0 });
    const losses = history.history.loss;
    assert.ok(losses[losses.length - 1] < losses[0] / 4, `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
    const predicted = zd.noGrad(() => model.forward(xTest).argmax(1));
    const accuracy = (await predicted.eq(yTest).float().mean().data())[0];
    assert.ok(accuracy >= 0.96, `test accuracy ${accuracy}`);
  });

  test("a training loop that never disposes keeps GPU memory flat", () => {
    // 100 steps, not 10,000: SwiftShader (a CPU emulation, on shared cores) takes about 0.2 s a step even
    // here. Each step leaves about 3 MiB of garbage, so the collector's 64 MiB budget passes every 25 steps
    // or so: the loop sees about four collections, and the second half must not hold more than the first.
    const steps = 100, n = 65_536;
    const w = zd.zeros([n]).requiresGrad_(), x = zd.randn([n], { seed: 1 }), target = x.mul(3).add(1);
    const b = zd.zeros([1]).requiresGrad_();
    const optimizer = new optim.SGD([w, b], { lr: 0.5 });
    const peak = [0, 0], losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const loss = w.mul(x).add(b).sub(target).square().mean();
      loss.backward();
      optimizer.step();
      if (step % 20 === 0) losses.push(loss.item());
      const { heapBytes = 0 } = zd.memory({ collect: false });
      const half = step < steps / 2 ? 0 : 1;
      peak[half] = Math.max(peak[half], heapBytes);
    }
    assert.ok(losses[losses.length - 1] < losses[0], `the loss falls: ${losses.join(", ")}`);
    assert.ok(peak[0] > 0, "memory() reports the GPU bytes held");
    assert.ok(peak[1] <= peak[0] * 1.1,
      `GPU bytes held: peak ${peak[0]} in the first half, ${peak[1]} after`);
    const info = zd.memory();
    assert.equal(info.backend, "webgpu");
    assert.ok(info.numBytes < 16 * 2 ** 20, `live bytes after a collection: ${info.numBytes}`);
  });

  test("10,000 training steps that never dispose keep GPU memory flat (buffers counted, not bytes)", () => {
    // Small tensors: each step allocates about 40 buffers but only ~5 KB, so the 64 MiB byte budget alone
    // would let 400,000 buffers pile up; each GPU buffer counts as 4 KiB (minStorageCharge) instead.
    const steps = 10_000;
    const x = zd.randn([32, 8], { seed: 1 }), y = x.sum(1, true).tanh();
    zd.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(8, 16), new nn.Tanh(), new nn.Linear(16, 1));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const held = [0, 0], live = [0, 0], losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const loss = model.forward(x).sub(y).square().mean();
      loss.backward();
      optimizer.step();
      if (step % 2500 === 0 || step === steps - 1) losses.push(loss.item());
      const { heapBytes = 0, numBytes } = zd.memory({ collect: false });
      const half = step < steps / 2 ? 0 : 1;
      held[half] = Math.max(held[half], heapBytes);
      live[half] = Math.max(live[half], numBytes);
    }
    assert.ok(losses[losses.length - 1] < losses[0] / 10, `the loss falls: ${losses.join(", ")}`);
    assert.ok(held[1] <= held[0] * 1.1,
      `GPU bytes held: peak ${held[0]} in the first half, ${held[1]} after`);
    assert.ok(live[1] <= 16 * 2 ** 20, `live bytes peak ${live[1]} in the second half`);
  });

  test("tensors on two backends do not mix: the error names both; t.to() moves them", () => {
    const gpu = zd.tensor([1, 2, 3]);
    const cpu = gpu.to("js");
    assert.equal(cpu.backend.name, "js");
    assert.deepEqual([...cpu.dataSync()], [1, 2, 3]);
    assert.throws(() => gpu.add(cpu), /add: tensors on different backends \("webgpu" and "js"\)/);
    assert.throws(() => cpu.mul(gpu), /mul: tensors on different backends \("js" and "webgpu"\)/);
    assert.throws(() => gpu.reshape([3, 1]).matmul(cpu.reshape([1, 3])), /matmul: .*"webgpu" and "js"/);
    const back = cpu.mul(2).to("webgpu");
    assert.equal(back.backend.name, "webgpu");
    assert.deepEqual(back.add(gpu).toArray(), [3, 6, 9]);
    assert.throws(() => gpu.to("tpu"), /neither a dtype .* nor a usable backend/);
  });

  test("zd.load(path, { backend }) rebuilds a saved model on either side", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zendl-webgpu-load-"));
    const path = join(dir, "model.zendl");
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
    await zd.save(model, path);
    const onCpu = await zd.load<zd.nn.Sequential>(path, { backend: "js" });
    assert.equal(zd.getBackend(), "webgpu");
    assert.ok(onCpu.parameters().every((p) => p.backend.name === "js"));
    const onGpu = await zd.load<zd.nn.Sequential>(path);
    assert.ok(onGpu.parameters().every((p) => p.backend.name === "webgpu"));
    const x = zd.randn([5, 4], { seed: 2 });
    assertClose(onGpu.forward(x).to("js"), onCpu.forward(x.to("js")), { rtol: 1e-5, atol: 1e-6 });
    rmSync(dir, { recursive: true, force: true });
  });

  test("relu's fused backward: grad where x > 0 or x is NaN, else +0 (as PyTorch)", () => {
    const xs = [-1, 0, -0, 1, NaN, 2.5, -3, Infinity, -Infinity, 0.5];
    const gs = [NaN, -1, 2, -3, 4, NaN, NaN, 5, 6, -7];
    const x = zd.tensor(xs).requiresGrad_();
    x.relu().backward(zd.tensor(gs));
    const got = Array.from(x.grad!.dataSync());
    got.forEach((v, i) => assert.ok(Object.is(v, xs[i] <= 0 ? 0 : gs[i]), `element ${i}: ${v}`));
  });

  test("reads: dataSync waits for the GPU in Node, data() resolves, bad views are copied first", async () => {
    const x = zd.arange(12).reshape([3, 4]).float();
    assert.deepEqual(x.T.toArray(), [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    assert.deepEqual([...(await x.slice(1, 1, 3).data())], [1, 2, 5, 6, 9, 10]);
    assert.equal(x.sum().item(), 66);
    assert.deepEqual(await x.argmax(1).toArrayAsync(), [3, 3, 3]);
    // int32 data from the host is read from its host copy: a read gives a copy the caller may change
    const labels = zd.tensor([4, 1, 3, 1], { dtype: "int32" });
    const picked = labels.indexSelect(0, zd.tensor([2, 0], { dtype: "int32" }));
    labels.dataSync()[0] = 99;
    (await picked.data())[0] = 99;
    assert.deepEqual(labels.toArray(), [4, 1, 3, 1]);
    assert.deepEqual(picked.toArray(), [3, 4]);
    assert.deepEqual(labels.slice(0, 1, 3).toArray(), [1, 3]);
  });
}

if (inWebGpuChild) cases();
