// The fused batch-norm kernels (src/backend/{js,wasm}/norm.ts) against each other and against the
// composite op they replaced (mean, subtraction, rsqrt: the specification), for [N, C], [N, C, L] and
// [N, C, H, W] inputs of awkward sizes, with and without the affine parameters, on both thread counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { normTuning } from "../../src/backend/wasm/norm.js";
import { normalizeBatch } from "../../src/nn/functional/norm.js";
import { assertClose } from "../helpers/allclose.js";
import { onBackend } from "../helpers/on-backend.js";

const TOL = { rtol: 2e-4, atol: 2e-5 };
const SHAPES = [[2, 1], [3, 5], [1, 3, 7], [5, 2, 1], [2, 3, 5, 7], [9, 4, 1, 1], [1, 1, 3, 1],
  [4, 6, 11, 13]];

type Parts = "both" | "weight" | "none";

/** Output, the batch statistics (running ones after one step from 0 and 1) and all gradients. */
function run(shape: number[], parts: Parts, composite: boolean, dtype: "float32" | "float64" = "float32"):
  number[][] {
  const c = shape[1];
  const x = zd.randn(shape, { seed: 1, dtype, requiresGrad: true }).mul(3).add(1).detach().requiresGrad_();
  const weight = parts === "none" ? null : zd.randn([c], { seed: 2, dtype, requiresGrad: true });
  const bias = parts === "both" ? zd.randn([c], { seed: 3, dtype, requiresGrad: true }) : null;
  const mean = zd.zeros([c], { dtype }), variance = zd.ones([c], { dtype });
  const options = { weight, bias, training: true, momentum: 0.5 };
  const y = normalizeBatch("test", x, mean, variance, options, composite);
  y.backward(zd.randn(shape, { seed: 4, dtype }));
  const data = (t: zd.Tensor | null | undefined): number[] => (t ? Array.from(t.dataSync()) : []);
  return [data(y), data(mean), data(variance), data(x.grad), data(weight?.grad), data(bias?.grad)];
}

test("batchNorm kernels: wasm (1 and 2 threads) and js against the composite", async () => {
  const threads = zd.getNumThreads(), saved = { ...normTuning };
  normTuning.minElementsPerThread = 1;   // split even these small inputs across the threads
  try {
    for (const shape of SHAPES) {
      for (const parts of ["both", "weight", "none"] as const) {
        const label = `${JSON.stringify(shape)} ${parts}`;
        const spec = onBackend("js", () => run(shape, parts, true));
        const check = (got: number[][], how: string): void => got.forEach((values, i) =>
          assertClose(values, spec[i], { ...TOL, label: `${label} ${how} [${i}]` }));
        check(onBackend("js", () => run(shape, parts, false)), "js");
        zd.setNumThreads(1);
        const one = onBackend("wasm", () => run(shape, parts, false));
        check(one, "wasm");
        zd.setNumThreads(2);
        await zd.ready();
        // each channel's sums stay within one call: the split cannot change a result
        const two = onBackend("wasm", () => run(shape, parts, false));
        assert.deepEqual(two, one, `${label}: 2 threads differ`);
      }
    }
  } finally {
    zd.setNumThreads(threads);
    Object.assign(normTuning, saved);
  }
});

test("batchNorm kernels: float64 on either backend is the reference kernel, exactly", () => {
  const js = onBackend("js", () => run([3, 4, 5], "both", false, "float64"));
  assert.deepEqual(onBackend("wasm", () => run([3, 4, 5], "both", false, "float64")), js);
  onBackend("js", () => run([3, 4, 5], "both", true, "float64")).forEach((values, i) =>
    assertClose(values, js[i], { rtol: 1e-12, atol: 1e-12, label: `float64 [${i}]` }));
});

test("gradcheck (js, float64): fused batch norm through the batch statistics", () => {
  onBackend("js", () => {
    const f64 = (shape: number[], seed: number): zd.Tensor =>
      zd.randn(shape, { dtype: "float64", seed, requiresGrad: true });
    zd.gradcheck((x, w, b) => nn.functional.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      [f64([3, 2, 2, 3], 1), f64([2], 2), f64([2], 3)]);
    zd.gradcheck((x) => nn.functional.batchNorm(x, null, null, { training: true }), [f64([4, 3], 4)]);
  });
});

test("BatchNorm2d trains on the kernels and still matches its eval mode after enough steps", () => {
  const bn = new nn.BatchNorm2d(3, { momentum: 0.5 });
  const x = zd.randn([8, 3, 5, 5], { seed: 7 }).mul(2).add(3);
  for (let i = 0; i < 30; i++) bn.forward(x);
  const train = bn.forward(x);
  bn.eval();
  // the running statistics converge to this batch's (variance unbiased: ×M/(M−1) with M = 200)
  assertClose(bn.forward(x), train, { rtol: 1e-2, atol: 1e-2, label: "eval vs train" });
});
