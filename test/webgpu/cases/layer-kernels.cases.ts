// The WebGPU layer kernels (convolution, max pooling, batch norm; src/backend/webgpu/layers.ts) against
// the reference backend on small shapes with strides, padding, dilation, groups, bias and NaN: values,
// indices and every gradient, first with the one-thread-per-output kernels SwiftShader gets, then with
// the workgroup forms real GPUs get (implicit-GEMM convolution with K split, batch norm by workgroup).
// Tolerance rtol 1e-4, atol 1e-4: the kernels sum in float32 (in another order in the tiled forms),
// the reference in float64.
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { assertClose } from "../../helpers/allclose.js";
import { onBackend } from "../../helpers/on-backend.js";

const F = zd.nn.functional;
type Case = [string, () => zd.Tensor[]];

/** Output and the gradients of `inputs` after a backward of Σ output·r (r a fixed normal sample). */
function withGrads(out: zd.Tensor, inputs: zd.Tensor[]): zd.Tensor[] {
  out.mul(zd.randn(out.shape, { seed: 99 })).sum().backward();
  return [out, ...inputs.map((t) => t.grad as zd.Tensor)];
}

const leaf = (shape: number[], seed: number): zd.Tensor => zd.randn(shape, { seed }).requiresGrad_();

const CASES: Case[] = [
  ["conv2d: groups 2, stride [2,1], padding [1,2], dilation [1,2], bias", () => {
    const x = leaf([2, 4, 7, 6], 1), w = leaf([6, 2, 3, 2], 2), b = leaf([6], 3);
    return withGrads(F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
      [x, w, b]);
  }],
  ["conv2d: 3x3, padding 1, long weight and bias gradient sums (split, by workgroup, when tiled)", () => {
    const x = leaf([4, 2, 24, 24], 4), w = leaf([3, 2, 3, 3], 5), b = leaf([3], 17);
    return withGrads(F.conv2d(x, w, b, { padding: 1 }), [x, w, b]);
  }],
  ["conv2d: 70 output channels (two row blocks), 5x5, stride 2", () => {
    const x = leaf([1, 3, 11, 9], 6), w = leaf([70, 3, 5, 5], 7), b = leaf([70], 8);
    return withGrads(F.conv2d(x, w, b, { stride: 2 }), [x, w, b]);
  }],
  ["convTranspose2d: stride 2, padding 1, outputPadding [1,0], groups 2", () => {
    const x = leaf([2, 4, 3, 4], 9), w = leaf([4, 3, 3, 2], 10);
    const options = { stride: 2, padding: 1, outputPadding: [1, 0], groups: 2 } as const;
    return withGrads(F.convTranspose2d(x, w, null, options), [x, w]);
  }],
  ["maxPool2d: kernel 3, stride 2, padding 1, dilation [1,2], ceil mode, indices, overlapping", () => {
    const x = leaf([2, 3, 9, 10], 11);
    const [y, i] = F.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true,
      returnIndices: true });
    return [...withGrads(y, [x]), i];
  }],
  ["maxPool2d: disjoint 2x2 windows (the scattering backward), padding 1, ceil mode", () => {
    const x = leaf([2, 3, 8, 7], 16);
    const [y, i] = F.maxPool2d(x, 2, { padding: 1, ceilMode: true, returnIndices: true });
    return [...withGrads(y, [x]), i];
  }],
  ["maxPool2d: ties take the first maximum, NaN wins, gradients follow the indices", () => {
    const x = zd.tensor([1, 3, 3, 0, NaN, 2, 5, 5, 1, 1, 1, 1, 7, NaN, NaN, 2], { shape: [1, 1, 4, 4] })
      .requiresGrad_();
    const [y, i] = F.maxPool2d(x, 2, { stride: 1, returnIndices: true });
    return [...withGrads(y, [x]), i];
  }],
  ["batchNorm (training): weight and bias, [4, 3, 5, 6]", () => {
    const x = leaf([4, 3, 5, 6], 12).mul(2).add(1).detach().requiresGrad_(), w = leaf([3], 13);
    const b = leaf([3], 14);
    return withGrads(F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [x, w, b]);
  }],
  ["batchNorm (training): no affine, [300, 2] (long channels)", () => {
    const x = leaf([300, 2], 15);
    return withGrads(F.batchNorm(x, null, null, { training: true }), [x]);
  }],
];

function cases(): void {
  const backend = zd.tensor([0]).backend as zd.Backend & { workgroupKernels: boolean };

  test("the webgpu backend has the layer kernels", () => {
    for (const kernel of ["conv2d", "conv2dBackwardInput", "conv2dBackwardWeight", "maxPool2d",
      "maxPool2dBackward", "batchNorm", "batchNormBackward"] as const) {
      assert.ok(zd.hasKernels(backend, kernel), kernel);
    }
  });

  const expected = new Map<string, number[][]>();
  const reference = (name: string, run: () => zd.Tensor[]): number[][] => {
    if (!expected.has(name)) {
      expected.set(name, onBackend("js", () => run().map((t) => [...t.dataSync()])));
    }
    return expected.get(name) as number[][];
  };

  for (const tiled of [false, true]) {
    const form = tiled ? "workgroup kernels" : "one thread per output";
    for (const [name, run] of CASES) {
      test(`${name} (${form}) matches the reference`, () => {
        const want = reference(name, run);
        backend.workgroupKernels = tiled;
        try {
          const got = run().map((t) => [...t.dataSync()]);
          assert.equal(got.length, want.length);
          got.forEach((values, k) => assertClose(values, want[k], { rtol: 1e-4, atol: 1e-4,
            label: k === 0 ? "output" : `result ${k}` }));
        } finally {
          backend.workgroupKernels = false;
        }
      });
    }
  }
}

if (inWebGpuChild) cases();
