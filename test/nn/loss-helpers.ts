// Shared helpers of the loss and functional tests: fixture arrays to tensors, and closeness checks.
import assert from "node:assert/strict";
import { tensor } from "../../src/core/creation.js";
import type { DType } from "../../src/core/dtype.js";
import type { Tensor } from "../../src/core/tensor.js";
import type { FixtureArray } from "../helpers/fixtures.js";

/** A fixture array as a tensor; int64 class targets become int32, as zendl indexes with int32. */
export function fromFixture(a: FixtureArray, requiresGrad = false): Tensor {
  const dtype: DType = a.dtype === "int64" ? "int32" : a.dtype === "float64" ? "float64" : "float32";
  return tensor(a.data, { shape: a.shape, dtype, requiresGrad });
}

/** |actual - expected| <= atol + rtol·|expected| elementwise, with equal shapes. */
export function assertClose(actual: Tensor | null, expected: FixtureArray | number[] | number, label: string,
  atol = 1e-5, rtol = 1e-5): void {
  assert.ok(actual !== null, `${label}: got no tensor (missing gradient?)`);
  const want = typeof expected === "number" ? [expected] : Array.isArray(expected) ? expected : expected.data;
  if (!Array.isArray(expected) && typeof expected !== "number") {
    assert.deepEqual([...actual.shape], expected.shape, `${label}: shape`);
  }
  const got = actual.dataSync();
  assert.equal(got.length, want.length, `${label}: element count`);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]);
    assert.ok(ok, `${label}[${i}]: got ${got[i]}, expected ${want[i]}`);
  }
}

export function assertAllFinite(t: Tensor | null, label: string): void {
  assert.ok(t !== null, `${label}: missing`);
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) assert.ok(Number.isFinite(values[i]),
    `${label}[${i}] = ${values[i]}`);
}
