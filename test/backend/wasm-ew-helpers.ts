// Shared by the wasm elementwise / reduction tests: the same strided views on the reference backend
// and on both wasm kernel variants, awkward data (NaN, infinities, signed zeros, tiny and huge
// values), and a comparison that treats NaN as equal to NaN and allows a stated relative error.
import assert from "node:assert/strict";
import type { TypedArray } from "../../src/core/dtype.js";
import type { DType } from "../../src/core/dtype.js";
import type { Backend, Storage, View } from "../../src/backend/backend.js";
import { backendByName } from "../../src/backend/registry.js";
import { WasmBackend } from "../../src/backend/wasm/backend.js";

export const reference = backendByName("js");
export const variants: Array<[string, WasmBackend]> = [
  ["simd", new WasmBackend({ variant: "simd" })],
  ["relaxed", new WasmBackend({ variant: "relaxed" })],
];

/** Sizes the kernels must get right: empty, one, below and around the vector width, primes, large. */
export const SIZES = [0, 1, 3, 4, 5, 7, 31, 1023, 4099];

/** Deterministic pseudo-random numbers in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -3e38, 3e38, 0.5, -0.5, 2.5, 1];

/** Float data: mostly moderate values, with every special value sprinkled in where `specials`. */
export function floatData(n: number, seed: number, specials = true, scale = 4): Float32Array {
  const r = random(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = specials && i % 7 === 3 ? SPECIALS[(i / 7 | 0) % SPECIALS.length] : (r() - 0.5) * 2 * scale;
  }
  return out;
}

export function intData(n: number, seed: number, range = 50000): Int32Array {
  const r = random(seed), out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((r() - 0.5) * 2 * range);
  return out;
}

/** A view of `shape` over a storage filled with `data`; strides default to row-major. */
export interface ViewSpec {
  shape: number[];
  strides?: number[];
  offset?: number;
}

export function rowMajor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  return strides;
}

/** Elements a strided view needs its storage to have (at least 1). */
export function extent(spec: ViewSpec): number {
  const strides = spec.strides ?? rowMajor(spec.shape);
  if (spec.shape.some((d) => d === 0)) return 1;
  let last = spec.offset ?? 0;
  for (let d = 0; d < spec.shape.length; d++) last += (spec.shape[d] - 1) * Math.max(strides[d], 0);
  return last + 1;
}

export function makeView(be: Backend, spec: ViewSpec, data: TypedArray, dtype: DType): View {
  const storage = be.alloc(data.length, dtype);
  be.write(storage, data);
  const strides = spec.strides ?? rowMajor(spec.shape);
  return { storage, shape: spec.shape, strides, offset: spec.offset ?? 0 };
}

export function readAll(be: Backend, storage: Storage, shape: readonly number[]): TypedArray {
  return be.read({ storage, shape, strides: rowMajor(shape), offset: 0 });
}

/**
 * Asserts equal lengths and, element by element, NaN where expected and
 * |a - e| <= rtol·|e| + atol (infinities must match exactly; -0 equals 0).
 */
export function assertMatch(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string,
  rtol = 0, atol = 0): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (a === e || (a !== a && e !== e)) continue;
    const ok = Number.isFinite(e) && Number.isFinite(a) && Math.abs(a - e) <= rtol * Math.abs(e) + atol;
    assert.ok(ok, `${label}: element ${i} is ${a}, expected ${e}`);
  }
}
