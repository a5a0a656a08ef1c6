// The wasm reductions (rows, columns, all elements, any axis set through the strided path) and
// argmax/argmin against the reference backend, on both kernel variants.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../src/core/dtype.js";
import type { ArgReduceOp, ReduceOp } from "../../src/backend/backend.js";
import { fastArgReduce, fastReduce } from "../../src/backend/wasm/reduce.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";
import {
  assertMatch, extent, floatData, intData, makeView, readAll, reference, SIZES, variants, type ViewSpec,
} from "./wasm-ew-helpers.js";

/** Inputs and reduced axes: rows, columns (few and many rows), all, middle and mixed axes, strided views. */
const CASES: Array<[string, ViewSpec, number[]]> = [
  ...SIZES.filter((n) => n > 0).map((n): [string, ViewSpec, number[]] =>
    [`all of ${n}`, { shape: [n] }, [0]]),
  ["rows [37,13]", { shape: [37, 13] }, [1]],
  ["rows [5,1023]", { shape: [5, 1023] }, [1]],
  ["columns [37,13]", { shape: [37, 13] }, [0]],
  ["columns [1000,7] (blocked sum)", { shape: [1000, 7] }, [0]],
  ["columns [130,1]", { shape: [130, 1] }, [0]],
  ["middle axis [3,5,7]", { shape: [3, 5, 7] }, [1]],
  ["axes [0,2] of [3,5,7]", { shape: [3, 5, 7] }, [0, 2]],
  ["all of [3,5,7]", { shape: [3, 5, 7] }, [0, 1, 2]],
  ["rows of a transposed view", { shape: [11, 17], strides: [1, 11] }, [1]],
  ["columns of a transposed view", { shape: [11, 17], strides: [1, 11] }, [0]],
  ["sliced rows, large strides", { shape: [6, 9], strides: [700, 1], offset: 13 }, [1]],
  ["sliced, no contiguous dim", { shape: [6, 9], strides: [700, 3], offset: 5 }, [0, 1]],
  ["size-1 axis only", { shape: [4, 1, 3] }, [1]],
  ["no axes", { shape: [4, 3] }, []],
  ["broadcast input", { shape: [5, 8], strides: [0, 1] }, [0]],
  ["empty kept dim", { shape: [0, 4] }, [1]],
  ["empty reduced dim", { shape: [3, 0] }, [1]],
];

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, d) => !axes.includes(d));
}

function runReduce(op: ReduceOp, spec: ViewSpec, axes: number[], data: Float32Array | Int32Array,
  dtype: DType) {
  const kept = keptShape(spec.shape, axes), size = kept.reduce((a, b) => a * b, 1);
  // the wasm variants must take the fast path, except where the reference is the design (int32 prod,
  // an empty reduction)
  const fallback = (dtype === "int32" && op === "prod") ||
    spec.shape.some((d, i) => d === 0 && axes.includes(i));
  return [reference, ...variants.map(([, be]) => be)].map((be, i) => {
    const out = be.alloc(size, dtype), x = makeView(be, spec, data, dtype);
    if (i === 0 || fallback) be.reduce(op, x, axes, out);
    else assert.ok(fastReduce(be as WasmBackend, op, x, axes, out), `${op}: no fast path, [${spec.shape}]`);
    return readAll(be, out, kept);
  });
}

/** Sum of |x| over each output's reduced elements: the scale a float32 sum's rounding is relative to. */
function absSums(spec: ViewSpec, axes: number[], data: Float32Array): Float64Array {
  const abs = Float32Array.from(data, (v) => (Number.isFinite(v) ? Math.abs(v) : 0));
  return Float64Array.from(runReduce("sum", spec, axes, abs, "float32")[0]);
}

describe("wasm reductions match the reference", () => {
  for (const op of ["sum", "max", "min", "prod"] as ReduceOp[]) {
    test(`${op} float32`, () => {
      CASES.forEach(([name, spec, axes], k) => {
        // prod of many factors overflows: keep them near 1 there
        const data = floatData(extent(spec), 40 + k, op !== "sum" || k % 2 === 0, op === "prod" ? 0.02 : 4);
        if (op === "prod") for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) data[i] += 1;
        const [expected, ...actual] = runReduce(op, spec, axes, data, "float32");
        const scale = op === "sum" ? absSums(spec, axes, data) : null;
        actual.forEach((a, v) => {
          const label = `${variants[v][0]} ${op} ${name}`;
          if (scale === null) return assertMatch(a, expected, label, op === "prod" ? 1e-6 : 0);
          assert.equal(a.length, expected.length);
          for (let i = 0; i < a.length; i++) {
            assertMatch([a[i]], [expected[i]], `${label} [${i}]`, 0, 2e-7 * scale[i] + 1e-30);
          }
        });
      });
    });
  }
  for (const op of ["sum", "max", "min", "prod"] as ReduceOp[]) {
    test(`${op} int32 (prod falls back)`, () => {
      CASES.forEach(([name, spec, axes], k) => {
        const data = intData(extent(spec), 70 + k, op === "prod" ? 3 : 1 << 30);
        const [expected, ...actual] = runReduce(op, spec, axes, data, "int32");
        actual.forEach((a) => assertMatch(a, expected, `${op} int32 ${name}`));
      });
    });
  }
  test("a long float32 sum keeps float32 precision (blocked accumulation)", () => {
    const n = 1 << 20, data = floatData(n, 9, false, 1).map((v) => v + 0.25);
    const [expected, ...actual] = runReduce("sum", { shape: [n] }, [0], data, "float32");
    actual.forEach((a) => assertMatch(a, expected, "sum of 2^20", 1e-6));
  });
});

/** argmax/argmin inputs with ties, NaN and infinities; axis and layout vary. */
const ARG_CASES: Array<[string, ViewSpec, number]> = [
  ...SIZES.filter((n) => n > 0).map((n): [string, ViewSpec, number] => [`[${n}]`, { shape: [n] }, 0]),
  ["rows [37,13]", { shape: [37, 13] }, 1],
  ["columns [37,13]", { shape: [37, 13] }, 0],
  ["middle axis [3,5,7]", { shape: [3, 5, 7] }, 1],
  ["transposed [11,17] axis 1", { shape: [11, 17], strides: [1, 11] }, 1],
  ["sliced [6,9] axis 0", { shape: [6, 9], strides: [700, 3], offset: 5 }, 0],
  ["0-d-like [1]", { shape: [1] }, 0],
];

describe("wasm argmax/argmin match the reference", () => {
  for (const op of ["argmax", "argmin"] as ArgReduceOp[]) {
    for (const dtype of ["float32", "int32"] as DType[]) {
      test(`${op} ${dtype}`, () => {
        ARG_CASES.forEach(([name, spec, axis], k) => {
          // few distinct values, so ties are common; specials (NaN first) only in some cases
          const n = extent(spec);
          const data = dtype === "int32" ? intData(n, k, 3)
            : floatData(n, k, k % 2 === 1, 2).map((v) => (Number.isFinite(v) && v === v ? Math.round(v) : v));
          const kept = spec.shape.filter((_, d) => d !== axis), size = kept.reduce((a, b) => a * b, 1);
          const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be, i) => {
            const out = be.alloc(size, "int32"), x = makeView(be, spec, data, dtype);
            if (i === 0) be.argReduce(op, x, axis, out);
            else assert.ok(fastArgReduce(be as WasmBackend, op, x, axis, out), `${op}: ${name}`);
            return readAll(be, out, kept);
          });
          actual.forEach((a) => assertMatch(a, expected, `${op} ${dtype} ${name}`));
        });
      });
    }
  }
});
