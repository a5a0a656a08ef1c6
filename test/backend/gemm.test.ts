// The wasm GEMM (both kernel variants, one and two threads) against the reference backend on awkward
// shapes and layouts. Tolerance: |error| ≤ 1e-5·Σ|a||b| per element, the scale of float32 rounding in
// a dot product, whatever the summation order.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, View } from "../../src/backend/backend.js";
import { JsBackend } from "../../src/backend/js/backend.js";
import { WasmBackend } from "../../src/backend/wasm/backend.js";
import { getNumThreads, setNumThreads } from "../../src/backend/wasm/threads.js";
import {
  SHARED_GEMM_CASES, TRANSPOSED as T, contiguous, magnitudes, operand, random, type GemmCase as Case,
} from "./gemm-helpers.js";

const reference = new JsBackend();
const fast = [new WasmBackend({ variant: "relaxed" }), new WasmBackend({ variant: "simd" })];
const all: Backend[] = [reference, ...fast];
const threadCounts = [1, 2];
const initialThreads = getNumThreads();

before(async () => {
  setNumThreads(2);
  await Promise.all(fast.map((backend) => backend.pool.ready()));
  for (const backend of fast) assert.equal(backend.pool.size, 2, "both threads are running");
});
after(() => setNumThreads(initialThreads));


/** Runs out = a·b (or +=) on every backend and thread count; compares each with the reference. */
function check({ batch = [], m, n, k, a: la = {}, b: lb = {}, accumulate = false }: Case): void {
  const next = random(m * 7919 + n * 104729 + k);
  const a = operand(all, [...batch, m, k], la, next), b = operand(all, [...batch, k, n], lb, next);
  const outShape = [...batch, m, n];
  const size = outShape.reduce((x, y) => x * y, 1);
  // the previous contents: added with `accumulate`, and NaN otherwise to prove they are never read
  const before = Float32Array.from({ length: size }, () => (accumulate ? next() * 2 - 1 : NaN));
  const run = (backend: Backend, i: number): Float32Array => {
    const out = backend.alloc(size, "float32");
    backend.write(out, before);
    backend.matmul(a[i], b[i], out, accumulate);
    return backend.read(contiguous(out, outShape)) as Float32Array;
  };
  const expected = run(reference, 0);
  const scale = size > 0 && k > 0 ? magnitudes(reference, a[0], b[0]) : new Float64Array(size);
  fast.forEach((backend, f) => {
    for (const threads of threadCounts) {
      setNumThreads(threads);
      const actual = run(backend, f + 1);
      for (let e = 0; e < size; e++) {
        const tol = 1e-5 * (scale[e] + (accumulate ? Math.abs(before[e]) : 0)) + 1e-30;
        if (!(Math.abs(actual[e] - expected[e]) <= tol)) {
          assert.fail(`${backend.variant}, ${threads} thread(s): element ${e} is ${actual[e]}, ` +
            `expected ${expected[e]} (tolerance ${tol})`);
        }
      }
    }
  });
}


describe("wasm GEMM against the reference", () => {
  const cases: Case[] = [
    ...SHARED_GEMM_CASES,
    { name: "one exact microkernel tile", m: 6, n: 8, k: 4 },
    { name: "past MC, NC and KC", m: 151, n: 2053, k: 263 },
    { name: "past MC, NC and KC, transposed", m: 151, n: 2053, k: 263, a: T, b: T },
    { name: "backprop X·W 128×256×784", m: 128, n: 256, k: 784 },
    { name: "backprop Xᵀ·dY 784×256×128", m: 784, n: 256, k: 128, a: T },
    { name: "backprop dY·Wᵀ 128×784×256", m: 128, n: 784, k: 256, b: T },
    { name: "accumulate", m: 67, n: 131, k: 300, accumulate: true },
    { name: "batched, one side fully broadcast", batch: [4], m: 50, n: 70, k: 90, b: { broadcast: [0] } },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe("wasm GEMM special values", () => {
  /** float64 triple loop: IEEE NaN and Inf semantics (0·Inf = NaN), which the reference skips over. */
  function naive(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
    return c;
  }

  test("NaN and Inf propagate as in IEEE arithmetic", () => {
    const m = 37, n = 41, k = 300; // large enough to be split across threads
    const next = random(5);
    const specials = (data: Float32Array, values: number[]): void => {
      for (const v of values) data[Math.floor(next() * data.length)] = v;
    };
    const a = operand(fast, [m, k], {}, next, (d) => specials(d, [NaN, Infinity, -Infinity, 0]));
    const b = operand(fast, [k, n], {}, next, (d) => specials(d, [Infinity, 0, NaN]));
    const expected = naive(fast[0].read(a[0]) as Float32Array, fast[0].read(b[0]) as Float32Array, m, n, k);
    assert.ok(expected.some(Number.isNaN) && expected.some((v) => v === Infinity || v === -Infinity));
    fast.forEach((backend, f) => {
      for (const threads of threadCounts) {
        setNumThreads(threads);
        const out = backend.alloc(m * n, "float32");
        backend.matmul(a[f], b[f], out);
        const actual = backend.read(contiguous(out, [m, n]));
        expected.forEach((e, i) => {
          if (Number.isFinite(e)) {
            assert.ok(Math.abs(actual[i] - e) < 1e-3, `element ${i}: ${actual[i]} vs ${e}`);
            return;
          }
          assert.ok(Object.is(actual[i], e) || (Number.isNaN(e) && Number.isNaN(actual[i])),
            `${backend.variant}, ${threads} thread(s), element ${i}: ${actual[i]} vs ${e}`);
        });
      }
    });
  });
});

describe("wasm GEMM dtypes", () => {
  test("float64 falls back to the reference kernel", () => {
    const backend = fast[0];
    const a = backend.alloc(6, "float64"), b = backend.alloc(6, "float64"), out = backend.alloc(4, "float64");
    backend.write(a, [1, 2, 3, 4, 5, 6]);
    backend.write(b, [1, 0, 0, 1, 1, 1]);
    const view = (storage: typeof a, shape: number[]): View => contiguous(storage, shape);
    backend.matmul(view(a, [2, 3]), view(b, [3, 2]), out);
    assert.deepEqual([...backend.read(view(out, [2, 2]))], [4, 5, 10, 11]);
  });
});
