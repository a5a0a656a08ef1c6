// The native GEMM (every instruction-set variant this CPU runs, forced one after another, on 1 to 3
// threads) against the reference backend on awkward shapes and layouts, including each variant's
// block edges (KC, MC, NC) and NaN/Inf. "avx512emu" is the AVX-512 blocking compiled for AVX2, so that
// geometry is checked on machines without AVX-512. Tolerance as in gemm.test.ts: 1e-5·Σ|a||b|.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Backend, View } from "../../src/backend/backend.js";
import { JsBackend } from "../../src/backend/js/backend.js";
import { NativeBackend } from "../../src/backend/native/backend.js";
import { getNumThreads, setNumThreads } from "../../src/backend/wasm/threads.js";
import {
  SHARED_GEMM_CASES, TRANSPOSED as T, contiguous, magnitudes, operand, random, type GemmCase as Case,
} from "./gemm-helpers.js";
import { builtAddon } from "./native-helpers.js";

const reference = new JsBackend();
const addon = builtAddon();
const threadCounts = [1, 2, 3];
const index = new URL("../../src/index.js", import.meta.url).href;


const cases: Case[] = [
  ...SHARED_GEMM_CASES,
  { name: "exact tiles 12×32 and 6×16", m: 12, n: 32, k: 4 },
  { name: "past every KC (192, 256) and MC (144, 168)", m: 173, n: 41, k: 263 },
  { name: "past every NC (3072, 4080), transposed", m: 13, n: 4111, k: 23, a: T, b: T },
  { name: "split across threads by rows", m: 300, n: 61, k: 150 },
  { name: "split across threads by columns", m: 20, n: 700, k: 150, b: T },
  { name: "accumulate over several KC blocks", m: 67, n: 131, k: 600, accumulate: true },
];

/** out = a·b (or +=) on the native backend for each thread count, against the reference. */
function check(native: NativeBackend, isa: string, c: Case): void {
  const { batch = [], m, n, k, a: la = {}, b: lb = {}, accumulate = false } = c;
  const next = random(m * 7919 + n * 104729 + k);
  const both: Backend[] = [reference, native];
  const a = operand(both, [...batch, m, k], la, next), b = operand(both, [...batch, k, n], lb, next);
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
  let first: Float32Array | null = null;
  for (const threads of threadCounts) {
    setNumThreads(threads);
    const actual = run(native, 1);
    for (let e = 0; e < size; e++) {
      const tol = 1e-5 * (scale[e] + (accumulate ? Math.abs(before[e]) : 0)) + 1e-30;
      if (!(Math.abs(actual[e] - expected[e]) <= tol)) {
        assert.fail(`${isa}, ${threads} thread(s): element ${e} is ${actual[e]}, expected ${expected[e]} ` +
          `(tolerance ${tol})`);
      }
    }
    // the split never changes a result: every element is summed the same way on any thread
    if (first) assert.deepEqual(actual, first, `${isa}: ${threads} threads differ from 1`);
    first = actual;
  }
}

/** float64 triple loop: IEEE NaN and Inf semantics (0·Inf = NaN). */
function naive(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    c[i * n + j] = s;
  }
  return c;
}

/**
 * A[:rows]·B[:, :width] against the top-left corner of A·B with A 24 rows (two 12-row or four 6-row
 * tiles) and B 40 wide: the corner comes from full tiles (or wider edges), the small products' last rows
 * and columns from the short and narrow edge kernels; bit for bit the same.
 */
function checkEdges(native: NativeBackend, isa: string): void {
  const tall = 24, k = 300, wide = 40, next = random(11);
  const a = operand([native], [tall, k], {}, next)[0], b = operand([native], [k, wide], {}, next)[0];
  const product = (m: number, n: number): Float32Array => {
    const out = native.alloc(m * n, "float32");
    native.matmul({ ...a, shape: [m, k] }, { ...b, shape: [k, n] }, out);
    return native.read(contiguous(out, [m, n])) as Float32Array;
  };
  const full = product(tall, wide);
  for (const [m, n] of [[tall, 6], [tall, 12], [3, wide], [7, wide], [3, 6], [7, 12], [10, 20]]) {
    const small = product(m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      if (!Object.is(small[i * n + j], full[i * wide + j])) {
        assert.fail(`${isa}, ${m}×${n}: element [${i}, ${j}] is ${small[i * n + j]}, ` +
          `${full[i * wide + j]} in the ${tall}×${wide} product`);
      }
    }
  }
}

