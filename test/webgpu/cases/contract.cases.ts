// The contract test's training checks (test/backend/contract.test.ts) on WebGPU: one epoch of the digits
// MLP ends with the parameters the reference backend reaches from the same seed (tolerance rtol 5e-3,
// atol 5e-4, the contract test's is 2e-3, 2e-4: WebGPU sums in float32 in another order, and the
// differences grow over an epoch of steps), and LeNet-5 trains one epoch on the Fashion-MNIST subset
// shipped in data/ with a loss that falls (on SwiftShader, under 2 s a step of 128 images).
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { assertSameParameters, digitsEpoch, trainedOn } from "../../helpers/contract-training.js";

function cases(): void {
  test("one epoch of the digits MLP: webgpu matches the reference backend", () => {
    const { x, y } = zd.data.loadDigits();
    const train = (): zd.nn.Module => digitsEpoch(x, y);
    assertSameParameters(trainedOn("webgpu", train), trainedOn("js", train), { rtol: 5e-3, atol: 5e-4 });
  });

  test("one epoch of LeNet-5 on the Fashion-MNIST subset: the loss falls, test accuracy well above chance",
    () => {
    // Adam at 5e-3: the contract test's SGD (lr 0.05, momentum 0.9) leaves the loss at 2.30 for the
    // first epoch on every backend. On the CPU this run ends with 53% test accuracy.
    const { xTrain, yTrain, xTest, yTest } = zd.data.loadFashionMnist({ subset: true });
    const images = (x: zd.Tensor): zd.Tensor => x.to("webgpu").to("float32").reshape([-1, 1, 28, 28]);
    zd.manualSeed(0);
    const model = zd.models.lenet5();
    assert.equal(model.parameters()[0].backend.name, "webgpu");
    const optimizer = new zd.optim.Adam(model.parameters(), { lr: 5e-3 });
    const steps: number[] = [];
    zd.fit(model, images(xTrain), yTrain.to("webgpu"), { loss: zd.nn.functional.crossEntropy, optimizer,
      epochs: 1, batchSize: 128, seed: 0, verbose: 0,
      onEvent: (e) => { if (e.type === "batchEnd") steps.push(e.loss); } });
    assert.equal(steps.length, 16, "2,000 images in batches of 128");
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const [first, last] = [mean(steps.slice(0, 3)), mean(steps.slice(-3))];
    assert.ok(last < 0.75 * first, `mean loss of the first three steps ${first}, of the last three ${last}`);
    const predicted = zd.noGrad(() => model.eval().forward(images(xTest)).argmax(1));
    const accuracy = predicted.eq(yTest.to("webgpu")).float().mean().item();
    assert.ok(accuracy > 0.4, `test accuracy ${accuracy} on the 500 test images`);
  });
}

if (inWebGpuChild) cases();
