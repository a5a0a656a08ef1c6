// One op-table fixture case on the default backend, asserted: output = call(inputs), then
// backward(gradOutput) (or backward() for 0-d), values and gradients in float32 against PyTorch's. Run by
// test/core/ops.test.ts on the CPU backends and by test/webgpu/cases/ops.cases.ts on WebGPU.
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { assertClose, fixtureTensor } from "./allclose.js";
import { getArray } from "./fixtures.js";
import type { FixtureCase, OpEntry } from "./op-table.js";

/** `toleranceScale` multiplies the entry's tolerance (WebGPU: 10, its sums run in another order). */
export function runFixtureCase(entry: OpEntry, c: FixtureCase, toleranceScale = 1): void {
  const { args, call } = (entry.fromFixture as NonNullable<OpEntry["fromFixture"]>)(c);
  const inputs = args.map((name) => fixtureTensor(getArray(c, name), { requiresGrad: `grad_${name}` in c }));
  const tol = { rtol: toleranceScale * (entry.rtol ?? 1e-5), atol: toleranceScale * (entry.atol ?? 1e-6) };
  const output = call(...inputs);
  assert.equal(output.backend.name, zd.getBackend(), "computed on the default backend");
  assert.equal(output.dtype, "float32", "output dtype");
  assertClose(output, getArray(c, "output"), { ...tol, label: "output" });
  const gradFields = Object.keys(c).filter((k) => k.startsWith("grad_"));
  if (gradFields.length === 0) return;
  if ("gradOutput" in c) output.backward(fixtureTensor(getArray(c, "gradOutput")));
  else output.backward();
  for (const field of gradFields) {
    const input = inputs[args.indexOf(field.slice("grad_".length))];
    assert.ok(input, `${field} names an input the call does not take`);
    assert.ok(input.grad, `${field}: no gradient reached the input`);
    assert.equal(input.grad.dtype, "float32", `${field} dtype`);
    assertClose(input.grad, getArray(c, field), { ...tol, label: field });
  }
}
