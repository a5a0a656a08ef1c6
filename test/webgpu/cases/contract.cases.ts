// The contract test's training checks (test/backend/contract.test.ts) on WebGPU: one epoch of the digits
// MLP and one of LeNet-5 on the Fashion-MNIST subset shipped in data/ end with the parameters the
// reference backend reaches from the same seed, and LeNet-5's loss falls during its epoch. Tolerance
// rtol 5e-3, atol 5e-4 (the contract test's is 2e-3, 2e-4): WebGPU sums in float32 in another order
// (matmul, convolution, reductions), and the differences grow over an epoch of steps.
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { assertClose } from "../../helpers/allclose.js";
import { onBackend } from "../../helpers/on-backend.js";

/** The model's parameters (as js tensors) after `train` ran on `backend` from the same seed. */
function trainedOn(backend: string, train: () => zd.nn.Module): Map<string, zd.Tensor> {
  return onBackend(backend, () => {
    zd.manualSeed(0);
    const model = train();
    return new Map(Object.entries(model.stateDict()).map(([k, v]) => [k, v.to("js")]));
  });
}

function assertSameParameters(a: Map<string, zd.Tensor>, b: Map<string, zd.Tensor>): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, t] of a) {
    assertClose(t, b.get(name) as zd.Tensor, { rtol: 5e-3, atol: 5e-4, label: name });
  }
}

function cases(): void {
  test("one epoch of the digits MLP: webgpu matches the reference backend", () => {
    const { x, y } = zd.data.loadDigits();
    const train = (): zd.nn.Module => {
      const xs = x.to(zd.getBackend()).div(16), ys = y.to(zd.getBackend());
      const model = new zd.nn.Sequential(new zd.nn.Linear(64, 64), new zd.nn.ReLU(), new zd.nn.Linear(64, 10));
      const optimizer = new zd.optim.Adam(model.parameters(), { lr: 1e-3 });
      const history = zd.fit(model, xs, ys, { loss: zd.nn.functional.crossEntropy, optimizer, epochs: 1,
        batchSize: 64, seed: 0, verbose: 0 });
      assert.ok(Number.isFinite(history.history.loss[0]));
      return model;
    };
    assertSameParameters(trainedOn("webgpu", train), trainedOn("js", train));
  });

  test("one epoch of LeNet-5 on the Fashion-MNIST subset: the loss falls, webgpu matches the reference",
    () => {
    const { xTrain, yTrain } = zd.data.loadFashionMnist({ subset: true, split: "train" });
    const losses = new Map<string, number[]>();
    const train = (): zd.nn.Module => {
      const backend = zd.getBackend(), steps: number[] = [];
      losses.set(backend, steps);
      const xs = xTrain.to(backend).to("float32").reshape([-1, 1, 28, 28]), ys = yTrain.to(backend);
      const model = zd.models.lenet5();
      assert.equal(model.parameters()[0].backend.name, backend);
      const optimizer = new zd.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      zd.fit(model, xs, ys, { loss: zd.nn.functional.crossEntropy, optimizer, epochs: 1, batchSize: 128,
        seed: 0, verbose: 0, onEvent: (e) => { if (e.type === "batchEnd") steps.push(e.loss); } });
      return model;
    };
    const onGpu = trainedOn("webgpu", train);
    const steps = losses.get("webgpu") as number[];
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    assert.equal(steps.length, 16, "2,000 images in batches of 128");
    const [first, last] = [mean(steps.slice(0, 3)), mean(steps.slice(-3))];
    assert.ok(last < 0.75 * first, `loss over the first three steps ${first}, over the last three ${last}`);
    assertSameParameters(onGpu, trainedOn("js", train));
  });
}

if (inWebGpuChild) cases();
