// Numeric comparison helpers for tests: element-wise |actual - expected| <= atol + rtol * |expected|,
// failing with the worst element so a mismatch is easy to locate.
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import type { FixtureArray } from "./fixtures.js";

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Prefix of the failure message (what is being compared). */
  label?: string;
}

type Numbers = ArrayLike<number>;

function flatValues(x: zd.Tensor | FixtureArray | Numbers | number):
  { shape: readonly number[] | null; data: Numbers } {
  if (typeof x === "number") return { shape: null, data: [x] };
  if (x instanceof zd.Tensor) return { shape: x.shape, data: x.dataSync() };
  if (!ArrayBuffer.isView(x) && !Array.isArray(x) && "shape" in x && "data" in x) {
    return { shape: (x as FixtureArray).shape, data: (x as FixtureArray).data };
  }
  return { shape: null, data: x as Numbers };
}

/**
 * Asserts that `actual` and `expected` have the same shape (when both carry one) and close values.
 * NaN matches NaN; infinities must match exactly.
 */
export function assertClose(
  actual: zd.Tensor | FixtureArray | Numbers | number,
  expected: zd.Tensor | FixtureArray | Numbers | number,
  options: CloseOptions = {},
): void {
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-6;
  const label = options.label ? `${options.label}: ` : "";
  const a = flatValues(actual), e = flatValues(expected);
  if (a.shape !== null && e.shape !== null) {
    assert.deepEqual([...a.shape], [...e.shape],
      `${label}shape [${a.shape}] differs from expected [${e.shape}]`);
  }
  assert.equal(a.data.length, e.data.length, `${label}${a.data.length} elements, expected ${e.data.length}`);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = e.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x !== y) { worst = i; worstExcess = Infinity; break; }
      continue;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess || (excess > 0 && worst < 0)) { worst = i; worstExcess = excess; }
  }
  if (worst >= 0) {
    assert.fail(`${label}element ${worst} is ${a.data[worst]}, expected ${e.data[worst]} ` +
      `(rtol ${rtol}, atol ${atol}); actual ${preview(a.data)} expected ${preview(e.data)}`);
  }
}

function preview(data: Numbers): string {
  const items = Array.from(data).slice(0, 8).map((v) => Number(v.toPrecision(6)));
  return `[${items.join(", ")}${data.length > 8 ? ", ..." : ""}]`;
}

/** Asserts exact equality of values (and shape when both carry one), e.g. for integer results. */
export function assertEqualValues(actual: zd.Tensor | Numbers, expected: zd.Tensor | FixtureArray | Numbers,
  label = ""): void {
  assertClose(actual, expected, { rtol: 0, atol: 0, label });
}

/** A fixture array as a tensor: float arrays keep their dtype, int64 becomes int32. */
export function fixtureTensor(arr: FixtureArray, options: { requiresGrad?: boolean } = {}): zd.Tensor {
  const dtype: zd.DType = arr.dtype === "float64" ? "float64" : arr.dtype === "float32" ? "float32" : "int32";
  return zd.tensor(arr.data, { shape: [...arr.shape], dtype, requiresGrad: options.requiresGrad ?? false });
}
