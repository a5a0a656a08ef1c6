// The PyTorch layer fixtures on WebGPU, as test/backend/contract.test.ts runs them on the required-only
// backend: webgpu is the default backend and the only one BACKENDS names, so every test of these files
// runs there except the float64 ones (gradchecks, float64 layers), which onFloat64Backend
// (test/helpers/on-backend.ts) keeps on the reference backend because WGSL has no float64. The files'
// own tolerances hold on WebGPU (conv and norm rtol 1e-4; pool 1e-5, its sums being short): the
// fixtures are small, so the float32 sums in another order stay within them; none is widened.
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { importLayerFixtureTests } from "../../helpers/contract-training.js";

if (inWebGpuChild) {
  test("the layer tests below run on webgpu, with its conv, pool and batch-norm kernels", () => {
    assert.equal(zd.getBackend(), "webgpu");
    assert.ok(zd.hasKernels(zd.tensor([0]).backend, "conv2d", "maxPool2d", "batchNorm"));
  });
  await importLayerFixtureTests();
}
