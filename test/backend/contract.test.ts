// The backend contract: a backend with only the required primitives (the reference behind a wrapper
// that hides every optional kernel) runs everything. This file makes it the default backend of its
// process, then runs on it the op table (PyTorch fixtures and gradcheck), the PyTorch fixtures of the
// layers (conv, pool, norm, recurrent, generative), the losses and optimizers, and one epoch each of
// the digits MLP and LeNet-5 on the Fashion-MNIST subset, compared with the reference backend.
import "../helpers/contract-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import {
  assertSameParameters, digitsEpoch, importLayerFixtureTests, trainedOn,
} from "../helpers/contract-training.js";
import { REQUIRED_ONLY } from "../helpers/required-backend.js";

test("the required-only backend hides every optional kernel", () => {
  const backend = zd.tensor([1]).backend;
  assert.equal(backend.name, REQUIRED_ONLY);
  const exposed = Object.keys(backend).filter((k) => k !== "name").sort();
  assert.deepEqual(exposed, [...zd.REQUIRED_PRIMITIVES].sort());
  const kernels = [
    "softmax", "conv2d", "maxPool2d", "batchNorm", "recurrentForward", "adamStep", "indexSelect",
  ] as const;
  for (const kernel of kernels) {
    assert.equal(zd.hasKernels(backend, kernel), false, kernel);
  }
});

// Every test in these files runs on the required-only backend (their BACKENDS loops read the variable set
// above, and the rest use the default backend).
await import("../core/ops.test.js");
await import("../nn/losses.test.js");
await importLayerFixtureTests();

const TOLERANCE = { rtol: 2e-3, atol: 2e-4 };

test("one epoch of the digits MLP: required-only matches the reference backend", () => {
  const { x, y } = zd.data.loadDigits();
  const train = (): zd.nn.Module => digitsEpoch(x, y);
  assertSameParameters(trainedOn(REQUIRED_ONLY, train), trainedOn("js", train), TOLERANCE);
});

test("one epoch of LeNet-5 on the Fashion-MNIST subset: required-only matches the reference backend", () => {
  const { xTrain, yTrain } = zd.data.loadFashionMnist({ subset: true, split: "train" });
  const train = (): zd.nn.Module => {
    const xs = xTrain.to("float32").reshape([-1, 1, 28, 28]);
    const model = zd.models.lenet5();
    const optimizer = new zd.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    zd.fit(model, xs, yTrain, { loss: zd.nn.functional.crossEntropy, optimizer, epochs: 1,
      batchSize: 128, seed: 0, verbose: 0 });
    return model;
  };
  assertSameParameters(trainedOn(REQUIRED_ONLY, train), trainedOn("js", train), TOLERANCE);
});