function checkSpecials(native: NativeBackend, isa: string): void {
  const m = 37, n = 41, k = 300;
  const next = random(5);
  const specials = (data: Float32Array, values: number[]): void => {
    for (const v of values) data[Math.floor(next() * data.length)] = v;
  };
  const a = operand([native], [m, k], {}, next, (d) => specials(d, [NaN, Infinity, -Infinity, 0]))[0];
  const b = operand([native], [k, n], {}, next, (d) => specials(d, [Infinity, 0, NaN]))[0];
  const expected = naive(native.read(a) as Float32Array, native.read(b) as Float32Array, m, n, k);
  assert.ok(expected.some(Number.isNaN) && expected.some((v) => v === Infinity || v === -Infinity));
  const out = native.alloc(m * n, "float32");
  native.matmul(a, b, out);
  const actual = native.read(contiguous(out, [m, n]));
  expected.forEach((e, i) => {
    const same = Number.isFinite(e) ? Math.abs(actual[i] - e) < 1e-3
      : Object.is(actual[i], e) || (Number.isNaN(e) && Number.isNaN(actual[i]));
    assert.ok(same, `${isa} element ${i}: ${actual[i]} vs ${e}`);
  });
}

if (addon) {
  const native = new NativeBackend(addon, addon.selectIsa("auto"));
  const isas = addon.isas();
  test("this CPU runs the portable kernels at least, and the emulated AVX-512 blocking with AVX2", () => {
    assert.ok(isas.includes("portable"), isas.join());
    if (isas.includes("avx2")) assert.ok(isas.includes("avx512emu"), isas.join());
  });
  for (const isa of isas) {
    describe(`native GEMM (${isa}) against the reference`, () => {
      for (const c of cases) {
        test(c.name, () => {
          const threads = getNumThreads();
          addon.selectIsa(isa);
          try {
            check(native, isa, c);
          } finally {
            setNumThreads(threads);
            addon.selectIsa("auto");
          }
        });
      }
      test("short and narrow edge tiles sum each element as a full tile does", () => {
        addon.selectIsa(isa);
        try { checkEdges(native, isa); } finally { addon.selectIsa("auto"); }
      });
      test("NaN and Inf propagate as in IEEE arithmetic", () => {
        addon.selectIsa(isa);
        try { checkSpecials(native, isa); } finally { addon.selectIsa("auto"); }
      });
    });
  }
  test("the heap grows between calls: operands placed past the old end", () => {
    const grown = native.heap.heapBytes;
    const filler = native.alloc(grown / 4, "float32"); // more than the heap had: it must grow
    assert.ok(native.heap.heapBytes > grown);
    const m = 9, n = 11, k = 13, next = random(7);
    const a = operand([native], [m, k], {}, next)[0], b = operand([native], [k, n], {}, next)[0];
    const out = native.alloc(m * n, "float32");
    native.matmul(a, b, out);
    const expected = naive(native.read(a) as Float32Array, native.read(b) as Float32Array, m, n, k);
    const actual = native.read(contiguous(out, [m, n]));
    expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-4, `${i}: ${actual[i]} vs ${e}`));
    native.free(filler);
  });
  test("float64 is left to the wasm backend's reference kernel", () => {
    const a = native.alloc(6, "float64"), b = native.alloc(6, "float64"), out = native.alloc(4, "float64");
    native.write(a, [1, 2, 3, 4, 5, 6]);
    native.write(b, [1, 0, 0, 1, 1, 1]);
    native.matmul(contiguous(a, [2, 3]), contiguous(b, [3, 2]), out);
    assert.deepEqual([...native.read(contiguous(out, [2, 2]))], [4, 5, 10, 11]);
  });
}

/** backendInfo() and the first matmul's backend in a child process with `env` set. */
interface ChildInfo {
  backend: string;
  native: { isa: string | null; reason: string | null };
  product: number[];
}

function childInfo(env: Record<string, string>): ChildInfo {
  const code = `import * as zd from ${JSON.stringify(index)};
    const product = [...zd.tensor([[1, 2], [3, 4]]).matmul(zd.tensor([[5], [6]])).dataSync()];
    console.log(JSON.stringify({ ...zd.backendInfo(), product }));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8", timeout: 30000, env: { ...process.env, ZENDL_BACKEND: "", ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string);
}

test("ZENDL_NATIVE_ISA forces a variant; ZENDL_NATIVE=0 and unknown ones leave wasm, with a reason", () => {
  if (addon) {
    const forced = childInfo({ ZENDL_NATIVE: "", ZENDL_NATIVE_ISA: "portable" });
    const portable = { isa: "portable", reason: null };
    assert.deepEqual(forced, { backend: "native", native: portable, product: [17, 39] });
  }
  const unknown = childInfo({ ZENDL_NATIVE: "", ZENDL_NATIVE_ISA: "sse9" });
  assert.equal(unknown.backend, "wasm");
  const why = addon ? /ZENDL_NATIVE_ISA=sse9: no sse9 kernels in this build/ : /./;
  assert.match(unknown.native.reason ?? "", why);
  const off = childInfo({ ZENDL_NATIVE: "0" });
  assert.deepEqual(off, { backend: "wasm", native: { isa: null, reason: "disabled by ZENDL_NATIVE=0" },
    product: [17, 39] });
});
