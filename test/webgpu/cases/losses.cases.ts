// The loss functions' PyTorch fixtures and checks (test/nn/losses.test.ts, 88 tests) with WebGPU as the
// default backend and the only one BACKENDS names; the layer files run in layers.cases.ts.
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";

if (inWebGpuChild) {
  test("the loss tests below run on webgpu", () => {
    assert.equal(zd.getBackend(), "webgpu");
  });
  await import("../../nn/losses.test.js");
}
