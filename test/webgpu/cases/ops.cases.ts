// The op table on WebGPU: every PyTorch fixture case (values and gradients, float32), and every sample of
// the table computed on WebGPU against the reference backend, both in float32 (WGSL has no float64, so
// the float64 gradchecks of test/core/ops.test.ts stay on the CPU backends). Tolerance: ten times the
// entry's CPU tolerance (default rtol 1e-4, atol 1e-5), because reductions sum in a tree instead of in
// float64 order, and exp, log, sin, tanh and erf are f32 approximations (erf to 1.5e-7).
import { inWebGpuChild } from "../../helpers/webgpu-env.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../../src/index.js";
import { assertClose } from "../../helpers/allclose.js";
import { loadFixture } from "../../helpers/fixtures.js";
import { onBackend } from "../../helpers/on-backend.js";
import { entryFor, NOT_IN_TABLE, OP_TABLE, sampleInputs, type OpEntry } from "../../helpers/op-table.js";
import { runFixtureCase } from "../../helpers/op-fixture-case.js";

function cases(): void {
  const tolerance = (entry: OpEntry) => ({ rtol: 10 * (entry.rtol ?? 1e-5),
    atol: 10 * (entry.atol ?? 1e-6) });

  test("the cases run on the webgpu backend", () => {
    assert.equal(zd.getBackend(), "webgpu");
    assert.equal(zd.tensor([1]).backend.name, "webgpu");
  });

  describe("op table on webgpu: PyTorch fixtures", () => {
    const cases = [...Object.entries(loadFixture("ops")), ...Object.entries(loadFixture("activations"))];
    for (const [name, c] of cases) {
      if (NOT_IN_TABLE.has(c.op as string)) continue;
      test(name, () => {
        const entry = entryFor(c.op as string);
        assert.ok(entry, `fixture op "${String(c.op)}" has no entry`);
        runFixtureCase(entry, c, 10);
      });
    }
  });

  /** Output and input gradients of one sample in float32 on `backend`, as plain arrays. */
  function sampleResult(backend: string, entry: OpEntry, s: number, e: number): number[][] {
    const sample = entry.samples[s];
    // the table's inputs are float64, which WGSL lacks: made on the reference backend, then as float32
    const specs = onBackend("js", () => sampleInputs(sample, 1000 * e + 17 * s + 1).map((t) => ({
      values: [...t.dataSync()], shape: [...t.shape], requiresGrad: t.requiresGrad,
      dtype: t.dtype === "float64" ? "float32" as const : t.dtype,
    })));
    return onBackend(backend, () => {
      const inputs = specs.map((x) => zd.tensor(x.values, x));
      const out = sample.call(...inputs);
      const results = [[...out.dataSync()]];
      if (out.requiresGrad && out.dtype !== "int32") {
        out.mul(zd.arange(out.size).reshape(out.shape).mul(0.1).add(1).to(out.dtype)).sum().backward();
        for (const t of inputs) if (t.requiresGrad) results.push([...(t.grad as zd.Tensor).dataSync()]);
      }
      return results;
    });
  }

  describe("op table on webgpu: every sample against the reference backend (float32)", () => {
    OP_TABLE.forEach((entry, e) => {
      entry.samples.forEach((sample, s) => {
        if (/float64/.test(sample.label)) return;   // below: float64 is refused with a clear error
        test(`${entry.name}: ${sample.label}`, () => {
          const expected = sampleResult("js", entry, s, e), actual = sampleResult("webgpu", entry, s, e);
          assert.equal(actual.length, expected.length, "the same gradients");
          actual.forEach((values, k) => assertClose(values, expected[k],
            { ...tolerance(entry), label: k === 0 ? "output" : `grad ${k}` }));
        });
      });
    });
  });

  test("float64 is refused on webgpu, naming what to use instead", () => {
    assert.throws(() => zd.tensor([1, 2]).to("float64"), /float64 is not supported.*float32/);
    assert.throws(() => zd.zeros([2], { dtype: "float64" }), /float64 is not supported/);
  });

  test("the workgroup kernels (tiled GEMM, tree reductions, softmax by workgroup) match the reference",
    () => {
    // SwiftShader gets the one-thread-per-output kernels by default; the tiled ones are for real GPUs
    const backend = zd.tensor([0]).backend as zd.Backend & { workgroupKernels: boolean };
    assert.equal(backend.workgroupKernels, false, "SwiftShader runs the kernels without barriers");
    const cases = (): number[][] => {
      const a = zd.randn([2, 70, 33], { seed: 1 }), b = zd.randn([2, 33, 65], { seed: 2 });
      const c = zd.randn([65, 70], { seed: 3 }), x = zd.randn([3, 600], { seed: 4 });
      return [a.matmul(b), c.T.matmul(c.slice(1, 0, 9)), x.sum(1), x.max(1), x.softmax(1), x.logSoftmax(1),
        x.T.sum(0)].map((t) => [...t.dataSync()]);
    };
    const expected = onBackend("js", cases);
    backend.workgroupKernels = true;
    try {
      cases().forEach((values, k) => assertClose(values, expected[k], { rtol: 1e-4, atol: 1e-4,
        label: `case ${k}` }));
    } finally {
      backend.workgroupKernels = false;
    }
  });
}

if (inWebGpuChild) cases();
