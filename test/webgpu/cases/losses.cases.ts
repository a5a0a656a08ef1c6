// The loss functions' PyTorch fixtures and checks (test/nn/losses.test.ts, 88 tests) with WebGPU as the
// default backend and the only one BACKENDS names. (Run by hand the same way, test/nn/rnn.test.ts and
// test/models/generative-pytorch.test.ts pass on WebGPU too, but take 40 s and 20 s on SwiftShader;
// test/nn/conv.test.ts did not finish within 400 s there.)
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
